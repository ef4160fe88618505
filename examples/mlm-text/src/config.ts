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
  /** Transformer: width, heads, blocks, feed-forward width, dropout. */
  dModel: number;
  numHeads: number;
  numLayers: number;
  ffnDim: number;
  dropout: number;
  /** MLM pretraining: steps, batch size, peak learning rate, and a wall-clock cap in seconds. */
  pretrainSteps: number;
  pretrainBatch: number;
  pretrainLr: number;
  pretrainMaxSeconds: number;
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
  pretrainSteps: 200,
  pretrainBatch: 32,
  pretrainLr: 1e-3,
  pretrainMaxSeconds: 380,
  finetuneSteps: { '0.01': 25, '0.1': 40, '1': 60 },
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
  pretrainMaxSeconds: 60,
  finetuneSteps: { '0.01': 5, '0.1': 8, '1': 12 },
  bowSteps: 50,
};
