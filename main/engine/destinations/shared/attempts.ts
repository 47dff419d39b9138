/**
 * The bookkeeping of a send loop that retries (Graph, EWS). A write whose outcome is uncertain (the
 * connection dropped after the request went out, a 5xx) may have taken effect: it is looked up with
 * the call's `recover` before it is sent again, never repeated blindly when it has none, and looked
 * up once more before giving up.
 */
import { type BackoffOptions, backoffDelay } from './backoff';
import { sleep } from './sleep';

export interface RecoverableCall<R> {
  /** Finds the effect of an earlier attempt whose outcome is unknown; null or undefined when there is none. */
  recover?: () => Promise<R | null | undefined>;
  signal?: AbortSignal;
}

export interface AttemptRules {
  maxRetries: number;
  backoff: BackoffOptions;
  stats: { retries: number; recoveries: number };
  /** The error when an attempt's outcome is unknown and nothing can tell whether it took effect. */
  unknown(lastProblem: string): Error;
  /** The error after the last retry failed. */
  gaveUp(failures: number, lastProblem: string): Error;
  /** The error when the run is cancelled while waiting to retry. */
  cancelled(cause: unknown): Error;
}

export class Attempts<R> {
  failures = 0;
  /** The last attempt may have taken effect. */
  uncertain = false;
  /** What went wrong last, for the error that ends the loop. */
  lastProblem = '';

  constructor(private readonly call: RecoverableCall<R>, private readonly rules: AttemptRules) {}

  /** Before an attempt: what an uncertain last attempt did, when the lookup finds it (then nothing is sent again). */
  async recovered(): Promise<R | undefined> {
    if (!this.uncertain || !this.call.recover) return undefined;
    const found = await this.lookup();
    if (!found) this.uncertain = false;
    return found;
  }

  /**
   * After a failed attempt: throws when it may not be repeated or no retry is left (what a last lookup
   * finds is returned instead), else waits `waitMs` (by default a backoff) and returns undefined.
   */
  async failed(waitMs?: number): Promise<R | undefined> {
    this.failures++;
    // Repeating could store it twice and nothing can tell whether it took effect: the caller decides.
    if (this.uncertain && !this.call.recover) throw this.rules.unknown(this.lastProblem);
    if (this.failures > this.rules.maxRetries) {
      // One last look before giving up: the message may be there after all.
      const found = this.uncertain ? await this.lookup() : undefined;
      if (found) return found;
      throw this.rules.gaveUp(this.failures, this.lastProblem);
    }
    this.rules.stats.retries++;
    try {
      await sleep(waitMs ?? backoffDelay(this.failures, this.rules.backoff), this.call.signal);
    } catch (err) {
      throw this.rules.cancelled(err);
    }
    return undefined;
  }

  private async lookup(): Promise<R | undefined> {
    const found = await this.call.recover?.();
    if (!found) return undefined;
    this.rules.stats.recoveries++;
    return found;
  }
}
