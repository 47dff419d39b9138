/**
 * The server side of Graph's Outlook throttling, per app and mailbox (Microsoft Graph service
 * limits): 4 concurrent requests, 10,000 requests per 10 minutes, 150 MB uploaded per 5 minutes.
 * Every figure is an option so tests scale time down. A refused request gets 429 with
 * `Retry-After` (whole seconds, as Graph sends it) and code `ApplicationThrottled`.
 */
export interface LimitOptions {
  concurrency: number;
  requestsPerWindow: number;
  requestWindowMs: number;
  uploadBytesPerWindow: number;
  uploadWindowMs: number;
  /** Retry-After sent with a concurrency refusal. */
  concurrencyRetryAfterSec: number;
}

export const GRAPH_LIMITS: LimitOptions = {
  concurrency: 4, requestsPerWindow: 10_000, requestWindowMs: 10 * 60_000,
  uploadBytesPerWindow: 150 * 1024 * 1024, uploadWindowMs: 5 * 60_000, concurrencyRetryAfterSec: 1,
};

export interface Refusal { reason: 'MailboxConcurrency' | 'Requests' | 'IncomingBytes'; retryAfterSec: number }

class Window {
  private events: { at: number; units: number }[] = [];
  private used = 0;

  constructor(private readonly limit: number, private readonly windowMs: number) {}

  /** Spends `units` if they fit; otherwise says when they would. */
  tryTake(units: number, now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    while (this.events.length && this.events[0]!.at <= now - this.windowMs) this.used -= this.events.shift()!.units;
    if (this.used > 0 && this.used + units > this.limit) {
      let freed = 0;
      for (const e of this.events) {
        freed += e.units;
        if (this.used - freed + units <= this.limit) return { ok: false, retryAfterMs: e.at + this.windowMs - now };
      }
      return { ok: false, retryAfterMs: this.windowMs };
    }
    this.events.push({ at: now, units });
    this.used += units;
    return { ok: true };
  }
}

export class MailboxLimits {
  private readonly inFlight = new Map<string, number>();
  private readonly requests = new Map<string, Window>();
  private readonly bytes = new Map<string, Window>();
  readonly maxConcurrency = new Map<string, number>();
  readonly refusals: (Refusal & { mailbox: string })[] = [];

  constructor(readonly o: LimitOptions) {}

  /** Admits one request for a mailbox, or refuses it; an admitted request calls `done` when answered. */
  admit(mailbox: string): { done: () => void } | Refusal {
    const k = mailbox.toLowerCase();
    const active = this.inFlight.get(k) ?? 0;
    if (active >= this.o.concurrency) return this.refuse(k, { reason: 'MailboxConcurrency', retryAfterSec: this.o.concurrencyRetryAfterSec });
    const w = this.windowOf(this.requests, k, this.o.requestsPerWindow, this.o.requestWindowMs).tryTake(1, Date.now());
    if (!w.ok) return this.refuse(k, { reason: 'Requests', retryAfterSec: Math.max(1, Math.ceil(w.retryAfterMs / 1000)) });
    this.inFlight.set(k, active + 1);
    this.maxConcurrency.set(k, Math.max(this.maxConcurrency.get(k) ?? 0, active + 1));
    let done = false;
    return { done: () => { if (!done) { done = true; this.inFlight.set(k, (this.inFlight.get(k) ?? 1) - 1); } } };
  }

  /** Counts uploaded bytes (request bodies) against the mailbox's upload budget. */
  upload(mailbox: string, bytes: number): Refusal | null {
    const k = mailbox.toLowerCase();
    const w = this.windowOf(this.bytes, k, this.o.uploadBytesPerWindow, this.o.uploadWindowMs).tryTake(bytes, Date.now());
    return w.ok ? null : this.refuse(k, { reason: 'IncomingBytes', retryAfterSec: Math.max(1, Math.ceil(w.retryAfterMs / 1000)) });
  }

  private refuse(mailbox: string, r: Refusal): Refusal {
    this.refusals.push({ ...r, mailbox });
    return r;
  }

  private windowOf(m: Map<string, Window>, k: string, limit: number, windowMs: number): Window {
    let w = m.get(k);
    if (!w) { w = new Window(limit, windowMs); m.set(k, w); }
    return w;
  }
}
