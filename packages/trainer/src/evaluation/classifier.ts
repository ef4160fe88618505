import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import { batchedAccuracy } from './accuracy';
import { saveHandlerFor } from './classifier-io';
import { exampleCount, modelInput, type EmbedInputs } from './embed';
import { checkLabelledSet, checkPositiveInt, type LabelledSet } from './labelled-set';

/** Which procedure made a {@link Classifier}. */
export type ClassifierKind = 'linear-probe' | 'knn' | 'fine-tune' | 'distill' | 'fixmatch';

/** The key of a saved classifier's metadata in `model.json`'s `userDefinedMetadata`. */
export const CLASSIFIER_METADATA_KEY = 'sslClassifier';

/** What a classifier records about the encoder it was built on (`null`: raw inputs). */
export interface ClassifierEncoderInfo {
  /** The encoder model's `name`. */
  name: string;
  /** Width D of the features the head reads (after pooling / flattening). */
  featureDim: number;
  /** The encoder's input names (e.g. `['input_ids', 'attention_mask']`). */
  inputNames: string[];
}

/** Stored in `model.json` → `userDefinedMetadata.sslClassifier`. */
export interface ClassifierMetadata {
  format: 'ssl-classifier';
  version: 1;
  kind: ClassifierKind;
  classNames: string[];
  inputShape: number[];
  pixelRange?: [number, number];
  encoder: ClassifierEncoderInfo | null;
}

/** Options of {@link Classifier.predict} and {@link Classifier.evaluate}. */
export interface ClassifyOptions {
  /** Examples per forward pass; bounds peak memory. Default 256. */
  batchSize?: number;
}

/**
 * A trained few-label classifier: one Layers model (encoder, any
 * standardisation, the head, a softmax: inputs → probabilities `[N, C]`) plus
 * its class names, input shape and pixel range. Returned by `linearProbe`,
 * `knnClassifier`, `fineTune`, `distill` and `fixMatch`, and by
 * `loadClassifier`. It owns its model: call `dispose()` when done.
 *
 * @example
 * const { accuracy, classifier } = await linearProbe({ encoder, train, test });
 * const { labels, probabilities } = classifier.predict(images); // [N] int32, [N, C]
 * await classifier.save('runs/probe'); // model.json + weights.bin (Node: a folder; or any tf.io.IOHandler)
 * classifier.dispose();
 */
export interface Classifier {
  /** What made it. */
  readonly kind: ClassifierKind;
  /** Name of each class, by index. Default `['0', '1', ...]`. */
  readonly classNames: string[];
  /** Shape of one example, e.g. `[28, 28, 1]`, or `[seqLen]` for text (`-1`: any length). */
  readonly inputShape: number[];
  /** Range the pixels of an image classifier expect, e.g. `[0, 1]`. */
  readonly pixelRange?: [number, number];
  /** The encoder it was built on (`null`: raw inputs). */
  readonly encoder: ClassifierEncoderInfo | null;
  /** The whole model: inputs → probabilities `[N, C]`. Loads with plain `tf.loadLayersModel` too. */
  readonly model: tfl.LayersModel;
  /**
   * Class probabilities `[N, C]` and the arg-max labels `[N]` (int32) of
   * inputs `[N, ...inputShape]` (or named inputs such as
   * `{ inputIds, attentionMask }`), in inference mode. The caller disposes both.
   */
  predict(
    x: EmbedInputs,
    opts?: ClassifyOptions,
  ): { labels: tf.Tensor1D; probabilities: tf.Tensor2D };
  /** Accuracy in [0, 1] on a labelled set. */
  evaluate(data: LabelledSet, opts?: ClassifyOptions): Promise<number>;
  /**
   * Saves in the tfjs Layers format (`model.json` + `weights.bin`) with the
   * metadata in `userDefinedMetadata.sslClassifier`. `dest`: a folder path
   * (Node), a tfjs URL (`indexeddb://…`, `localstorage://…`, `downloads://…`)
   * or a `tf.io.IOHandler`.
   */
  save(dest: string | tf.io.IOHandler): Promise<void>;
  /** Frees the model's weights. */
  dispose(): void;
}

/** Settings of {@link createClassifier}. */
export interface ClassifierParts {
  kind: ClassifierKind;
  /** Class names (checked against the model's C); default `['0', ..., 'C-1']`. */
  classNames?: string[];
  /** Default `[0, 1]` for image inputs `[H, W, C]`, none otherwise. */
  pixelRange?: [number, number];
  encoder: ClassifierEncoderInfo | null;
}

/** The classifier's metadata, checked: class names match the model's output width. */
export function classifierMetadata(
  fn: string,
  model: tfl.LayersModel,
  parts: ClassifierParts,
): ClassifierMetadata {
  const out = model.outputs[0].shape;
  const numClasses = out[out.length - 1];
  if (model.outputs.length !== 1 || out.length !== 2 || numClasses == null) {
    throw new Error(`${fn}: the model must output probabilities [N, C], got [${out}]`);
  }
  const classNames = parts.classNames ?? Array.from({ length: numClasses }, (_, i) => String(i));
  if (
    !Array.isArray(classNames) ||
    classNames.length !== numClasses ||
    !classNames.every((c) => typeof c === 'string')
  ) {
    throw new Error(
      `${fn}: classNames must be ${numClasses} strings (one per class), got ${JSON.stringify(classNames)}`,
    );
  }
  const inputShape = model.inputs[0].shape.slice(1).map((d) => d ?? -1);
  const pixelRange = parts.pixelRange ?? (inputShape.length === 3 ? [0, 1] : undefined);
  if (
    pixelRange != null &&
    !(
      Array.isArray(pixelRange) &&
      pixelRange.length === 2 &&
      pixelRange.every(Number.isFinite) &&
      pixelRange[0] < pixelRange[1]
    )
  ) {
    throw new Error(
      `${fn}: pixelRange must be [lo, hi] with lo < hi, got ${JSON.stringify(pixelRange)}`,
    );
  }
  return {
    format: 'ssl-classifier',
    version: 1,
    kind: parts.kind,
    classNames: [...classNames],
    inputShape,
    ...(pixelRange ? { pixelRange: [pixelRange[0], pixelRange[1]] as [number, number] } : {}),
    encoder: parts.encoder,
  };
}

/**
 * Wraps a probabilities model and its metadata as a {@link Classifier}; the
 * classifier owns the model from now on.
 */
export function createClassifier(model: tfl.LayersModel, meta: ClassifierMetadata): Classifier {
  let disposed = false;
  const alive = (fn: string) => {
    if (disposed) throw new Error(`${fn}: the classifier was disposed`);
  };
  const checkInputs = (fn: string, x: EmbedInputs): number => {
    const n = exampleCount(fn, 'x', x);
    if (x instanceof tf.Tensor) {
      const per = x.shape.slice(1);
      const ok =
        per.length === meta.inputShape.length &&
        per.every((d, i) => meta.inputShape[i] === -1 || d === meta.inputShape[i]);
      if (!ok) {
        throw new Error(`${fn}: x must be [N, ${meta.inputShape.join(', ')}], got [${x.shape}]`);
      }
    }
    return n;
  };
  const batchOf = (fn: string, opts: ClassifyOptions | undefined): number => {
    const b = opts?.batchSize ?? 256;
    checkPositiveInt(fn, 'batchSize', b);
    return b;
  };
  const forward = (x: EmbedInputs, start: number, size: number): tf.Tensor2D =>
    model.apply(
      modelInput('Classifier', model, x, (t) => tf.slice(t, start, size)),
      { training: false },
    ) as tf.Tensor2D;

  const classifier: Classifier = {
    kind: meta.kind,
    classNames: meta.classNames,
    inputShape: meta.inputShape,
    ...(meta.pixelRange ? { pixelRange: meta.pixelRange } : {}),
    encoder: meta.encoder,
    model,
    predict(x, opts) {
      const fn = 'Classifier.predict';
      alive(fn);
      const n = checkInputs(fn, x);
      const batchSize = batchOf(fn, opts);
      return tf.tidy(() => {
        const parts: tf.Tensor2D[] = [];
        for (let start = 0; start < n; start += batchSize) {
          parts.push(forward(x, start, Math.min(batchSize, n - start)));
        }
        const probabilities = parts.length === 1 ? parts[0] : (tf.concat(parts, 0) as tf.Tensor2D);
        const labels = tf.cast(tf.argMax(probabilities, 1), 'int32') as tf.Tensor1D;
        return { labels, probabilities };
      });
    },
    async evaluate(data, opts) {
      const fn = 'Classifier.evaluate';
      alive(fn);
      const ys = checkLabelledSet(fn, 'data', data);
      checkInputs(fn, data.images as EmbedInputs);
      const batchSize = batchOf(fn, opts);
      return batchedAccuracy(ys.length, ys, batchSize, (start, size) =>
        forward(data.images as EmbedInputs, start, size),
      );
    },
    async save(dest) {
      const fn = 'Classifier.save';
      alive(fn);
      const handler = await saveHandlerFor(fn, dest);
      model.setUserDefinedMetadata({ [CLASSIFIER_METADATA_KEY]: meta as unknown as object });
      await model.save(handler);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      model.dispose();
    },
  };
  return classifier;
}
