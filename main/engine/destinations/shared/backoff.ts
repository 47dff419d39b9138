/**
 * Exponential backoff with "equal jitter" (a random wait between half the exponential cap and the
 * cap), so that many clients failing together do not retry in lock-step, yet each waits a while.
 */
export interface BackoffOptions {
  /** The cap of the first retry's wait. */
  baseMs: number;
  /** No wait is longer than this. */
  maxMs: number;
  /** Source of randomness in [0, 1); tests may fix it. */
  random?: () => number;
}

/** Wait before retry number `attempt` (1 = first retry). */
export function backoffDelay(attempt: number, o: BackoffOptions): number {
  const cap = Math.min(o.maxMs, o.baseMs * 2 ** Math.max(0, attempt - 1));
  const r = (o.random ?? Math.random)();
  return Math.max(1, Math.round(cap / 2 + (r * cap) / 2));
}
