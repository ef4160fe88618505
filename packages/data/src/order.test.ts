import * as tfd from '@tensorflow/tfjs-data';
import { epochDataset, epochOrder, indexDataset } from './order';

const pass = async (ds: tfd.Dataset<number>) => ds.toArrayForTest();

describe('epoch order', () => {
  it('epochOrder is a permutation, pure in (seed, epoch), different across epochs and seeds', () => {
    const a = Array.from(epochOrder(50, 3, 1));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(epochOrder(50, 3, 1))).toEqual(a);
    expect(Array.from(epochOrder(50, 3, 2))).not.toEqual(a);
    expect(Array.from(epochOrder(50, 4, 1))).not.toEqual(a);
  });

  it('indexDataset: pass k visits epochOrder(n, seed, k); with an epoch every pass visits that epoch', async () => {
    const ds = indexDataset(20, { shuffle: true, seed: 9 });
    expect(ds.size).toBe(20);
    for (let k = 0; k < 3; k++) expect(await pass(ds)).toEqual(Array.from(epochOrder(20, 9, k)));
    const e2 = indexDataset(20, { shuffle: true, seed: 9 }, 2);
    expect(await pass(e2)).toEqual(Array.from(epochOrder(20, 9, 2)));
    expect(await pass(e2)).toEqual(Array.from(epochOrder(20, 9, 2)));
    expect(await pass(indexDataset(5, { shuffle: false }))).toEqual([0, 1, 2, 3, 4]);
  });

  it('epochDataset.forEpoch(e) maps the same pipeline over epoch e', async () => {
    const ds = epochDataset('t', 10, { shuffle: true, seed: 1 }, (idx) => idx.map((i) => i * 10));
    const e1 = await pass(ds.forEpoch(1) as tfd.Dataset<number>);
    expect(e1).toEqual(Array.from(epochOrder(10, 1, 1)).map((i) => i * 10));
    expect(await pass(ds)).toEqual(Array.from(epochOrder(10, 1, 0)).map((i) => i * 10));
  });
});
