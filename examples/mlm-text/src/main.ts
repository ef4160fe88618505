// The text study: MLM pretraining on SpamAssassin emails, then few-label spam/ham
// classification against the same model from scratch and a bag-of-words baseline.
// Usage: npm run start -w @ssl/example-mlm-text [-- --quick]
import '@ssl/backends/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WordPieceTokenizer } from '@ssl/mlm';
import { saveTokenizer } from '@ssl/mlm/node';
import { UsageError, writeFileAtomic } from '@ssl/trainer/node';
import { bagOfWordsLogReg, bowVocabulary } from './bow';
import {
  encodeTexts,
  fineTune,
  newEncoder,
  pooledCosine,
  pretrainMlm,
  unigramEntropy,
} from './bert';
import { parseArgs, USAGE } from './args';
import { applyOverrides, FULL, QUICK } from './config';
import { labelledSubset, loadEmails, splitEmails } from './data';
import { markdownTable, renderResultsSvg, type RunResult, summarize } from './results';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const quick = args.quick;
  const cfg = applyOverrides(quick ? QUICK : FULL, args.set);
  // --out <dir>: write somewhere else than results/ (pilot runs with --set overrides).
  const outArg = args.out;
  const outDir = outArg
    ? path.resolve(outArg)
    : path.resolve(__dirname, '..', 'results', quick ? 'quick' : '');
  await fs.mkdir(outDir, { recursive: true });
  await tf.ready();
  const backend = tf.getBackend();
  const started = performance.now();
  const log = (line: string) =>
    console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}`);
  log(`backend ${backend}, ${os.cpus().length} CPU cores, ${quick ? 'QUICK' : 'full'} run`);

  const emails = loadEmails(cfg.maxChars);
  const { test, pool, unlabelled } = splitEmails(emails, cfg.testSize, cfg.poolSize);
  log(
    `${emails.length} emails: test ${test.length}, labelled pool ${pool.length}, unlabelled corpus ${unlabelled.length}`,
  );

  let t = performance.now();
  const tok = WordPieceTokenizer.train(unlabelled, { vocabSize: cfg.vocabSize });
  const tokenizerSeconds = (performance.now() - t) / 1000;
  await saveTokenizer(tok, path.join(outDir, 'tokenizer.json'));
  log(`WordPiece vocabulary of ${tok.vocabSize} trained in ${tokenizerSeconds.toFixed(1)}s`);

  const corpus = encodeTexts(tok, unlabelled, cfg.maxLength);
  const entropy = unigramEntropy(corpus.ids, tok.specialTokenIds);
  log(
    `unigram entropy of the tokenized corpus: ${entropy.toFixed(3)} nats (perplexity ${Math.exp(entropy).toFixed(0)})`,
  );
  const testData = {
    ...encodeTexts(
      tok,
      test.map((e) => e.text),
      cfg.maxLength,
    ),
    labels: test.map((e) => e.label),
  };
  const encoder = newEncoder(cfg, tok.vocabSize, 0, cfg.pretrainDropout);
  log(
    `pretraining a ${cfg.numLayers}-layer BERT (d=${cfg.dModel}, ${cfg.numHeads} heads, ffn ${cfg.ffnDim}, T=${cfg.maxLength}, ${encoder.countParams()} parameters), mask ${cfg.maskProb}, peak lr ${cfg.pretrainLr}`,
  );
  const pre = await pretrainMlm(encoder, tok, corpus, testData, cfg, log);
  log(
    `pretrained ${pre.steps} steps in ${pre.seconds.toFixed(0)}s: loss ${pre.finalLoss.toFixed(3)}, masked acc ${pre.finalMaskedAccuracy.toFixed(3)}, perplexity ${pre.finalPerplexity.toFixed(1)}; held-out loss ${pre.heldOutLoss.toFixed(3)}, masked acc ${pre.heldOutMaskedAccuracy.toFixed(3)} (unigram entropy ${entropy.toFixed(3)})`,
  );
  tf.dispose([corpus.ids, corpus.mask]);
  const pretrained = encoder.getWeights().map((w) => tf.clone(w));
  // Diagnostic: how different do emails look after pooling, pretrained vs a fresh encoder?
  const fresh0 = newEncoder(cfg, tok.vocabSize, 101);
  const cosine = {
    pretrained: pooledCosine(encoder, testData),
    scratch: pooledCosine(fresh0, testData),
  };
  fresh0.dispose();
  encoder.dispose();
  log(
    `mean cosine between pooled representations of different test emails: pretrained ${cosine.pretrained.toFixed(3)}, fresh ${cosine.scratch.toFixed(3)}`,
  );

  const vocab = bowVocabulary(unlabelled, cfg.bowVocab);
  const runs: RunResult[] = [];
  const record = (r: RunResult) => {
    runs.push(r);
    log(
      `${r.method.padEnd(22)} ${String(r.fraction * 100).padStart(4)}% (${r.labels} labels) seed ${r.seed}: acc ${(100 * r.accuracy).toFixed(1)}%  F1 ${(100 * r.f1).toFixed(1)}%  ${r.seconds.toFixed(0)}s`,
    );
  };
  for (const fraction of cfg.fractions) {
    const steps = cfg.finetuneSteps[String(fraction)];
    for (const seed of fraction >= 1 ? cfg.seeds : cfg.seeds) {
      const train = labelledSubset(pool, fraction, seed);
      const base = { fraction, labels: train.length, seed };
      t = performance.now();
      record({
        ...base,
        method: 'bag-of-words logreg',
        ...bagOfWordsLogReg(train, test, vocab, { steps: cfg.bowSteps, l2: cfg.bowL2, seed }),
        seconds: (performance.now() - t) / 1000,
      });
      t = performance.now();
      const fresh = newEncoder(cfg, tok.vocabSize, 100 + seed);
      record({
        ...base,
        method: 'BERT from scratch',
        ...(await fineTune(fresh, tok, train, testData, cfg, steps, seed)),
        seconds: (performance.now() - t) / 1000,
      });
      fresh.dispose();
      t = performance.now();
      const warm = newEncoder(cfg, tok.vocabSize, 100 + seed);
      warm.setWeights(pretrained);
      record({
        ...base,
        method: 'BERT MLM-pretrained',
        ...(await fineTune(warm, tok, train, testData, cfg, steps, seed)),
        seconds: (performance.now() - t) / 1000,
      });
      warm.dispose();
    }
  }
  tf.dispose([testData.ids, testData.mask, ...pretrained]);

  const summary = summarize(runs);
  const totalSeconds = (performance.now() - started) / 1000;
  const majority = test.filter((e) => e.label === 0).length / test.length;
  const results = {
    command: `npm run start -w @ssl/example-mlm-text${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    date: new Date().toISOString(),
    backend,
    cpuCores: os.cpus().length,
    config: cfg,
    data: {
      emails: emails.length,
      test: test.length,
      pool: pool.length,
      unlabelled: unlabelled.length,
      majorityBaselineAccuracy: majority,
    },
    tokenizer: { vocabSize: tok.vocabSize, seconds: tokenizerSeconds },
    pretraining: {
      ...pre,
      unigramEntropy: entropy,
      unigramPerplexity: Math.exp(entropy),
      pooledCosine: cosine,
    },
    runs,
    summary,
    totalSeconds,
  };
  await writeFileAtomic(path.join(outDir, 'results.json'), JSON.stringify(results, null, 2));
  const md = [
    markdownTable(summary, test.length),
    '',
    `Majority class (ham) on the test set: ${(100 * majority).toFixed(1)}%.`,
    `Pretraining: ${pre.steps} steps of ${cfg.pretrainBatch} emails × ${cfg.maxLength} tokens in ${pre.seconds.toFixed(0)} s on the ${backend} backend ` +
      `(${pre.tokensPerSecond.toFixed(0)} tokens/s, a fixed budget of ${cfg.pretrainSteps} steps), final MLM loss ${pre.finalLoss.toFixed(2)} nats, masked-token accuracy ${(100 * pre.finalMaskedAccuracy).toFixed(1)}%, perplexity ${pre.finalPerplexity.toFixed(1)}; ` +
      `on the held-out test emails ${pre.heldOutLoss.toFixed(2)} nats, masked accuracy ${(100 * pre.heldOutMaskedAccuracy).toFixed(1)}%. ` +
      `Unigram-entropy baseline (context ignored): ${entropy.toFixed(2)} nats (perplexity ${Math.exp(entropy).toFixed(0)}). ` +
      `Mean cosine between the pooled representations of different test emails: pretrained ${cosine.pretrained.toFixed(3)}, fresh encoder ${cosine.scratch.toFixed(3)}.`,
    `Whole run: ${(totalSeconds / 60).toFixed(1)} min on ${os.cpus().length} cores.`,
  ].join('\n');
  await writeFileAtomic(path.join(outDir, 'results.md'), md + '\n');
  const svg = await renderResultsSvg(
    summary,
    `Spam/ham test accuracy vs labels (${backend}, mean ± sd over ${cfg.seeds.length} seeds)`,
  );
  await writeFileAtomic(path.join(outDir, 'chart.svg'), svg);
  console.log(`\n${md}\n\nwrote ${path.join(outDir, 'results.json')}, results.md, chart.svg`);
}

main().catch((e) => {
  console.error(e instanceof UsageError ? e.message : e);
  process.exit(e instanceof UsageError ? 2 : 1);
});
