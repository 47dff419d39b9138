/**
 * The fault-injection queue both loopback servers (Graph, EWS) share: planned faults hit the
 * requests they match, once or n times, optionally after letting some through; random faults hit a
 * share of the mailbox requests. What a fault does is each server's business (its faults.ts).
 */

/** What every server's faults have: which requests they match and how often they hit. */
export interface PlannedFault<Op extends string> {
  /** The operations it applies to; all when absent. */
  ops?: Op[];
  /** Only requests acting for this mailbox (compared case-insensitively). */
  mailbox?: string;
  /** How many requests it hits (default 1). */
  times?: number;
  /** Lets this many matching requests through before it starts hitting. */
  after?: number;
}

export interface RandomFaults<F> {
  /** Share of mailbox requests that fail, 0..1. */
  rate: number;
  /** Faults to draw from (default: the server's own list). */
  kinds?: F[];
  /** For reproducible runs. */
  random?: () => number;
}

export class FaultQueue<Op extends string, F extends PlannedFault<Op>> {
  private readonly queue: (F & { left: number; passed: number })[] = [];
  random?: RandomFaults<F>;
  injected = 0;

  /**
   * @param defaultRandom what random faults draw from when `random.kinds` is not given
   * @param randomSpares operations random faults never hit (e.g. the token endpoint)
   */
  constructor(private readonly defaultRandom: F[], private readonly randomSpares: Op[] = []) {}

  add(f: F): void {
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
  take(op: Op, mailbox: string | undefined): F | undefined {
    const matches = (f: F) => (!f.ops || f.ops.includes(op)) && (!f.mailbox || f.mailbox.toLowerCase() === mailbox?.toLowerCase());
    const i = this.queue.findIndex((f) => matches(f) && f.passed >= (f.after ?? 0));
    // Faults still letting requests through count this one.
    for (const f of this.queue) if (matches(f) && f.passed < (f.after ?? 0)) f.passed++;
    if (i >= 0) {
      const f = this.queue[i]!;
      if (--f.left <= 0) this.queue.splice(i, 1);
      this.injected++;
      return f;
    }
    if (this.random && mailbox !== undefined && !this.randomSpares.includes(op)) {
      const rnd = this.random.random ?? Math.random;
      if (rnd() < this.random.rate) {
        const kinds = this.random.kinds ?? this.defaultRandom;
        this.injected++;
        return kinds[Math.floor(rnd() * kinds.length)]!;
      }
    }
    return undefined;
  }
}
