import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hasExtension, listFiles, pathKind } from './list-files';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssl-data-list-'));
  for (const f of ['b.TXT', 'a.txt', 'c.md', '.hidden.txt', 'z/y.txt', '.git/x.txt']) {
    fs.mkdirSync(path.dirname(path.join(tmp, f)), { recursive: true });
    fs.writeFileSync(path.join(tmp, f), f);
  }
  fs.symlinkSync(tmp, path.join(tmp, 'z', 'loop')); // a cycle
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('listFiles', () => {
  it('lists matching files recursively, sorted, skipping hidden names and link cycles', () => {
    expect(listFiles(tmp, ['.txt']).map((f) => path.relative(tmp, f))).toEqual([
      'a.txt',
      'b.TXT',
      path.join('z', 'y.txt'),
    ]);
  });
  it('tells files, folders and missing paths apart; matches extensions case-insensitively', () => {
    expect(pathKind(tmp)).toBe('folder');
    expect(pathKind(path.join(tmp, 'a.txt'))).toBe('file');
    expect(pathKind(path.join(tmp, 'nope'))).toBe('missing');
    expect(hasExtension('X.JPEG', ['.jpeg'])).toBe(true);
    expect(hasExtension('x.jpeg.bak', ['.jpeg'])).toBe(false);
  });
});
