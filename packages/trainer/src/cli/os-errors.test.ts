import { describeOsError } from './os-errors';

const sysError = (code: string, p?: string) =>
  Object.assign(new Error(`${code}: raw message, open '${p}'`), { code, path: p });

describe('describeOsError', () => {
  const flags = { out: ['runs/x'], data: ['/photos'] };

  it('names the flag whose path the error concerns, with the code and the file', () => {
    expect(describeOsError('ssl pretrain', sysError('EACCES', '/photos/cat/1.png'), flags)).toBe(
      "ssl pretrain: --data '/photos' is not accessible (permission denied) (EACCES: /photos/cat/1.png)",
    );
    expect(describeOsError('ssl pretrain', sysError('EEXIST', 'runs/x'), flags)).toBe(
      "ssl pretrain: --out 'runs/x' already exists as a file, not a folder (EEXIST)",
    );
    expect(describeOsError('ssl pretrain', sysError('EROFS', 'runs/x/metrics.jsonl'), flags)).toBe(
      "ssl pretrain: --out 'runs/x' is on a read-only file system (EROFS: runs/x/metrics.jsonl)",
    );
  });

  it('names the folder on the way to a flag\'s path where mkdir -p stopped (read-only, not "does not exist")', () => {
    expect(describeOsError('ssl pretrain', sysError('EROFS', 'runs'), flags)).toBe(
      "ssl pretrain: --out 'runs/x': the folder runs on its way is on a read-only file system (EROFS)",
    );
  });

  it('says the path when no flag named it; leaves other errors alone', () => {
    expect(describeOsError('ssl eval', sysError('ENOENT', '/tmp/elsewhere'), flags)).toBe(
      'ssl eval: /tmp/elsewhere does not exist (ENOENT)',
    );
    expect(describeOsError('ssl eval', new Error('shapes differ'), flags)).toBeUndefined();
    expect(describeOsError('ssl eval', sysError('EWHATEVER', 'runs/x'), flags)).toBeUndefined();
  });
});
