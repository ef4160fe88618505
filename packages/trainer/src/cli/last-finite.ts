import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { readCheckpointInfo } from '../io/checkpoint';

/**
 * The lines `ssl pretrain` prints when a run stopped on non-finite values:
 * no encoder is written from that state, and the user is told where the last
 * finite state is (the run's checkpoint, with its epoch and step, and the
 * encoder of an earlier run that is kept), or that none was saved.
 */
export async function lastFiniteLines(out: string): Promise<string[]> {
  const cmd = 'ssl pretrain';
  const dir = path.join(out, 'checkpoint');
  let where: string;
  try {
    const info = await readCheckpointInfo(dir);
    where = info
      ? `the last finite state is the checkpoint in ${dir} (epoch ${info.epoch}, step ${info.step}); continue from it with --resume and a lower --lr`
      : 'no checkpoint was written before it: nothing of this run is saved';
  } catch (e) {
    where = `the checkpoint in ${dir} cannot be read (${(e as Error).message.split('\n')[0]})`;
  }
  const encoder = path.join(out, 'encoder');
  const kept = existsSync(encoder) ? ` (the encoder already in ${encoder} is kept)` : '';
  return [
    `${cmd}: the run stopped on non-finite values: no encoder written from it${kept}`,
    `${cmd}: ${where}`,
  ];
}
