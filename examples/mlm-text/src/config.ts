/** Every setting of the study, with the value of the full run (and of `--quick`). */
export interface StudyConfig {
  /** Emails held out for testing (fixed, stratified, seed 0). */
  testSize: number;
  /** Labelled pool the fractions are taken from ("100%"); the rest of the non-test emails are unlabelled only. */
  poolSize: number;
  /** Characters of each email body kept before tokenizing. */
  maxChars: number;
  /** Label fractions of the pool. */
  fractions: number[];
  /** Fine-tuning seeds (label subsets and classifier initialisations). */
  seeds: number[];
  /** WordPiece vocabulary size. */
  vocabSize: number;
  /** Tokens per email, [CLS] and [SEP] included. */
  maxLength: number;
  /** Transformer: width, heads, blocks, feed-forward width, dropout (fine-tuning; pretraining uses `pretrainDropout`). */
  dModel: number;
  numHeads: number;
  numLayers: number;
  ffnDim: number;
  dropout: number;
  /**
   * MLM pretraining: a fixed budget of steps (so the same command gives the same numbers
   * on every machine), batch size, peak learning rate and warm-up fraction of the schedule
   * (linear warm-up, then linear decay to 0 at the last step).
   */
  pretrainSteps: number;
  pretrainBatch: number;
  pretrainLr: number;
  pretrainWarmup: number;
  /** Dropout rate of the encoder during MLM pretraining. */
  pretrainDropout: number;
  /** Fraction of the non-special tokens selected for prediction (BERT: 0.15), 80/10/10. */
  maskProb: number;
  /** Fine-tuning: optimizer steps per label fraction (same for pretrained and from-scratch), batch, learning rate. */
  finetuneSteps: Record<string, number>;
  finetuneBatch: number;
  finetuneLr: number;
  /** Bag-of-words logistic regression: vocabulary size, full-batch Adam steps, L2 weight. */
  bowVocab: number;
  bowSteps: number;
  bowL2: number;
}

export const FULL: StudyConfig = {
  testSize: 800,
  poolSize: 2000,
  maxChars: 1500,
  fractions: [0.01, 0.1, 1],
  seeds: [1, 2, 3],
  vocabSize: 4000,
  maxLength: 48,
  dModel: 64,
  numHeads: 4,
  numLayers: 2,
  ffnDim: 256,
  dropout: 0.1,
  // 1,800 since 2026-12-05 (3,600 before: ~13 min of pretraining on 2 quiet cores, over an hour on
  // the shared machine of the re-run); see the README
  pretrainSteps: 1800,
  pretrainBatch: 16,
  pretrainLr: 1e-3,
  pretrainWarmup: 0.06,
  pretrainDropout: 0,
  maskProb: 0.25,
  finetuneSteps: { '0.01': 25, '0.1': 60, '1': 150 },
  finetuneBatch: 8,
  finetuneLr: 1e-3,
  bowVocab: 5000,
  bowSteps: 150,
  bowL2: 1e-4,
};

export const QUICK: StudyConfig = {
  ...FULL,
  testSize: 200,
  poolSize: 300,
  maxChars: 600,
  seeds: [1, 2],
  vocabSize: 1000,
  maxLength: 32,
  dModel: 32,
  numHeads: 2,
  numLayers: 1,
  ffnDim: 64,
  pretrainSteps: 20,
  pretrainBatch: 16,
  finetuneSteps: { '0.01': 5, '0.1': 8, '1': 12 },
  bowSteps: 50,
};

/**
 * `cfg` with the `--set key=value` pairs of the command line (`pairs`, without `--set`) applied (values are JSON,
 * e.g. `--set pretrainLr=2e-3 --set fractions=[0.01]`), for pilot runs. Unknown keys
 * and values of the wrong type are refused.
 */
export function applyOverrides(cfg: StudyConfig, pairs: readonly string[]): StudyConfig {
  const out: StudyConfig = { ...cfg };
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq) as keyof StudyConfig;
    if (eq < 1 || !(key in cfg)) {
      throw new Error(`--set: expected key=value with a key of StudyConfig, got '${pair}'`);
    }
    const value: unknown = JSON.parse(pair.slice(eq + 1));
    if (typeof value !== typeof cfg[key] || Array.isArray(value) !== Array.isArray(cfg[key])) {
      throw new Error(
        `--set: ${key} must be like ${JSON.stringify(cfg[key])}, got ${pair.slice(eq + 1)}`,
      );
    }
    (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}
