import * as tf from '@tensorflow/tfjs-core';

// A variable so that bundlers do not follow it into the browser build.
const NODE_ENTRY = '@ssl/trainer/node';

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

function isHandler(x: unknown): x is tf.io.IOHandler {
  return x != null && typeof x === 'object';
}

/** A folder path (or `file://` URL) as the Node entry's file-system handler. */
async function folderHandler(fn: string, dir: string): Promise<tf.io.IOHandler> {
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new Error(
      `${fn}: a folder path needs Node; in a browser give a tf.io.IOHandler or a URL such as 'indexeddb://name', got ${JSON.stringify(dir)}`,
    );
  }
  const mod = (await import(/* @vite-ignore */ NODE_ENTRY)) as {
    fileSystemHandler: (dir: string) => tf.io.IOHandler;
  };
  return mod.fileSystemHandler(dir.replace(/^file:\/\//i, ''));
}

/**
 * Where a classifier is saved: an IOHandler as it is, a tfjs URL
 * (`indexeddb://`, `localstorage://`, `downloads://`, `http(s)://`) through
 * tfjs's routers, a folder path (or `file://`) with `fileSystemHandler` (Node).
 */
export async function saveHandlerFor(
  fn: string,
  dest: string | tf.io.IOHandler,
): Promise<tf.io.IOHandler> {
  if (isHandler(dest)) {
    if (typeof dest.save !== 'function') {
      throw new Error(
        `${fn}: dest must be a path, a URL or a tf.io.IOHandler with save(), got an object without save()`,
      );
    }
    return dest;
  }
  if (typeof dest !== 'string' || dest === '') {
    throw new Error(
      `${fn}: dest must be a folder path, a URL or a tf.io.IOHandler, got ${JSON.stringify(dest)}`,
    );
  }
  if (SCHEME.test(dest) && !/^file:\/\//i.test(dest)) {
    const handlers = tf.io.getSaveHandlers(dest);
    if (handlers.length !== 1) {
      throw new Error(
        `${fn}: no single tfjs save handler for ${JSON.stringify(dest)} (found ${handlers.length})`,
      );
    }
    return handlers[0];
  }
  return folderHandler(fn, dest);
}

/** Where a classifier is loaded from (the same forms as {@link saveHandlerFor}). */
export async function loadHandlerFor(
  fn: string,
  src: string | tf.io.IOHandler,
): Promise<tf.io.IOHandler> {
  if (isHandler(src)) {
    if (typeof src.load !== 'function') {
      throw new Error(
        `${fn}: src must be a path, a URL or a tf.io.IOHandler with load(), got an object without load()`,
      );
    }
    return src;
  }
  if (typeof src !== 'string' || src === '') {
    throw new Error(
      `${fn}: src must be a folder path, a URL or a tf.io.IOHandler, got ${JSON.stringify(src)}`,
    );
  }
  if (SCHEME.test(src) && !/^file:\/\//i.test(src)) {
    const handlers = tf.io.getLoadHandlers(src);
    if (handlers.length === 1) return handlers[0];
    if (/^https?:\/\//i.test(src)) return tf.io.http(src);
    throw new Error(
      `${fn}: no single tfjs load handler for ${JSON.stringify(src)} (found ${handlers.length})`,
    );
  }
  return folderHandler(fn, src);
}
