import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { confinedPath, makeFolder, refuseLink } from './safe-path';

describe('safe paths', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-safe-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('confinedPath keeps metadata paths inside their folder', () => {
    const root = path.join(dir, 'model');
    mkdirSync(path.join(root, 'sub'), { recursive: true });
    writeFileSync(path.join(dir, 'outside.txt'), 'x');
    writeFileSync(path.join(root, 'tokenizer.json'), '{}');
    expect(confinedPath('f', root, 'tokenizer.json')).toBe(path.join(root, 'tokenizer.json'));
    expect(confinedPath('f', root, 'sub/../missing.json')).toBe(path.join(root, 'missing.json'));
    for (const bad of [
      '../outside.txt',
      '../../../../etc/passwd',
      'sub/../../outside.txt',
      '/etc/passwd',
    ]) {
      expect(() => confinedPath('readExport: tokenizer', root, bad)).toThrow(
        `readExport: tokenizer: '${bad}' lies outside ${root}; only files inside that folder are read, refused`,
      );
    }
    expect(() => confinedPath('f', root, '')).toThrow(
      /f: the path must be a non-empty file name, got ""/,
    );
    expect(() => confinedPath('f', root, 3)).toThrow(/got 3/);
    symlinkSync(path.join(dir, 'outside.txt'), path.join(root, 'link.json'));
    expect(() => confinedPath('f', root, 'link.json')).toThrow(
      /^f: 'link\.json' is a symbolic link to '.*outside\.txt'; only regular files inside .* are read, refused$/,
    );
  });

  it('refuseLink refuses any symbolic link, passes a regular or missing file', () => {
    const f = path.join(dir, 'plain.txt');
    writeFileSync(f, 'x');
    expect(() => refuseLink('g', f)).not.toThrow();
    expect(() => refuseLink('g', path.join(dir, 'nothing'))).not.toThrow();
    const l = path.join(dir, 'l.txt');
    symlinkSync(f, l);
    expect(() => refuseLink('g', l)).toThrow(
      `g: ${l} is a symbolic link (to '${f}'); only regular files inside the folder are read or written, refused`,
    );
  });

  it("makeFolder reports a read-only file system as EROFS, not node's ENOENT", () => {
    // node's recursive mkdir on a read-only file system: ENOENT for the missing folder;
    // one level at a time: EROFS for the first folder that cannot be made
    const existing = new Set(['/', '/mnt', '/mnt/ro']);
    const fake = {
      existsSync: (p: string) => existing.has(p),
      mkdirSync: (p: string, o?: { recursive?: boolean }) => {
        const e = Object.assign(new Error(`${o?.recursive ? 'ENOENT' : 'EROFS'}: ${p}`), {
          code: o?.recursive ? 'ENOENT' : 'EROFS',
          path: p,
        });
        throw e;
      },
    };
    let err: NodeJS.ErrnoException | undefined;
    try {
      makeFolder('/mnt/ro/a/b', fake);
    } catch (e) {
      err = e as NodeJS.ErrnoException;
    }
    expect(err?.code).toBe('EROFS');
    expect(err?.path).toBe('/mnt/ro/a');
    // a real missing chain is created; a file in the way stays ENOTDIR/EEXIST
    makeFolder(path.join(dir, 'x', 'y', 'z'));
    writeFileSync(path.join(dir, 'file'), '');
    expect(() => makeFolder(path.join(dir, 'file', 'sub'))).toThrow(/ENOTDIR|EEXIST/);
  });
});
