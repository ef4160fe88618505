/**
 * Whether process `pid` exists on this host: signal 0 checks without sending
 * anything (EPERM: it exists, owned by another user; ESRCH: it does not).
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
