import { SingleBar } from 'cli-progress';

/** A planned stage of the study and its estimated cost in work units (≈ seconds). */
export interface Stage {
  name: string;
  cost: number;
}

/**
 * One progress bar over the whole study: the stages are planned up front with
 * estimated costs, each reports its own fraction done, and the bar shows the
 * current stage, the overall percentage, the elapsed time and an ETA. On a
 * terminal it redraws in place; elsewhere (CI logs) it prints a line every few
 * seconds.
 */
export class StudyProgress {
  private readonly bar: SingleBar;
  private readonly total: number;
  private done = 0;
  private current?: Stage;
  private readonly started = Date.now();
  private lastPrinted = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private readonly stages: Stage[]) {
    this.total = stages.reduce((s, x) => s + x.cost, 0);
    this.bar = new SingleBar({
      format: 'study |{bar}| {percentage}% | {elapsed} elapsed | ETA {eta_left} | {stage} {detail}',
      stream: process.stderr,
      fps: 5,
      hideCursor: false,
      clearOnComplete: false,
      noTTYOutput: true,
      notTTYSchedule: 10000,
      barsize: 25,
    });
    this.bar.start(1000, 0, { stage: 'starting', detail: '', elapsed: '0s', eta_left: '?' });
  }

  /** Starts the stage called `name` (must be one of the planned stages). */
  begin(name: string): void {
    if (this.current) this.done += this.current.cost;
    const stage = this.stages.find((s) => s.name === name);
    if (!stage) throw new Error(`StudyProgress: unknown stage ${JSON.stringify(name)}`);
    this.current = stage;
    this.update(0, '');
  }

  /** Reports the fraction of the current stage that is done, and a short detail (loss, seed…). */
  update(fraction: number, detail = ''): void {
    const cost = this.current?.cost ?? 0;
    const value = (this.done + cost * Math.min(1, Math.max(0, fraction))) / this.total;
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = value > 0.01 ? (elapsed * (1 - value)) / value : NaN;
    this.bar.update(Math.round(1000 * value), {
      stage: this.current?.name ?? '',
      detail,
      elapsed: formatSeconds(elapsed),
      eta_left: Number.isFinite(eta) ? formatSeconds(eta) : '?',
    });
    // cli-progress redraws from a timer, which does not fire while training
    // keeps the event loop busy: outside a terminal, print a line every 10 s here.
    if (!this.tty && Date.now() - this.lastPrinted >= 10000) {
      this.lastPrinted = Date.now();
      this.bar.render();
    }
  }

  /** Ends the bar at 100%. */
  stop(): void {
    if (this.current) this.done += this.current.cost;
    this.current = undefined;
    this.update(1, 'done');
    this.bar.stop();
  }

  /** Prints a line above the bar. */
  log(line: string): void {
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    console.log(line);
    this.bar.render();
  }
}

/** `75` -> `1m15s`, `8` -> `8s`. */
export function formatSeconds(s: number): string {
  const t = Math.max(0, Math.round(s));
  const m = Math.floor(t / 60);
  return m > 0 ? `${m}m${String(t % 60).padStart(2, '0')}s` : `${t}s`;
}
