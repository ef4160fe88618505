// Test helper: a command line's output and error lines, collected instead of printed.
import type { CliIO } from '../cli/main';

/** A {@link CliIO} that collects the lines: pass `io` to `main`, then read `out` and `err`. */
export function captureIO(): { io: CliIO; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) },
    out,
    err,
  };
}
