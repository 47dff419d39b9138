/**
 * Faults the loopback EWS server can inject, once or n times, on the operations they match, or at
 * random on a share of the mailbox requests:
 * - `drop-before`: the connection is destroyed before the request is handled (nothing stored);
 * - `drop-after`: the request is handled (the message stored), then the connection is destroyed;
 * - `slow-after`: handled, then answered only after `delayMs` (the client times out first);
 * - `status`: an HTTP status (500 from IIS, 502, 503, 429...) with an HTML body and an optional
 *   Retry-After, before handling, or after it with `afterHandling`;
 * - `server-busy`: ErrorServerBusy with BackOffMilliseconds, as a SOAP fault (HTTP 500, the usual
 *   shape) or as the response message's error (`asMessage`);
 * - `item-error`: the operation's response message is ResponseClass Error with `code` and `message`;
 * - `unauthorized`: HTTP 401.
 */
export type Operation = 'CreateItem' | 'FindItem' | 'FindFolder' | 'CreateFolder' | 'GetFolder';

export type FaultKind = 'drop-before' | 'drop-after' | 'slow-after' | 'status' | 'server-busy' | 'item-error' | 'unauthorized';

export interface Fault {
  kind: FaultKind;
  /** The operations it applies to; all when absent. */
  ops?: Operation[];
  /** Only requests acting for this mailbox. */
  mailbox?: string;
  status?: number;
  retryAfterSec?: number;
  afterHandling?: boolean;
  delayMs?: number;
  backOffMs?: number;
  asMessage?: boolean;
  code?: string;
  message?: string;
  /** How many requests it hits (default 1). */
  times?: number;
  /** Lets this many matching requests through before it starts hitting. */
  after?: number;
}

export interface RandomFaults {
  /** Share of mailbox requests that fail, 0..1. */
  rate: number;
  kinds?: Fault[];
  /** For reproducible runs. */
  random?: () => number;
}

export const DEFAULT_RANDOM: Fault[] = [
  { kind: 'drop-before' }, { kind: 'drop-after' }, { kind: 'status', status: 500 }, { kind: 'status', status: 503, retryAfterSec: 0 },
  { kind: 'status', status: 502, afterHandling: true }, { kind: 'slow-after', delayMs: 3000 }, { kind: 'server-busy', backOffMs: 50 },
  { kind: 'server-busy', backOffMs: 30, asMessage: true }, { kind: 'status', status: 429, retryAfterSec: 0 },
];

export class FaultPlan {
  private readonly queue: (Fault & { left: number; passed: number })[] = [];
  random?: RandomFaults;
  injected = 0;

  add(f: Fault): void {
    this.queue.push({ ...f, left: f.times ?? 1, passed: 0 });
  }

  clear(): void {
    this.queue.length = 0;
    delete this.random;
  }

  pending(): number {
    return this.queue.reduce((n, f) => n + f.left, 0);
  }

  /** The fault for this request, if any (each planned fault is spent as it hits). */
  take(op: Operation, mailbox: string | undefined): Fault | undefined {
    const matches = (f: Fault) => (!f.ops || f.ops.includes(op)) && (!f.mailbox || f.mailbox.toLowerCase() === mailbox?.toLowerCase());
    const i = this.queue.findIndex((f) => matches(f) && f.passed >= (f.after ?? 0));
    for (const f of this.queue) if (matches(f) && f.passed < (f.after ?? 0)) f.passed++;
    if (i >= 0) {
      const f = this.queue[i]!;
      if (--f.left <= 0) this.queue.splice(i, 1);
      this.injected++;
      return f;
    }
    if (this.random && mailbox !== undefined) {
      const rnd = this.random.random ?? Math.random;
      if (rnd() < this.random.rate) {
        const kinds = this.random.kinds ?? DEFAULT_RANDOM;
        this.injected++;
        return kinds[Math.floor(rnd() * kinds.length)]!;
      }
    }
    return undefined;
  }
}
