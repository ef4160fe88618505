import { existsSync } from 'node:fs';
import { loadClassifier } from '../evaluation';
import { writeFileAtomic } from '../io/atomic';
import { loadModel } from '../io/model-io';
import { encoderMetadata } from '../io/encoder-metadata';
import { toOnnx } from '../export/onnx/to-onnx';
import type { ExportArgs } from './export-args';

/**
 * `ssl export --format onnx`: the encoder (or the classifier) as one ONNX
 * file: input `input` [N, H, W, C] float32, output `output` (features, or
 * class probabilities); what the model was trained on (input shape, pixel
 * range, class names) in its metadata_props. Returns the exit status.
 */
export async function runExportOnnx(a: ExportArgs, print: (line: string) => void): Promise<number> {
  if (existsSync(a.out) && !a.force) {
    throw new Error(`ssl export: '${a.out}' exists; pass --force to replace it`);
  }
  if (a.classifier) {
    const c = await loadClassifier(a.classifier);
    try {
      if (c.kind === 'knn') {
        throw new Error(
          'ssl export: a knn classifier has no ONNX form (its vote is not an ONNX graph); fit one with ssl classify --method probe',
        );
      }
      const bytes = toOnnx(c.model, {
        metadata: {
          kind: c.kind,
          classNames: JSON.stringify(c.classNames),
          inputShape: JSON.stringify(c.inputShape),
          pixelRange: JSON.stringify(c.pixelRange ?? [0, 1]),
          layout: 'NHWC',
        },
      });
      await writeFileAtomic(a.out, bytes);
      print(
        `wrote ${a.out} (${(bytes.length / 1024).toFixed(0)} KiB): ${c.kind} classifier, input [N,${c.inputShape.join(',')}] -> probabilities of ${c.classNames.length} classes`,
      );
    } finally {
      c.dispose();
    }
    return 0;
  }
  const encoder = await loadModel(a.encoder!);
  try {
    const meta = encoderMetadata(encoder);
    const bytes = toOnnx(encoder, {
      metadata: {
        inputShape: JSON.stringify(meta.inputShape),
        pixelRange: JSON.stringify(meta.pixelRange),
        layout: 'NHWC',
        ...(meta.method ? { method: meta.method } : {}),
      },
    });
    await writeFileAtomic(a.out, bytes);
    const dim = encoder.outputs[0].shape.slice(1).join(',');
    print(
      `wrote ${a.out} (${(bytes.length / 1024).toFixed(0)} KiB): encoder, input [N,${meta.inputShape.join(',')}] -> features [N,${dim}]`,
    );
  } finally {
    encoder.dispose();
  }
  return 0;
}
