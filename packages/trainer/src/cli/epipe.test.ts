import { spawn } from 'node:child_process';
import { builtCli } from './built-cli';

const built = builtCli();
if ('skip' in built) console.warn(`skipping the EPIPE test: ${built.skip}`);
const suite = 'skip' in built ? describe.skip : describe;

suite('ssl with a reader that closes the pipe early (`ssl --help | head -1`)', () => {
  it('ends with status 0 and no stack trace', async () => {
    const { cli } = built as { cli: string };
    const child = spawn(process.execPath, [cli, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the command writes
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  }, 30_000);
});
