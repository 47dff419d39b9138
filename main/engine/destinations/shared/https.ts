/**
 * HTTPS for the destinations that call a server's API (Graph and its sign-in, EWS), over undici: one
 * connection pool trusting the system CAs plus an optional extra CA, a time limit per request, and
 * failures with no answer told apart by whether the request may have reached the server (which
 * decides whether a retry must look for the message first).
 */
import tls from 'node:tls';
import { Agent, request, type Dispatcher } from 'undici';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
}

/** A request that got no HTTP answer. */
export class NetworkFailure extends Error {
  constructor(
    message: string,
    /** False when the request certainly never reached the server (refused, name or TLS failure). */
    readonly maybeDelivered: boolean,
    /** The caller's own signal was aborted (a cancelled run), as opposed to a timeout. */
    readonly cancelled: boolean,
    /** The server's certificate was not trusted: a setup problem, not a passing one. */
    readonly tlsProblem: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NetworkFailure';
  }
}

export function createDispatcher(o: { ca?: string; connectTimeoutMs: number }): Dispatcher {
  return new Agent({
    connect: { timeout: o.connectTimeoutMs, ...(o.ca ? { ca: [...tls.rootCertificates, o.ca] } : {}) },
    keepAliveTimeout: 30_000,
  });
}

const TLS_CODES = new Set(['CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_NOT_YET_VALID']);
// Failures that happen before any byte of the request can have been sent.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'ENETUNREACH', 'EHOSTUNREACH', ...TLS_CODES]);

function codeOf(err: unknown): string | undefined {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code ?? e?.cause?.code;
}

export async function httpRequest(dispatcher: Dispatcher, r: HttpRequest): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(r.timeoutMs);
  const signal = r.signal ? AbortSignal.any([r.signal, timeout]) : timeout;
  try {
    const res = await request(r.url, {
      method: r.method, dispatcher, signal, headersTimeout: r.timeoutMs, bodyTimeout: r.timeoutMs,
      ...(r.headers ? { headers: r.headers } : {}), ...(r.body !== undefined ? { body: r.body } : {}),
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    return { status: res.statusCode, headers, body };
  } catch (err) {
    const cancelled = r.signal?.aborted === true;
    const code = codeOf(err);
    const what = cancelled ? 'cancelled' : timeout.aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT'
      ? `no answer within ${Math.round(r.timeoutMs / 1000)} s`
      : `${code ?? 'network error'}: ${(err as Error).message}`;
    throw new NetworkFailure(what, !(code !== undefined && NOT_SENT.has(code)), cancelled, code !== undefined && TLS_CODES.has(code), { cause: err });
  }
}

/** The JSON of an answer, or null when it has none. */
export function jsonOf(res: HttpResponse): unknown {
  if (!res.body.length) return null;
  try { return JSON.parse(res.body.toString('utf8')) as unknown; } catch { return null; }
}
