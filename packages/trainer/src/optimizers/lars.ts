import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link lars}. */
export interface LarsOptions {
  /** Global learning rate (set per step by a schedule). */
  learningRate: number;
  /** Heavy-ball momentum. Default 0.9. */
  momentum?: number;
  /** L2 weight decay added to the gradient of adapted variables. Default 1e-6. */
  weightDecay?: number;
  /** Trust coefficient eta of the layer-wise ratio. Default 0.001. */
  trustCoefficient?: number;
  /**
   * Skip weight decay and the trust ratio for 1-D variables (biases,
   * batch-norm / layer-norm scales and offsets), as SimCLR and BYOL do.
   * Default true.
   */
  excludeBiasAndNorm?: boolean;
}

/** A tensor with a name, as `tf.Optimizer.getWeights()` returns them. */
type NamedTensor = { name: string; tensor: tf.Tensor };

interface Slot {
  originalName: string;
  variable: tf.Variable;
}

/**
 * LARS: layer-wise adaptive rate scaling (You, Gitman & Ginsburg 2017,
 * "Large Batch Training of Convolutional Networks"), in the form used by
 * SimCLR / BYOL. For each variable `w` with gradient `g`:
 *
 * ```
 * if adapted (not excluded):
 *   g     = g + weightDecay * w
 *   trust = eta * ||w|| / ||g||   (1 when ||w|| or ||g|| is 0)
 * else trust = 1
 * v = momentum * v + learningRate * trust * g
 * w = w - v
 * ```
 *
 * A `tf.Optimizer` (registered for serialization as `'LARS'`): use it with
 * `minimize`, `getWeights`/`setWeights` (the momentum slots), and
 * `setLearningRate` between steps.
 */
export class Lars extends tf.Optimizer {
  static get className(): string {
    return 'LARS';
  }

  learningRate: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly trustCoefficient: number;
  readonly excludeBiasAndNorm: boolean;
  private slots: Slot[] = [];

  constructor({
    learningRate,
    momentum = 0.9,
    weightDecay = 1e-6,
    trustCoefficient = 0.001,
    excludeBiasAndNorm = true,
  }: LarsOptions) {
    super();
    const check = (name: string, v: number) => {
      if (!Number.isFinite(v) || v < 0)
        throw new Error(`lars: ${name} must be a finite number >= 0, got ${v}`);
    };
    check('learningRate', learningRate);
    check('momentum', momentum);
    check('weightDecay', weightDecay);
    check('trustCoefficient', trustCoefficient);
    this.learningRate = learningRate;
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    this.trustCoefficient = trustCoefficient;
    this.excludeBiasAndNorm = excludeBiasAndNorm;
  }

  setLearningRate(learningRate: number): void {
    this.learningRate = learningRate;
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    const registered = tf.engine().registeredVariables;
    names.forEach((name, i) => {
      const value = registered[name];
      if (this.slots[i] == null) {
        this.slots[i] = {
          originalName: `${name}/momentum`,
          variable: tf.tidy(() => tf.variable(tf.zerosLike(value), false)),
        };
      }
      const gradient = Array.isArray(variableGradients)
        ? variableGradients[i].tensor
        : variableGradients[name];
      if (gradient == null) return;
      const v = this.slots[i].variable;
      const adapted = !(this.excludeBiasAndNorm && value.rank <= 1);
      tf.tidy(() => {
        let g: tf.Tensor = gradient;
        let lr: tf.Tensor = tf.scalar(this.learningRate);
        if (adapted) {
          g = tf.add(g, tf.mul(value, this.weightDecay));
          const wNorm = tf.norm(value);
          const gNorm = tf.norm(g);
          const positive = tf.logicalAnd(tf.greater(wNorm, 0), tf.greater(gNorm, 0));
          // guard the division: the ratio is only used where both norms are > 0
          const ratio = tf.div(tf.mul(wNorm, this.trustCoefficient), tf.maximum(gNorm, 1e-30));
          lr = tf.mul(lr, tf.where(positive, ratio, tf.onesLike(ratio)));
        }
        const next = tf.add(tf.mul(v, this.momentum), tf.mul(g, lr));
        v.assign(next);
        value.assign(tf.sub(value, next));
      });
    });
    this.incrementIterations();
  }

  override dispose(): void {
    tf.dispose(this.slots.map((s) => s.variable));
    this.slots = [];
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [await this.saveIterations()].concat(
      this.slots.map((s) => ({ name: s.originalName, tensor: s.variable })),
    );
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    weightValues = await this.extractIterations(weightValues);
    tf.dispose(this.slots.map((s) => s.variable));
    this.slots = weightValues.map((w) => ({
      originalName: w.name,
      variable: tf.variable(w.tensor, false),
    }));
  }

  getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      momentum: this.momentum,
      weightDecay: this.weightDecay,
      trustCoefficient: this.trustCoefficient,
      excludeBiasAndNorm: this.excludeBiasAndNorm,
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config as unknown as LarsOptions);
  }
}

tf.serialization.registerClass(Lars);

/**
 * Creates a {@link Lars} optimizer. Defaults: momentum 0.9, weightDecay 1e-6,
 * trustCoefficient 0.001, excludeBiasAndNorm true.
 *
 * @example
 * ```ts
 * const optimizer = lars({ learningRate: 0.3 });
 * await pretrain({ method: simclr(), encoder, data, epochs: 10, batchSize: 256, optimizer,
 *   schedule: warmupCosine({ baseLr: 0.3, warmupSteps: 50, totalSteps: 500 }) });
 * ```
 */
export function lars(options: LarsOptions): Lars {
  return new Lars(options);
}
