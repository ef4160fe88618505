// Ctrl-C during `ssl pretrain`: the bin (a child process) finishes the step,
// writes a checkpoint inside the epoch, prints the resume command and exits
// 130; `--resume` continues at the next step.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtCli } from './built-cli';

const built = builtCli();
if ('skip' in built) console.warn(`skipping the interrupt test: ${built.skip}`);
const suite = 'skip' in built ? describe.skip : describe;

suite('ssl pretrain on SIGINT', () => {
  it('checkpoints the finished step and resumes from it', async () => {
    const cli = (built as { cli: string }).cli;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-sigint-'));
    try {
      const out = path.join(dir, 'run');
      const metrics = path.join(out, 'metrics.jsonl');
      const argv = [cli, 'pretrain', '--method', 'simclr', '--data', 'mnist', '--limit', '640']
        .concat(['--epochs', '1', '--batch-size', '16', '--width', '0.25', '--backend', 'wasm'])
        .concat(['--workers', '1', '--out', out, '--quiet']);
      const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b) => (stderr += String(b)));
      const code = new Promise<number | null>((resolve) => child.once('exit', resolve));
      // wait for 3 steps in metrics.jsonl, then Ctrl-C
      const t0 = Date.now();
      while (Date.now() - t0 < 60_000) {
        if (existsSync(metrics) && readFileSync(metrics, 'utf8').trim().split('\n').length >= 3)
          break;
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill('SIGINT');
      const status = await code;
      expect(stderr).toContain('interrupted');
      expect(status).toBe(130);
      const done = readFileSync(metrics, 'utf8').trim().split('\n').length;
      expect(stderr).toContain(`interrupted (SIGINT) after step ${done}; checkpoint written to`);
      expect(stderr).toContain(`continue with: ssl pretrain --out ${out} --resume`);
      const state = JSON.parse(readFileSync(path.join(out, 'checkpoint', 'state.json'), 'utf8'));
      expect(state).toMatchObject({ epoch: 0, step: done, epochStep: done });
      expect(existsSync(path.join(out, 'encoder'))).toBe(false);
      const again = spawnSync(
        process.execPath,
        [cli, 'pretrain', '--out', out, '--resume', '--quiet'],
        {
          encoding: 'utf8',
          timeout: 90_000,
        },
      );
      expect(again.stderr).toContain(`resuming at epoch 1, step ${done}`);
      expect(again.status).toBe(0);
      const steps = readFileSync(metrics, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).step);
      expect(steps).toEqual(Array.from({ length: 40 }, (_, i) => i)); // 640 / 16 steps, each once
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
