/**
 * One EWS request at a time, with Exchange's throttling obeyed:
 * - at most `mailboxConcurrency` requests in flight per mailbox, the rest queued;
 * - `ErrorServerBusy` (a SOAP fault, or a response message's error): wait `BackOffMilliseconds`,
 *   pausing the whole budget it applies to (the impersonated mailbox, or the service account);
 * - 429, and 503 with Retry-After: Retry-After is obeyed;
 * - other 5xx, dropped connections and timeouts: exponential backoff with jitter;
 * - 401: Basic is not retried (repeating a wrong password locks Active Directory accounts); an OAuth
 *   token is read again from the keychain once, in case it was renewed meanwhile.
 * A request that may have taken effect although no answer came is not simply repeated when that
 * could store something twice: the caller's `recover` looks for the effect first.
 */
import type { Dispatcher } from 'undici';
import { FerryError } from '../../errors';
import type { SecretStore } from '../../secrets/secret-store';
import { requireSecret } from '../../secrets/secret-store';
import { backoffDelay } from '../shared/backoff';
import { KeyedConcurrencyLimiter } from '../shared/keyed-limiter';
import { parseRetryAfter } from '../shared/retry-after';
import { Attempts } from '../shared/attempts';
import { KeyedPauses } from '../shared/pauses';
import { BUSY_CODES, EwsError, TRANSIENT_CODES, ewsCodeError, ewsHttpError, type EwsErrorContext } from './ews-errors';
import { NetworkFailure, httpRequest, type HttpResponse } from '../shared/https';
import { ewsCredentialRef, type ResolvedEwsSettings } from './settings';
import { envelope, type Acting } from './soap-requests';
import { parseAnswer, type ResponseMessage } from './soap-responses';

export interface EwsCall {
  /** The mailbox acted on (impersonated, or opened as a delegate); none for the account's own requests. */
  mailbox?: string;
  /** SOAPAction and operation name: `CreateItem`. */
  operation: string;
  /** The SOAP body's operation element. */
  body: string;
  /** Safe to repeat blindly. Otherwise an uncertain outcome is checked with `recover` before a retry. */
  idempotent: boolean;
  /** After an uncertain outcome: the result if the earlier attempt took effect, else null. */
  recover?: () => Promise<EwsResult | null>;
  /** For messages: `creating message <id> in folder "X"`. */
  what: string;
  signal?: AbortSignal;
  /** Retries at most (default: the settings'). */
  maxRetries?: number;
}

export interface EwsResult {
  /** The first (and, for Ferry's requests, only) response message, Success or Warning. */
  message: ResponseMessage;
  headers: Record<string, string>;
}

export interface EwsClientStats {
  requests: number;
  retries: number;
  /** ErrorServerBusy answers, and the time spent waiting out their BackOffMilliseconds. */
  serverBusy: number;
  backOffWaitMs: number;
  /** 429 and 503 answers, and the time spent waiting out their Retry-After. */
  throttled: number;
  retryAfterWaitMs: number;
  /** Uncertain sends settled by finding the message. */
  recoveries: number;
}

export const newEwsStats = (): EwsClientStats => ({ requests: 0, retries: 0, serverBusy: 0, backOffWaitMs: 0, throttled: 0, retryAfterWaitMs: 0, recoveries: 0 });

export class EwsClient {
  readonly limiter: KeyedConcurrencyLimiter;
  /** Per budget: no request before this instant. */
  private readonly pauses = new KeyedPauses();
  private credential?: Promise<string>;

  constructor(
    private readonly settings: ResolvedEwsSettings,
    private readonly secrets: SecretStore,
    private readonly dispatcher: Dispatcher,
    readonly stats: EwsClientStats = newEwsStats(),
  ) {
    this.limiter = new KeyedConcurrencyLimiter(settings.mailboxConcurrency);
  }

  /** Sends one request with throttling and retries; a Success or Warning answer is returned, anything else thrown as a FerryError. */
  async call(call: EwsCall): Promise<EwsResult> {
    const s = this.settings;
    const backoff = { baseMs: s.retryBaseMs, maxMs: s.retryMaxMs };
    const maxRetries = call.maxRetries ?? s.maxRetries;
    const acting: Acting | undefined = call.mailbox ? { mailbox: call.mailbox, impersonation: s.impersonation } : undefined;
    const xml = envelope(call.body, { serverVersion: s.serverVersion, ...(acting ? { acting } : {}) });
    const ctx: EwsErrorContext = { settings: s, ...(call.mailbox ? { mailbox: call.mailbox } : {}), what: call.what };
    const budget = this.budgetKey(call.mailbox);
    const forMailbox = call.mailbox ? ` for mailbox ${call.mailbox}` : '';
    const a = new Attempts<EwsResult>(call, {
      maxRetries, backoff, stats: this.stats,
      unknown: (last) => new FerryError('transient', `the outcome of ${call.what}${forMailbox} is unknown (${last})`),
      gaveUp: (n, last) => new FerryError('transient', `Exchange at ${s.host} did not accept ${call.what}${forMailbox} after ${n} attempts; the last answer was ${last}`),
      cancelled: (err) => this.cancelled(call, err),
    });
    let rereadToken = false;

    for (;;) {
      const recovered = await a.recovered();
      if (recovered) return recovered;
      let res: HttpResponse | undefined;
      const release = await this.acquire(call);
      try {
        await this.pauses.wait(budget, call.signal);
        const authorization = await this.authorization();
        this.stats.requests++;
        res = await httpRequest(this.dispatcher, {
          method: 'POST', url: s.url, timeoutMs: s.requestTimeoutMs, body: xml, ...(call.signal ? { signal: call.signal } : {}),
          headers: {
            'content-type': 'text/xml; charset=utf-8', accept: 'text/xml',
            soapaction: `"http://schemas.microsoft.com/exchange/services/2006/messages/${call.operation}"`,
            authorization,
            // Routes the request to the server holding the mailbox (needed with impersonation behind a load balancer).
            ...(acting?.impersonation ? { 'x-anchormailbox': acting.mailbox } : {}),
          },
        });
      } catch (err) {
        if (call.signal?.aborted) throw this.cancelled(call, err);
        if (!(err instanceof NetworkFailure)) throw err;
        if (err.tlsProblem) {
          throw new FerryError('config', `the certificate of ${s.host} is not trusted (${err.message}): give the destination its CA certificate (caCertificate or caCertificateFile)`);
        }
        a.lastProblem = err.message;
        if (err.maybeDelivered && !call.idempotent) a.uncertain = true;
      } finally {
        release();
      }

      let wait: number | undefined;
      if (res) {
        const correlation = res.headers['x-ingestioncorrelationid'];
        const ref = correlation ? `, x-IngestionCorrelationID ${correlation}` : '';
        const looksXml = /xml/i.test(res.headers['content-type'] ?? '') || res.body.subarray(0, 64).toString('utf8').trimStart().startsWith('<');
        const parsed = looksXml && res.body.length ? parseAnswer(res.body.toString('utf8')) : undefined;
        let code: string | undefined;
        let text = '';
        let backOffMs: number | undefined;
        if (parsed?.kind === 'messages') {
          const m = parsed.messages[0]!;
          if (m.responseClass !== 'Error' && res.status < 300) return { message: m, headers: res.headers };
          ({ code, messageText: text, backOffMs } = m);
        } else if (parsed?.kind === 'fault') {
          ({ code, message: text, backOffMs } = parsed.fault);
        }
        a.lastProblem = `HTTP ${res.status}${code ? ` ${code}` : ''}${ref}`;

        if (res.status === 401) {
          if (s.auth === 'oauth' && !rereadToken) { rereadToken = true; this.credential = undefined; continue; }
          throw ewsHttpError(401, ctx);
        }
        const retryAfter = parseRetryAfter(res.headers['retry-after']);
        if (code !== undefined && BUSY_CODES.has(code)) {
          // Refused before doing anything: no lookup needed.
          this.stats.serverBusy++;
          wait = backOffMs ?? backoffDelay(a.failures + 1, backoff);
          this.tooLong(wait, call, `${code} with BackOffMilliseconds ${wait}`);
          this.pauses.pause(budget, wait);
          this.stats.backOffWaitMs += wait;
        } else if (res.status === 429 || (res.status === 503 && retryAfter !== undefined)) {
          this.stats.throttled++;
          if (res.status === 503 && !call.idempotent) a.uncertain = true;
          wait = retryAfter ?? backoffDelay(a.failures + 1, backoff);
          this.tooLong(wait, call, `HTTP ${res.status} with Retry-After ${Math.round(wait / 1000)} s`);
          if (res.status === 429) this.pauses.pause(budget, wait);
          this.stats.retryAfterWaitMs += wait;
        } else if (code !== undefined && TRANSIENT_CODES.has(code)) {
          if (!call.idempotent) a.uncertain = true;
        } else if (code !== undefined) {
          throw ewsCodeError(code, text, ctx, res.status);
        } else if (res.status >= 500 || (res.status < 300 && parsed?.kind === 'unreadable')) {
          // A 5xx with no SOAP answer (a proxy or IIS), or an answer that cannot be read: it may have taken effect.
          if (!call.idempotent) a.uncertain = true;
          if (parsed?.kind === 'unreadable') a.lastProblem += ` (${parsed.reason})`;
        } else {
          throw ewsHttpError(res.status, ctx);
        }
      }

      const found = await a.failed(wait);
      if (found) return found;
    }
  }

  /** The Authorization header, from the keychain (read once, or again after an OAuth 401). */
  private async authorization(): Promise<string> {
    const s = this.settings;
    if (!this.credential) {
      const what = s.auth === 'basic' ? `The Exchange password of ${s.username} for ${s.host}` : `The OAuth bearer token for Exchange at ${s.host}`;
      const p = requireSecret(this.secrets, ewsCredentialRef(s), what);
      this.credential = p;
      p.catch(() => { if (this.credential === p) this.credential = undefined; });
    }
    const secret = await this.credential;
    return s.auth === 'basic' ? `Basic ${Buffer.from(`${s.username}:${secret}`, 'utf8').toString('base64')}` : `Bearer ${secret}`;
  }

  /** Impersonated requests spend the mailbox's budget; delegate requests all spend the service account's. */
  private budgetKey(mailbox?: string): string {
    return this.settings.impersonation && mailbox ? mailbox.toLowerCase() : '*account*';
  }

  private tooLong(waitMs: number, call: EwsCall, what: string): void {
    if (waitMs <= this.settings.maxBackOffMs) return;
    throw new EwsError('throttled', `Exchange at ${this.settings.host} is throttling ${call.mailbox ? `mailbox ${call.mailbox}` : 'the service account'} while ${call.what} (${what}), longer than the ${Math.round(this.settings.maxBackOffMs / 1000)} s Ferry waits; a later run retries it`,
      'ErrorServerBusy', undefined, { retryAfterMs: waitMs });
  }

  private async acquire(call: EwsCall): Promise<() => void> {
    try {
      return await this.limiter.acquire(call.mailbox ?? '*account*', call.signal);
    } catch (err) {
      throw this.cancelled(call, err);
    }
  }

  private cancelled(call: EwsCall, cause: unknown): FerryError {
    // Transient: the outcome of a send in flight is unknown, so its pending mark stays for the next run to check.
    return new FerryError('transient', `cancelled while ${call.what}${call.mailbox ? ` for mailbox ${call.mailbox}` : ''}`, { cause });
  }
}
