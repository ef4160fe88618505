// Runs an .onnx file in onnxruntime-node in a child Node process: a check for
// tests (onnxruntime-node is a devDependency). A child process, because the
// runtime's typed arrays and jest's sandbox are different realms.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = `
const ort = require('onnxruntime-node');
const fs = require('fs');
const [file, inFile, shapeJson, outFile] = process.argv.slice(1);
(async () => {
  const session = await ort.InferenceSession.create(file);
  const b = fs.readFileSync(inFile);
  const data = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  const input = new ort.Tensor('float32', data, JSON.parse(shapeJson));
  const out = await session.run({ [session.inputNames[0]]: input });
  const y = out[session.outputNames[0]];
  fs.writeFileSync(outFile, Buffer.from(y.data.buffer, y.data.byteOffset, y.data.byteLength));
  fs.writeFileSync(outFile + '.json', JSON.stringify({ dims: y.dims, inputs: session.inputNames, outputs: session.outputNames }));
})().catch((e) => { console.error(e.message); process.exit(1); });
`;

/** The output of the .onnx model in `file` (or given as bytes) on `input` (shape `shape`), run by onnxruntime-node. */
export function runOnnxFile(
  file: string | Uint8Array,
  input: Float32Array,
  shape: number[],
): { data: Float32Array; dims: number[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-onnx-'));
  try {
    let model = file as string;
    if (typeof file !== 'string') {
      model = path.join(dir, 'model.onnx');
      writeFileSync(model, file);
    }
    const inFile = path.join(dir, 'in.bin');
    const outFile = path.join(dir, 'out.bin');
    writeFileSync(inFile, Buffer.from(input.buffer, input.byteOffset, input.byteLength));
    execFileSync(process.execPath, ['-e', SCRIPT, model, inFile, JSON.stringify(shape), outFile], {
      cwd: __dirname, // resolves onnxruntime-node from this package
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const b = readFileSync(outFile);
    const data = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
    const { dims } = JSON.parse(readFileSync(`${outFile}.json`, 'utf8')) as { dims: number[] };
    return { data, dims };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
