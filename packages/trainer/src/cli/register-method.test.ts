// registerMethod end to end, as the trainer README shows it: a method of your
// own in a module, loaded by `ssl pretrain --import`, trained and saved by the
// built `ssl` bin in a child process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { builtCli } from './built-cli';

const built = builtCli();
if ('skip' in built) console.warn(`skipping the registerMethod test: ${built.skip}`);
const suite = 'skip' in built ? describe.skip : describe;

/** The module of the README's "A method of your own" section. */
export const MY_METHOD = `
const { projectionHead } = require('@ssl/encoders');
const { barlowTwinsLoss } = require('@ssl/losses');
const { batchImages, defaultAugment, defineMethod, registerMethod } = require('@ssl/trainer');

function tinyBarlow({ dim = 32, lambda = 5e-3 } = {}) {
  let augment;
  const run = (model, x) => model.apply(x, { training: true });
  return defineMethod({
    name: 'tiny-barlow',
    options: { dim, lambda },
    build(encoder, ctx) {
      augment = defaultAugment(ctx.inputShape);
      const inputDim = encoder.outputs[0].shape[1];
      return { models: { projector: projectionHead({ inputDim, hiddenDim: 2 * dim, outputDim: dim, seed: ctx.seed }) } };
    },
    trainableVariables: (p) =>
      [p.encoder, p.models.projector].flatMap((m) => m.trainableWeights.map((w) => w.read())),
    prepare(p, batch, ctx) {
      const x = batchImages('tiny-barlow', batch);
      return { v1: augment(x, ctx.rng), v2: augment(x, ctx.rng) };
    },
    forward: (p, { v1, v2 }) => ({
      z1: run(p.models.projector, run(p.encoder, v1)),
      z2: run(p.models.projector, run(p.encoder, v2)),
    }),
    loss: (p, { z1, z2 }) => ({ loss: barlowTwinsLoss(z1, z2, { lambda }) }),
  });
}

registerMethod({
  name: 'tiny-barlow',
  summary: 'Barlow Twins with a small projector (an example of registerMethod)',
  modality: 'images',
  options: [
    { name: 'dim', type: 'integer', default: 32, doc: 'projection size' },
    { name: 'lambda', type: 'number', default: 5e-3, doc: 'weight of the off-diagonal terms' },
  ],
  create: (o) => tinyBarlow(o),
});
module.exports = { tinyBarlow };
`;

suite(
  'registerMethod end to end: ssl pretrain --import ./my-method.cjs --method tiny-barlow',
  () => {
    it('trains the registered method from the command line, with its own flag', () => {
      const cli = (built as { cli: string }).cli;
      // inside the package, so that '@ssl/trainer' resolves as it does in a user's project
      const dir = mkdtempSync(path.join(__dirname, '..', '..', '.test-register-'));
      try {
        const mod = path.join(dir, 'my-method.cjs');
        writeFileSync(mod, MY_METHOD);
        const out = path.join(dir, 'run');
        const argv = ['pretrain', '--import', mod, '--method', 'tiny-barlow', '--dim', '16'];
        const r = spawnSync(
          process.execPath,
          [
            cli,
            ...argv,
            '--data',
            'mnist',
            '--limit',
            '64',
            '--epochs',
            '1',
            '--batch-size',
            '32',
            '--backend',
            'wasm',
            '--workers',
            '1',
            '--width',
            '0.25',
            '--out',
            out,
            '--quiet',
          ],
          { encoding: 'utf8', timeout: 60_000 },
        );
        expect(r.stderr).toMatch(/tiny-barlow: 2 steps .*encoder saved to/);
        expect(r.status).toBe(0);
        const run = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'));
        expect(run.flags).toMatchObject({ method: 'tiny-barlow', dim: 16 });
        const help = spawnSync(process.execPath, [cli, 'pretrain', '--import', mod, '--help'], {
          encoding: 'utf8',
        });
        expect(help.stdout).toMatch(/tiny-barlow/);
        const bad = spawnSync(
          process.execPath,
          [cli, 'pretrain', '--import', path.join(dir, 'nope.cjs')],
          {
            encoding: 'utf8',
          },
        );
        expect(bad.status).toBe(2);
        expect(bad.stderr.trim()).toBe(
          `ssl: --import '${path.join(dir, 'nope.cjs')}' does not exist`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 90_000);
  },
);
