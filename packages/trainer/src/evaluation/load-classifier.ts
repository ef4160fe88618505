import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import {
  CLASSIFIER_METADATA_KEY,
  createClassifier,
  type Classifier,
  type ClassifierMetadata,
} from './classifier';
import { loadHandlerFor } from './classifier-io';
// the custom layers a saved classifier may hold, registered for deserialisation
import './standardize-layer';
import './knn-layer';
import '@ssl/mlm';
import '@ssl/encoders';

const KINDS = ['linear-probe', 'knn', 'fine-tune', 'distill', 'fixmatch'];

/**
 * Loads a classifier saved by `Classifier.save`: a folder (Node), a tfjs URL
 * or a `tf.io.IOHandler`. Its metadata (class names, input shape, pixel range,
 * kind, encoder) come from `model.json`'s `userDefinedMetadata.sslClassifier`;
 * a model without it is refused.
 *
 * @example
 * const classifier = await loadClassifier('runs/probe');
 * const { labels } = classifier.predict(images);
 */
export async function loadClassifier(src: string | tf.io.IOHandler): Promise<Classifier> {
  const fn = 'loadClassifier';
  const handler = await loadHandlerFor(fn, src);
  const model = await tfl.loadLayersModel(handler);
  const where = typeof src === 'string' ? JSON.stringify(src) : 'the handler';
  const meta = (model.getUserDefinedMetadata() as Record<string, unknown> | undefined)?.[
    CLASSIFIER_METADATA_KEY
  ] as ClassifierMetadata | undefined;
  const out = model.outputs[0].shape;
  const ok =
    meta != null &&
    meta.format === 'ssl-classifier' &&
    KINDS.includes(meta.kind) &&
    Array.isArray(meta.classNames) &&
    meta.classNames.length === out[out.length - 1] &&
    Array.isArray(meta.inputShape);
  if (!ok) {
    model.dispose();
    throw new Error(
      `${fn}: ${where} holds no classifier metadata (userDefinedMetadata.${CLASSIFIER_METADATA_KEY} of a Classifier.save); load other models with tf.loadLayersModel`,
    );
  }
  return createClassifier(model, meta);
}
