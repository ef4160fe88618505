import { slownessWarning } from './slowness';

describe('slownessWarning', () => {
  const logs = (step: number) =>
    ({ step, epochStep: step, stepsPerEpoch: 100, epochs: 3 }) as Parameters<
      NonNullable<ReturnType<typeof slownessWarning>['onStepEnd']>
    >[0];
  const control = { stop: () => undefined };

  it('times the second step and warns once when an epoch would pass 10 minutes', () => {
    let now = 0;
    const spy = jest.spyOn(Date, 'now').mockImplementation(() => now);
    const lines: string[] = [];
    const cb = slownessWarning({ encoder: 'resnet18', width: 1 }, (l) => lines.push(l));
    void cb.onTrainBegin?.({ backend: 'wasm' } as never, control);
    now = 30_000; // step 1: warm-up, not used
    void cb.onStepEnd?.(logs(0), control);
    now = 38_000; // step 2: 8 s -> 100 steps = 800 s an epoch
    void cb.onStepEnd?.(logs(1), control);
    now = 46_000;
    void cb.onStepEnd?.(logs(2), control);
    expect(lines).toEqual([
      'ssl pretrain: warning: resnet18 takes 8.00 s a step on wasm: about 13 min an epoch, 0.7 h for 3 epochs; --encoder conv, or --width 0.25, is faster',
    ]);
    // 5 s a step: 500 s an epoch, no warning
    const quiet: string[] = [];
    const fast = slownessWarning({ encoder: 'conv', width: 1 }, (l) => quiet.push(l));
    now = 0;
    void fast.onTrainBegin?.({ backend: 'wasm' } as never, control);
    now = 1000;
    void fast.onStepEnd?.(logs(0), control);
    now = 6000;
    void fast.onStepEnd?.(logs(1), control);
    expect(quiet).toEqual([]);
    spy.mockRestore();
  });
});
