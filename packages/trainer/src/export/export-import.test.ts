import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { convEncoder, projectionHead, transformerEncoder } from '@ssl/encoders';
import '@ssl/test-utils';
import { main } from '../cli/main';
import { saveModel, loadModel } from '../io/model-io';
import { exportWeights } from './export-weights';
import { configPath, readExport, writeExport } from './files';
import { importWeights } from './import-weights';
import { decodeSafetensors, encodeSafetensors } from './safetensors';
import { captureIO } from '../testing/capture-io';

describe('exportWeights / importWeights', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-export-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names tensors <role>.<layer>.<PyTorch name> with PyTorch shapes, and carries the topology', () => {
    const encoder = convEncoder({ filters: [4, 6, 8], batchNorm: true, hiddenDim: 5 });
    const head = projectionHead({ inputDim: 5, hiddenDim: 7, outputDim: 3 });
    const { bytes, config } = exportWeights({ encoder, projection_head: head });
    const f = decodeSafetensors(bytes);
    const shape = (k: string) => f.tensors.get(k)?.shape;
    expect(shape('encoder.conv_encoder_conv1.weight')).toEqual([4, 1, 3, 3]);
    expect(shape('encoder.conv_encoder_conv2.weight')).toEqual([6, 4, 3, 3]);
    expect(shape('encoder.conv_encoder_bn3.running_var')).toEqual([8]);
    expect(shape('encoder.conv_encoder_hidden.weight')).toEqual([5, 8]);
    expect(shape('projection_head.projection_head_linear1.weight')).toEqual([7, 5]);
    expect(shape('projection_head.projection_head_bn1.running_mean')).toEqual([7]);
    expect(f.tensors.has('encoder.conv_encoder_conv1.bias')).toBe(false); // BN follows: no bias
    expect(f.tensors.size).toBe(encoder.weights.length + head.weights.length);
    expect(Object.keys(config.models)).toEqual(['encoder', 'projection_head']);
    expect(config.models.encoder.outputShapes.conv_encoder_gap).toEqual([null, 8]);
    expect(JSON.parse(f.metadata.ssl_config)).toEqual(config);
    encoder.dispose();
    head.dispose();
  });

  it('importWeights rebuilds models that predict exactly like the originals, without leaking', async () => {
    const models = [
      convEncoder({ filters: [4, 6, 8], batchNorm: true, seed: 3 }),
      transformerEncoder({
        vocabSize: 30,
        maxLength: 8,
        dModel: 8,
        numHeads: 2,
        numLayers: 1,
        seed: 4,
      }),
    ];
    const inputs = [
      [tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 1)],
      [
        tf.tensor2d(
          [
            [1, 5, 9, 0],
            [2, 3, 0, 0],
          ],
          [2, 4],
          'int32',
        ),
        tf.tensor2d(
          [
            [1, 1, 1, 0],
            [1, 1, 0, 0],
          ],
          [2, 4],
        ),
      ],
    ];
    for (const [i, model] of models.entries()) {
      const before = tf.memory().numTensors;
      const back = await importWeights(exportWeights(model).bytes);
      const x = inputs[i].length === 1 ? inputs[i][0] : inputs[i];
      const a = model.predict(x) as tf.Tensor;
      const b = back.predict(x) as tf.Tensor;
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([a, b]);
      back.dispose();
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    }
    tf.dispose(inputs.flat());
  });

  it('refuses what it cannot map, with one clear line', async () => {
    const conv1d = tfl.sequential({
      layers: [tfl.layers.conv1d({ inputShape: [8, 2], filters: 2, kernelSize: 3 })],
    });
    expect(() => exportWeights(conv1d)).toThrow(
      /exportWeights: layer '.*' \(Conv1D\) has a weight 'kernel' with no PyTorch mapping/,
    );
    const inner = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 2 })] });
    const outer = tfl.sequential({ layers: [inner] });
    expect(() => exportWeights(outer)).toThrow(/is itself a model/);
    expect(() => exportWeights({ Encoder: inner })).toThrow(/role 'Encoder'/);
    expect(() => exportWeights(inner, { format: 'onnx' as never })).toThrow(
      /format must be 'safetensors'/,
    );

    const { bytes } = exportWeights({ encoder: inner });
    const f = decodeSafetensors(bytes);
    await expect(importWeights(f, { model: 'projection_head' })).rejects.toThrow(
      /no model 'projection_head'; it holds encoder/,
    );
    const key = [...f.tensors.keys()][0];
    const missing = new Map(f.tensors);
    missing.delete(key);
    await expect(importWeights({ ...f, tensors: missing })).rejects.toThrow(/lacks tensor/);
    const wrong = new Map(f.tensors);
    wrong.set(key, { dtype: 'float32', shape: [3, 2], data: new Float32Array(6) });
    await expect(importWeights({ ...f, tensors: wrong })).rejects.toThrow(/does not give/);
    await expect(importWeights(encodeSafetensors([]))).rejects.toThrow(/no 'ssl_config' metadata/);
    [conv1d, outer].forEach((m) => m.dispose());
  });

  it('writeExport writes the file, its config and the tokenizer, atomically, and refuses to overwrite', async () => {
    const model = convEncoder({ filters: [2, 2, 2] });
    const tok = path.join(dir, 'tok-src.json');
    writeFileSync(tok, '{"vocab":[]}');
    const file = path.join(dir, 'w', 'enc.safetensors');
    await writeExport(file, model, { tokenizerFile: tok });
    expect(JSON.parse(readFileSync(configPath(file), 'utf8')).tokenizer).toBe('tokenizer.json');
    expect(readFileSync(path.join(dir, 'w', 'tokenizer.json'), 'utf8')).toBe('{"vocab":[]}');
    await expect(writeExport(file, model)).rejects.toThrow(/exists; pass overwrite/);
    const { model: back, tokenizerFile } = await readExport(file);
    expect(tokenizerFile).toBe(path.join(dir, 'w', 'tokenizer.json'));
    back.dispose();
    await writeExport(file, model, { overwrite: true }); // no tokenizer this time
    const again = await readExport(file);
    expect(again.tokenizerFile).toBeUndefined();
    again.model.dispose();
    model.dispose();
  });

  it('ssl export / ssl import: a round trip through the command line, and its usage errors', async () => {
    const model = convEncoder({ filters: [2, 3, 4], seed: 9 });
    const enc = path.join(dir, 'cli', 'encoder');
    await saveModel(model, enc);
    const file = path.join(dir, 'cli', 'torch', 'encoder.safetensors');
    let c = captureIO();
    expect(
      await main(
        ['export', '--encoder', enc, '--out', file, '--data', 'mnist', '--limit', '5'],
        c.io,
      ),
    ).toBe(0);
    expect(c.out.join('\n')).toMatch(/wrote .*encoder.safetensors \(encoder\)/);
    const data = decodeSafetensors(
      readFileSync(path.join(dir, 'cli', 'torch', 'mnist.safetensors')),
    );
    expect(data.tensors.get('images')!.shape).toEqual([5, 28, 28, 1]);
    expect(data.tensors.get('images')!.dtype).toBe('uint8');
    c = captureIO();
    expect(await main(['export', '--encoder', enc, '--out', file], c.io)).toBe(1);
    expect(c.err[0]).toMatch(/^ssl: writeExport: .* exists; pass overwrite \(ssl export --force\)/);
    const back = path.join(dir, 'cli', 'back');
    expect(await main(['import', '--from', file, '--out', back], captureIO().io)).toBe(0);
    const loaded = await loadModel(back);
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    c = captureIO();
    expect(await main(['import', '--from', file, '--out', back], c.io)).toBe(1);
    expect(c.err[0]).toMatch(/exists; pass --force/);

    const usage = async (argv: string[], re: RegExp) => {
      const u = captureIO();
      expect(await main(argv, u.io)).toBe(2);
      expect(u.err).toHaveLength(1);
      expect(u.err[0]).toMatch(re);
    };
    await usage(
      ['export', '--out', file],
      /ssl export: give one of --encoder DIR or --classifier DIR/,
    );
    await usage(['export', '--encoder', dir, '--out', file], /is not a model folder/);
    await usage(
      ['export', '--encoder', enc, '--out', file, '--format', 'onnx'],
      /--out must end in \.onnx for --format onnx/,
    );
    // the issue: --out x.json wrote safetensors bytes to x.json and the config to x.json.json
    await usage(
      ['export', '--encoder', enc, '--out', path.join(dir, 'x.json')],
      /--out must end in \.safetensors for --format safetensors, got '.*x\.json' \(the config is written beside it as FILE\.json\)/,
    );
    await usage(
      ['export', '--encoder', enc, '--out', file, '--format', 'tflite'],
      /--format must be safetensors or onnx/,
    );
    await usage(['export', '--encoder', enc], /--out is required/);
    await usage(['export', '--encoder', enc, '--out', file, '--bogus'], /Unknown option '--bogus'/);
    await usage(['import', '--from', path.join(dir, 'nope'), '--out', back], /is not a file/);
    const headDir = path.join(dir, 'cli', 'head');
    const head = projectionHead({ inputDim: 4, hiddenDim: 6, outputDim: 3 });
    await saveModel(head, headDir);
    const withHead = path.join(dir, 'cli', 'with-head.safetensors');
    const h = captureIO();
    const exportHead = [
      'export',
      '--encoder',
      enc,
      '--projection-head',
      headDir,
      '--out',
      withHead,
    ];
    expect(await main(exportHead, h.io)).toBe(0);
    expect(h.out[0]).toMatch(/\(encoder, projection_head\)/);
    const headBack = path.join(dir, 'cli', 'head-back');
    const importHead = [
      'import',
      '--from',
      withHead,
      '--out',
      headBack,
      '--model',
      'projection_head',
    ];
    expect(await main(importHead, captureIO().io)).toBe(0);
    const loadedHead = await loadModel(headBack);
    expect(loadedHead.name).toBe('projection_head');
    [head, loadedHead].forEach((m) => m.dispose());
    // an ssl pretrain --method mlm run: DIR/encoder + DIR/tokenizer.json
    const mlm = transformerEncoder({
      vocabSize: 12,
      maxLength: 4,
      dModel: 4,
      numHeads: 1,
      numLayers: 1,
    });
    await saveModel(mlm, path.join(dir, 'mlm', 'encoder'));
    writeFileSync(path.join(dir, 'mlm', 'tokenizer.json'), '{"tok":1}');
    const mlmFile = path.join(dir, 'mlm-torch', 'text.safetensors');
    expect(
      await main(
        ['export', '--encoder', path.join(dir, 'mlm', 'encoder'), '--out', mlmFile],
        captureIO().io,
      ),
    ).toBe(0);
    expect(readFileSync(path.join(dir, 'mlm-torch', 'tokenizer.json'), 'utf8')).toBe('{"tok":1}');
    const mlmBack = path.join(dir, 'mlm-back');
    expect(await main(['import', '--from', mlmFile, '--out', mlmBack], captureIO().io)).toBe(0);
    expect(readFileSync(path.join(mlmBack, 'tokenizer.json'), 'utf8')).toBe('{"tok":1}');
    mlm.dispose();
    c = captureIO();
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.out.join('\n')).toMatch(/ssl export --encoder DIR --out FILE.safetensors/);
    c = captureIO();
    expect(await main(['export', '--help'], c.io)).toBe(0);
    expect(c.out.join('\n')).toMatch(/ssl import --from FILE.safetensors --out DIR/);
    expect(existsSync(path.join(dir, 'cli', 'torch', 'encoder.json'))).toBe(true);
    loaded.dispose();
    model.dispose();
  });
});
