/**
 * Requests to Microsoft Graph on behalf of one mailbox, within Graph's documented limits:
 * - at most `mailboxConcurrency` requests in flight per mailbox, the rest queued;
 * - a per-mailbox request budget and upload byte budget over sliding windows;
 * - 429 (and 503 with Retry-After): Retry-After is obeyed, and the whole mailbox pauses for it;
 * - other 5xx, dropped connections and timeouts: exponential backoff with jitter;
 * - 401: the token is renewed once and the request repeated; a second 401 is an auth error;
 * - a bounded number of retries, then a transient error naming the mailbox and the last status.
 * A request that may have taken effect although no answer came (a timeout or dropped connection
 * after sending, a 5xx) is not simply repeated when repeating could store something twice: the
 * caller's `recover` looks for the effect first.
 */
import type { Dispatcher } from 'undici';
import { FerryError } from '../../errors';
import { backoffDelay } from '../shared/backoff';
import { KeyedConcurrencyLimiter } from '../shared/keyed-limiter';
import { parseRetryAfter } from '../shared/retry-after';
import { SlidingWindowBudget, type Done } from '../shared/sliding-window';
import { Attempts } from '../shared/attempts';
import { KeyedPauses } from '../shared/pauses';
import { GraphApiError, graphApiError, graphErrorBody } from './graph-errors';
import { NetworkFailure, httpRequest, jsonOf, type HttpResponse } from '../shared/https';
import { credentialHint, type ResolvedGraphSettings } from './settings';
import type { GraphTokenProvider } from './token';

export interface GraphCall {
  mailbox: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** A path under the Graph base URL (`/users/...`) or an absolute URL (an upload session's). */
  url: string;
  json?: unknown;
  /** A binary body (upload chunks), with its headers. */
  raw?: { body: Buffer; headers: Record<string, string> };
  /** Send the bearer token (upload URLs are pre-authenticated and must not get one). */
  auth?: boolean;
  /** Safe to repeat blindly. Otherwise an uncertain outcome is checked with `recover` before a retry. */
  idempotent: boolean;
  /** After an uncertain outcome: the result if the earlier attempt took effect, else null. */
  recover?: () => Promise<GraphResult | null>;
  /** For messages: `creating message <id>`. */
  what: string;
  signal?: AbortSignal;
}

export interface GraphResult {
  status: number;
  headers: Record<string, string>;
  json: unknown;
  requestId?: string;
}

export interface GraphClientStats {
  requests: number;
  throttled: number;
  retries: number;
  recoveries: number;
  /** Total time spent waiting on Retry-After, ms. */
  retryAfterWaitMs: number;
}

export const newClientStats = (): GraphClientStats => ({ requests: 0, throttled: 0, retries: 0, recoveries: 0, retryAfterWaitMs: 0 });

export class GraphClient {
  readonly limiter: KeyedConcurrencyLimiter;
  private readonly requestBudget: SlidingWindowBudget;
  private readonly byteBudget: SlidingWindowBudget;
  /** Per mailbox: no request before this instant (a Retry-After applies to the whole mailbox). */
  private readonly pauses = new KeyedPauses();

  constructor(
    private readonly settings: ResolvedGraphSettings,
    private readonly tokens: GraphTokenProvider,
    private readonly dispatcher: Dispatcher,
    /** Counters, kept by the owner so they outlive this client. */
    readonly stats: GraphClientStats = newClientStats(),
  ) {
    const l = settings.limits;
    this.limiter = new KeyedConcurrencyLimiter(l.mailboxConcurrency);
    this.requestBudget = new SlidingWindowBudget({ limit: l.requestsPerWindow, windowMs: l.requestWindowMs });
    this.byteBudget = new SlidingWindowBudget({ limit: l.uploadBytesPerWindow, windowMs: l.uploadWindowMs });
  }

  /** Sends one call with throttling and retries; a 2xx answer is returned, anything else thrown as a FerryError. */
  async send(call: GraphCall): Promise<GraphResult> {
    const { retries } = this.settings;
    const backoff = { baseMs: retries.baseDelayMs, maxMs: retries.maxDelayMs };
    const mailbox = call.mailbox;
    const body = call.raw?.body ?? (call.json === undefined ? undefined : Buffer.from(JSON.stringify(call.json)));
    const url = /^https:\/\//.test(call.url) ? call.url : `${this.settings.graphBaseUrl}${call.url}`;
    const a = new Attempts<GraphResult>(call, {
      maxRetries: retries.max, backoff, stats: this.stats,
      unknown: (last) => new FerryError('transient', `the outcome of ${call.what} for mailbox ${mailbox} is unknown (${last})`),
      gaveUp: (n, last) => new FerryError('transient', `Microsoft 365 did not accept ${call.what} for mailbox ${mailbox} after ${n} attempts; the last attempt got ${last}`),
      cancelled: (err) => this.cancelled(call, err),
    });
    let renewedToken = false;

    for (;;) {
      const recovered = await a.recovered();
      if (recovered) return recovered;
      let res: HttpResponse | undefined;
      let token: string | undefined;
      const answered: Done[] = [];
      const release = await this.acquire(mailbox, call.signal);
      try {
        // The token first: a sign-in can take a while, and a budget unit counts from when it is taken.
        if (call.auth !== false) token = await this.tokens.token();
        await this.pauses.wait(mailbox.toLowerCase(), call.signal);
        answered.push(await this.requestBudget.take(mailbox, 1, call.signal));
        if (body && call.method !== 'GET') answered.push(await this.byteBudget.take(mailbox, body.length, call.signal));
        this.stats.requests++;
        res = await httpRequest(this.dispatcher, {
          method: call.method, url, timeoutMs: this.settings.timeouts.requestMs,
          headers: {
            accept: 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(call.raw ? call.raw.headers : body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { body } : {}), ...(call.signal ? { signal: call.signal } : {}),
        });
      } catch (err) {
        if (call.signal?.aborted) throw this.cancelled(call, err);
        if (err instanceof NetworkFailure) {
          a.lastProblem = `no HTTP answer (${err.message})`;
          if (err.maybeDelivered && !call.idempotent) a.uncertain = true;
        } else if (err instanceof FerryError && err.errorClass === 'transient') {
          a.lastProblem = `no token (${err.message})`; // sign-in could not reach the service: nothing was sent
        } else {
          throw err;
        }
      } finally {
        // The request counts from now on, when the service has certainly counted it too.
        for (const done of answered) done();
        release();
      }

      let wait: number | undefined;
      if (res) {
        const requestId = res.headers['request-id'];
        if (res.status >= 200 && res.status < 300) return { status: res.status, headers: res.headers, json: jsonOf(res), ...(requestId ? { requestId } : {}) };
        const graphError = graphErrorBody(jsonOf(res), res.status);
        a.lastProblem = `HTTP ${res.status} ${graphError.code}${requestId ? `, request-id ${requestId}` : ''}`;
        const retryAfter = parseRetryAfter(res.headers['retry-after']);
        if (res.status === 401 && call.auth !== false) {
          if (!renewedToken && token) { renewedToken = true; this.tokens.invalidate(token); continue; }
          throw graphApiError(401, graphError, this.context(call, requestId));
        }
        if (res.status === 429 || (res.status === 503 && retryAfter !== undefined)) {
          this.stats.throttled++;
          if (res.status === 503 && !call.idempotent) a.uncertain = true;
          if (retryAfter !== undefined && retryAfter > retries.maxRetryAfterMs) {
            throw new FerryError('throttled', `Microsoft 365 throttled mailbox ${mailbox} while ${call.what} and asked to wait ${Math.round(retryAfter / 1000)} s, longer than the ${Math.round(retries.maxRetryAfterMs / 1000)} s Ferry waits; a later run retries it`, { retryAfterMs: retryAfter });
          }
          // Obey Retry-After (plus a little jitter so the queued requests do not all return in the same instant).
          wait = retryAfter !== undefined ? retryAfter + Math.round(Math.random() * Math.min(250, retryAfter * 0.1)) : backoffDelay(a.failures + 1, backoff);
          if (res.status === 429) this.pauses.pause(mailbox.toLowerCase(), wait);
          if (retryAfter !== undefined) this.stats.retryAfterWaitMs += wait;
        } else if (res.status >= 500) {
          if (!call.idempotent) a.uncertain = true;
        } else {
          throw graphApiError(res.status, graphError, this.context(call, requestId));
        }
      }

      const found = await a.failed(wait);
      if (found) return found;
    }
  }

  /** Follows `@odata.nextLink` pages of a collection. */
  async *pages(call: GraphCall): AsyncGenerator<unknown[]> {
    let next: string | undefined = call.url;
    while (next) {
      const r = await this.send({ ...call, url: next });
      const j = r.json as { value?: unknown[]; '@odata.nextLink'?: string } | null;
      yield j?.value ?? [];
      next = j?.['@odata.nextLink'];
    }
  }

  private async acquire(mailbox: string, signal?: AbortSignal): Promise<() => void> {
    try {
      return await this.limiter.acquire(mailbox, signal);
    } catch (err) {
      throw new FerryError('transient', `cancelled while waiting to send to mailbox ${mailbox}`, { cause: err });
    }
  }

  private context(call: GraphCall, requestId?: string) {
    return { tenantId: this.settings.tenantId, mailbox: call.mailbox, what: call.what, credentialHint: credentialHint(this.settings), ...(requestId ? { requestId } : {}) };
  }

  private cancelled(call: GraphCall, cause: unknown): FerryError {
    // Transient: the outcome of a send in flight is unknown, so its pending mark stays for the next run to check.
    return new FerryError('transient', `cancelled while ${call.what} for mailbox ${call.mailbox}`, { cause });
  }
}

export { GraphApiError };
