// A folder of PNG class subfolders made from MNIST digits, for command-line
// tests: what a user's own images look like.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { loadMnist } from '@ssl/data';

/**
 * Writes `perClass` digits of each class `0..classes-1` from the MNIST
 * `split` as `dir/<class>/<i>.png` (28x28; gray, or coloured: the digit in
 * red on blue, so that it is not gray). Returns the files per class.
 */
export function writeDigitFolder(
  dir: string,
  opts: {
    perClass: number;
    classes?: number;
    split?: 'train' | 'test';
    offset?: number;
    colour?: boolean;
  },
): string[][] {
  const { perClass, classes = 10, split = 'train', offset = 0, colour = false } = opts;
  const m = loadMnist({ split });
  const files: string[][] = Array.from({ length: classes }, () => []);
  const seen = new Array<number>(classes).fill(0);
  for (let i = 0; i < m.count; i++) {
    const c = m.labels[i];
    if (c >= classes || files[c].length >= perClass) continue;
    if (seen[c]++ < offset) continue;
    const png = new PNG({ width: 28, height: 28 });
    for (let p = 0; p < 784; p++) {
      const v = Math.round(m.images[i * 784 + p] * 255);
      png.data.set(colour ? [v, 0, 255 - v, 255] : [v, v, v, 255], 4 * p);
    }
    const file = path.join(dir, String(c), `${i}.png`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, PNG.sync.write(png));
    files[c].push(file);
    if (files.every((f) => f.length >= perClass)) break;
  }
  return files;
}
