/**
 * The server side of EWS throttling, per budget (the impersonated mailbox, or the signed-in account):
 * at most `concurrency` requests at once (EWSMaxConcurrency) and `requestsPerWindow` per
 * `windowMs`. A refused request is answered the way the options say: ErrorServerBusy with
 * BackOffMilliseconds (Exchange's own answer), or 429 / 503 with Retry-After (a load balancer's).
 */
export interface LimitOptions {
  concurrency: number;
  requestsPerWindow: number;
  windowMs: number;
  answer: 'server-busy' | '429' | '503';
  /** BackOffMilliseconds sent with a concurrency refusal. */
  concurrencyBackOffMs: number;
}

export const EWS_LIMITS: LimitOptions = { concurrency: 27, requestsPerWindow: 1_000_000, windowMs: 60_000, answer: 'server-busy', concurrencyBackOffMs: 100 };

export interface Refusal { reason: 'MaxConcurrency' | 'RequestRate'; backOffMs: number; budget: string }

export class Budgets {
  private readonly inFlight = new Map<string, number>();
  private readonly windows = new Map<string, number[]>();
  readonly maxConcurrency = new Map<string, number>();
  readonly refusals: Refusal[] = [];

  constructor(public o: LimitOptions) {}

  admit(budget: string): { done: () => void } | Refusal {
    const k = budget.toLowerCase();
    const active = this.inFlight.get(k) ?? 0;
    if (active >= this.o.concurrency) return this.refuse({ reason: 'MaxConcurrency', backOffMs: this.o.concurrencyBackOffMs, budget: k });
    const now = Date.now();
    const w = (this.windows.get(k) ?? []).filter((t) => t > now - this.o.windowMs);
    this.windows.set(k, w);
    if (w.length >= this.o.requestsPerWindow) return this.refuse({ reason: 'RequestRate', backOffMs: Math.max(1, w[0]! + this.o.windowMs - now), budget: k });
    w.push(now);
    this.inFlight.set(k, active + 1);
    this.maxConcurrency.set(k, Math.max(this.maxConcurrency.get(k) ?? 0, active + 1));
    let done = false;
    return { done: () => { if (!done) { done = true; this.inFlight.set(k, (this.inFlight.get(k) ?? 1) - 1); } } };
  }

  private refuse(r: Refusal): Refusal {
    this.refusals.push(r);
    return r;
  }
}
