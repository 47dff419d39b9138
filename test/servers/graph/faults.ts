/**
 * Faults the loopback Graph server can inject, once or n times, on the operations they match, or
 * at random on a share of the mailbox requests (for the benchmark):
 * - `drop-before`: the connection is destroyed before the request is handled (nothing stored);
 * - `drop-after`: the request is handled (the message stored), then the connection is destroyed;
 * - `slow-after`: handled, then answered only after `delayMs` (the client times out first);
 * - `status`: answered with `status` (500, 503, 504, 429...) and optional `retryAfterSec`, before
 *   handling, or after it with `afterHandling` (a gateway timeout once the message was stored);
 * - `unauthorized`: 401 InvalidAuthenticationToken, before handling.
 */
export type Operation =
  | 'token' | 'listFolders' | 'getFolder' | 'createFolder' | 'createMessage' | 'listMessages' | 'getMessage'
  | 'updateMessage' | 'deleteMessage' | 'listAttachments' | 'createAttachment' | 'createUploadSession' | 'uploadChunk';

export type FaultKind = 'drop-before' | 'drop-after' | 'slow-after' | 'status' | 'unauthorized';

export interface Fault {
  kind: FaultKind;
  /** The operations it applies to; all when absent. */
  ops?: Operation[];
  /** Only requests for this mailbox. */
  mailbox?: string;
  status?: number;
  /** Graph error code and message of a `status` fault (default: one that fits the status). */
  code?: string;
  message?: string;
  retryAfterSec?: number;
  afterHandling?: boolean;
  delayMs?: number;
  /** How many requests it hits (default 1). */
  times?: number;
  /** Lets this many matching requests through before it starts hitting. */
  after?: number;
}

export interface RandomFaults {
  /** Share of mailbox requests that fail, 0..1. */
  rate: number;
  /** Kinds to draw from (default: every kind but `unauthorized`). */
  kinds?: Fault[];
  /** For reproducible runs. */
  random?: () => number;
}

const DEFAULT_RANDOM: Fault[] = [
  { kind: 'drop-before' }, { kind: 'drop-after' }, { kind: 'status', status: 500 }, { kind: 'status', status: 503 },
  { kind: 'status', status: 504, afterHandling: true }, { kind: 'slow-after', delayMs: 3000 },
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

  /** Faults still waiting to hit. */
  pending(): number {
    return this.queue.reduce((n, f) => n + f.left, 0);
  }

  /** The fault for this request, if any (each planned fault is spent as it hits). */
  take(op: Operation, mailbox: string | undefined): Fault | undefined {
    const matches = (f: Fault) => (!f.ops || f.ops.includes(op)) && (!f.mailbox || f.mailbox.toLowerCase() === mailbox?.toLowerCase());
    const i = this.queue.findIndex((f) => matches(f) && f.passed >= (f.after ?? 0));
    // Faults still letting requests through count this one.
    for (const f of this.queue) if (matches(f) && f.passed < (f.after ?? 0)) f.passed++;
    if (i >= 0) {
      const f = this.queue[i]!;
      if (--f.left <= 0) this.queue.splice(i, 1);
      this.injected++;
      return f;
    }
    if (this.random && mailbox !== undefined && op !== 'token') {
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
