/**
 * A loopback Microsoft Graph (and identity platform) over HTTPS, written from Microsoft's
 * documentation, for testing the Graph destination with the real msal-node and HTTP client:
 * - sign-in: `/{tenant}/oauth2/v2.0/token` (client secret or certificate assertion) and the OpenID
 *   configuration msal-node reads (see identity.ts);
 * - mail: mailFolders list (`$filter=displayName eq`) and create, message create in a folder with
 *   extended properties, internet headers and file attachments, `messages?$filter=internetMessageId eq`,
 *   attachments, upload sessions (chunked PUT with Content-Range), PATCH, delete and permanentDelete;
 * - a `request-id` header on every answer, Graph's error JSON, the 4 MB request limit;
 * - per-mailbox throttling (limits.ts) and injectable faults (faults.ts);
 * - statistics and everything stored, for assertions.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { createServerTls, type ServerTls } from '../tls';
import { GraphHttpError, errorBody } from './errors';
import { FaultPlan, type Fault, type Operation } from './faults';
import { IdentityPlatform, instanceDiscovery, openIdConfiguration, tokenErrorBody, type RegisteredApp } from './identity';
import { GRAPH_LIMITS, MailboxLimits, type LimitOptions, type Refusal } from './limits';
import { Mailbox, UploadSessions, attachmentJson, messageJson, type StoredMessage } from './mailboxes';
import { expandedPropertyIds, page, parseEqFilter, select } from './odata';

export interface GraphServerOptions {
  tenantId?: string;
  apps: RegisteredApp[];
  mailboxes: string[];
  limits?: Partial<LimitOptions>;
  tokenLifetimeSec?: number;
  /** Time each mailbox request takes to handle (holding its concurrency slot). */
  latencyMs?: number;
  /**
   * Largest request body. Graph documents 4 MB requests and file attachments "under 3 MB" by POST:
   * base64 makes a 3 MB file 4 MB, so the default leaves room for the JSON around it.
   */
  maxRequestBytes?: number;
  /** Reuse certificates made earlier (making them takes about a second). */
  tls?: ServerTls;
}

export interface LoggedRequest { at: number; op: Operation | 'unknown'; mailbox?: string; status: number; requestId: string }

export interface GraphServerStats {
  requests: number;
  byOp: Partial<Record<Operation, number>>;
  /** 429 answers sent, in all and by reason. */
  throttled: number;
  throttledBy: Partial<Record<Refusal['reason'], number>>;
  /** The most requests seen at once, per mailbox. */
  maxConcurrency: Record<string, number>;
  tokenRequests: number;
  faultsInjected: number;
  /** internetMessageIds stored, per mailbox (duplicates appear twice). */
  messages: Record<string, string[]>;
}

const MAX_LOG = 200_000;
const DEFAULT_MAX_REQUEST = 4 * 1024 * 1024 + 64 * 1024;

class DropConnection extends Error {}

interface Route { op: Operation; mailbox?: string; params: string[] }

function route(method: string, path: string[]): Route | null {
  // path: segments after /v1.0
  if (path[0] !== 'users' || path.length < 3) return null;
  const mailbox = path[1]!;
  const rest = path.slice(2);
  const is = (m: string, ...pattern: (string | null)[]) => method === m && rest.length === pattern.length && pattern.every((p, i) => p === null || p.toLowerCase() === rest[i]!.toLowerCase());
  if (is('GET', 'mailFolders')) return { op: 'listFolders', mailbox, params: [] };
  if (is('POST', 'mailFolders')) return { op: 'createFolder', mailbox, params: [] };
  if (is('GET', 'mailFolders', null)) return { op: 'getFolder', mailbox, params: [rest[1]!] };
  if (is('POST', 'mailFolders', null, 'messages')) return { op: 'createMessage', mailbox, params: [rest[1]!] };
  if (is('GET', 'mailFolders', null, 'messages')) return { op: 'listMessages', mailbox, params: [rest[1]!] };
  if (is('GET', 'messages')) return { op: 'listMessages', mailbox, params: [] };
  if (is('GET', 'messages', null)) return { op: 'getMessage', mailbox, params: [rest[1]!] };
  if (is('PATCH', 'messages', null)) return { op: 'updateMessage', mailbox, params: [rest[1]!] };
  if (is('DELETE', 'messages', null)) return { op: 'deleteMessage', mailbox, params: [rest[1]!, 'soft'] };
  if (is('POST', 'messages', null, 'permanentDelete')) return { op: 'deleteMessage', mailbox, params: [rest[1]!, 'permanent'] };
  if (is('GET', 'messages', null, 'attachments')) return { op: 'listAttachments', mailbox, params: [rest[1]!] };
  if (is('POST', 'messages', null, 'attachments')) return { op: 'createAttachment', mailbox, params: [rest[1]!] };
  if (is('POST', 'messages', null, 'attachments', 'createUploadSession')) return { op: 'createUploadSession', mailbox, params: [rest[1]!] };
  return null;
}

export class GraphServer {
  readonly tenantId: string;
  readonly faults = new FaultPlan();
  readonly limits: MailboxLimits;
  readonly identity: IdentityPlatform;
  readonly log: LoggedRequest[] = [];
  private readonly mailboxes = new Map<string, Mailbox>();
  private readonly uploads = new UploadSessions();
  private readonly byOp: Partial<Record<Operation, number>> = {};
  private requests = 0;
  /** Set while `hold()` stalls requests. */
  private gate: Promise<void> | undefined;
  private readonly sockets = new Set<Duplex>();

  private constructor(private readonly server: https.Server, readonly tls: ServerTls, readonly origin: string, private readonly o: GraphServerOptions) {
    this.tenantId = o.tenantId ?? randomUUID();
    this.limits = new MailboxLimits({ ...GRAPH_LIMITS, ...o.limits });
    this.identity = new IdentityPlatform(origin, this.tenantId, o.apps, origin, tls.key, o.tokenLifetimeSec ?? 3599);
    for (const m of o.mailboxes) this.mailboxes.set(m.toLowerCase(), new Mailbox(m));
  }

  static async start(o: GraphServerOptions): Promise<GraphServer> {
    const tls = o.tls ?? createServerTls();
    const server = https.createServer({ key: tls.key, cert: tls.cert });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const g = new GraphServer(server, tls, origin, o);
    server.on('connection', (s) => { g.sockets.add(s); s.on('close', () => g.sockets.delete(s)); });
    server.on('request', (req, res) => { void g.handle(req, res); });
    return g;
  }

  /** The authority host and Graph base URL to give the destination. */
  get authorityHost(): string { return this.origin; }
  get graphBaseUrl(): string { return `${this.origin}/v1.0`; }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  injectFault(f: Fault): void { this.faults.add(f); }

  /**
   * Stalls every mailbox request from now on, as a service that stops answering would, until the
   * returned function is called: lets a test act while a run is certainly still under way.
   */
  hold(): () => void {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    this.gate = gate;
    return () => { if (this.gate === gate) this.gate = undefined; release(); };
  }

  /** Every token issued so far is refused as expired from now on. */
  expireTokens(): void { this.identity.expireAll(); }

  mailbox(address: string): Mailbox {
    const m = this.mailboxes.get(address.toLowerCase());
    if (!m) throw new Error(`the loopback Graph server has no mailbox ${address}`);
    return m;
  }

  /** Messages stored in a mailbox, optionally only those in the folder with this display name. */
  messages(address: string, folderName?: string): StoredMessage[] {
    const mb = this.mailbox(address);
    const all = [...mb.messages.values()];
    if (folderName === undefined) return all;
    const f = [...mb.folders.values()].find((x) => x.displayName.toLowerCase() === folderName.toLowerCase());
    return f ? all.filter((m) => m.folderId === f.id) : [];
  }

  stats(): GraphServerStats {
    const throttledBy: GraphServerStats['throttledBy'] = {};
    for (const r of this.limits.refusals) throttledBy[r.reason] = (throttledBy[r.reason] ?? 0) + 1;
    return {
      requests: this.requests, byOp: { ...this.byOp }, throttled: this.limits.refusals.length, throttledBy,
      maxConcurrency: Object.fromEntries(this.limits.maxConcurrency), tokenRequests: this.identity.tokenRequests,
      faultsInjected: this.faults.injected,
      messages: Object.fromEntries([...this.mailboxes.values()].map((m) => [m.address, [...m.messages.values()].map((x) => x.internetMessageId)])),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const clientRequestId = typeof req.headers['client-request-id'] === 'string' ? req.headers['client-request-id'] : undefined;
    res.setHeader('request-id', requestId);
    if (clientRequestId) res.setHeader('client-request-id', clientRequestId);
    const url = new URL(req.url ?? '/', this.origin);
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    let op: Operation | 'unknown' = 'unknown';
    let mailboxName: string | undefined;
    const logged = (status: number) => {
      if (this.log.length < MAX_LOG) this.log.push({ at: Date.now(), op, ...(mailboxName ? { mailbox: mailboxName } : {}), status, requestId });
    };
    const sendJson = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      logged(status);
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      if (body === undefined) { res.statusCode = status; res.end(); return; }
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const sendError = (e: GraphHttpError) => sendJson(e.status, errorBody(e.code, e.message, requestId, clientRequestId), e.headers);
    this.requests++;

    let admitted: { done: () => void } | undefined;
    try {
      // Identity platform.
      if (method === 'POST' && segments.length === 4 && segments[1] === 'oauth2' && segments[2] === 'v2.0' && segments[3] === 'token') {
        op = 'token';
        this.count(op);
        const form = new URLSearchParams((await this.readBody(req, 64 * 1024)).toString('utf8'));
        const fault = this.faults.take('token', undefined);
        if (fault) return await this.applyFault(fault, req, sendJson, sendError, async () => undefined);
        const r = this.identity.token(segments[0]!, form);
        if ('err' in r) return sendJson(r.err.status, tokenErrorBody(r.err, clientRequestId ?? requestId));
        return sendJson(200, r.ok, { 'cache-control': 'no-store' });
      }
      if (method === 'GET' && segments.length === 4 && segments[1] === 'v2.0' && segments[2] === '.well-known' && segments[3] === 'openid-configuration') {
        if (segments[0]!.toLowerCase() !== this.tenantId.toLowerCase() && segments[0] !== 'common' && segments[0] !== 'organizations') {
          return sendJson(400, { error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${segments[0]}' not found.` });
        }
        return sendJson(200, openIdConfiguration(this.origin, segments[0]!));
      }
      if (method === 'GET' && segments.length === 3 && segments[1] === 'discovery' && segments[2] === 'instance') {
        return sendJson(200, instanceDiscovery(this.origin, this.tenantId));
      }

      // Upload sessions: pre-authenticated URLs, no bearer token.
      if (method === 'PUT' && segments[0] === 'upload' && segments.length === 2) {
        op = 'uploadChunk';
        this.count(op);
        const session = this.uploads.get(segments[1]!, url.searchParams.get('authtoken'));
        mailboxName = session.mailbox;
        admitted = this.admitOrThrow(session.mailbox);
        const chunk = await this.readBody(req);
        this.chargeUpload(session.mailbox, chunk.length);
        const fault = this.faults.take(op, mailboxName);
        const handle = async () => {
          const r = this.uploads.put(session, headerOf(req, 'content-range'), chunk);
          if (!r.done) return { status: 200, body: { expirationDateTime: new Date(session.expires).toISOString(), nextExpectedRanges: [`${session.next}-`] } };
          const mb = this.mailbox(session.mailbox);
          const msg = mb.message(session.messageId);
          const att = { id: `AAMkAtt${randomUUID()}`, name: session.name, contentType: session.contentType, size: r.content.length, isInline: session.isInline,
            ...(session.contentId ? { contentId: session.contentId } : {}), content: r.content, via: 'upload' as const };
          msg.attachments.push(att);
          return { status: 201, headers: { location: `${this.graphBaseUrl}/users/${encodeURIComponent(mb.address)}/messages/${msg.id}/attachments/${att.id}` } };
        };
        return await this.respond(fault, req, sendJson, sendError, handle);
      }

      if (segments[0] !== 'v1.0') throw new GraphHttpError(404, 'UnknownError', `No resource at ${url.pathname}.`);
      const r = route(method, segments.slice(1));
      if (!r) throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${segments.slice(1).join('/')}' (${method}).`);
      op = r.op;
      this.count(op);
      mailboxName = r.mailbox;

      const auth = this.identity.authenticate(headerOf(req, 'authorization'));
      if ('problem' in auth) throw new GraphHttpError(401, 'InvalidAuthenticationToken', auth.problem);
      const mb = this.mailboxes.get(r.mailbox!.toLowerCase());
      if (!mb) throw new GraphHttpError(404, 'ErrorInvalidUser', `The requested user '${r.mailbox}' is invalid.`);
      const app = auth.token.app;
      if (app.allowedMailboxes && !app.allowedMailboxes.some((a) => a.toLowerCase() === mb.address.toLowerCase())) {
        throw new GraphHttpError(403, 'ErrorAccessDenied', 'Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.');
      }
      const roles = app.roles ?? ['Mail.ReadWrite'];
      const writes = method !== 'GET';
      if (!roles.includes('Mail.ReadWrite') && (writes || !roles.some((x) => /^Mail\.Read(Basic)?(\.All)?$/.test(x)))) {
        throw new GraphHttpError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
      }
      admitted = this.admitOrThrow(mb.address);
      const raw = await this.readBody(req);
      if (writes && raw.length) this.chargeUpload(mb.address, raw.length);
      const body = raw.length ? parseJson(raw) : {};
      const fault = this.faults.take(op, mb.address);
      return await this.respond(fault, req, sendJson, sendError, async () => this.mailOperation(r, mb, url, body));
    } catch (err) {
      if (err instanceof DropConnection) { logged(0); req.socket.destroy(); return; }
      if (err instanceof GraphHttpError) return sendError(err);
      return sendError(new GraphHttpError(500, 'InternalServerError', `loopback server error: ${(err as Error).message}`));
    } finally {
      // The slot is held until the answer is fully written or the connection is gone.
      if (admitted) {
        const a = admitted;
        if (res.writableFinished || res.destroyed) a.done();
        else { res.once('finish', a.done); res.once('close', a.done); }
      }
    }
  }

  private count(op: Operation): void {
    this.byOp[op] = (this.byOp[op] ?? 0) + 1;
  }

  private admitOrThrow(mailbox: string): { done: () => void } {
    const a = this.limits.admit(mailbox);
    if ('reason' in a) throw throttled(a);
    return a;
  }

  private chargeUpload(mailbox: string, bytes: number): void {
    const refusal = this.limits.upload(mailbox, bytes);
    if (refusal) throw throttled(refusal);
  }

  /** Handles the request with its fault (if any) and the server's latency. */
  private async respond(
    fault: Fault | undefined, req: IncomingMessage,
    sendJson: (status: number, body?: unknown, headers?: Record<string, string>) => void, sendError: (e: GraphHttpError) => void,
    handle: () => Promise<{ status: number; body?: unknown; headers?: Record<string, string> } | undefined>,
  ): Promise<void> {
    if (this.o.latencyMs) await new Promise((r) => setTimeout(r, this.o.latencyMs));
    while (this.gate) await this.gate;
    if (fault) return this.applyFault(fault, req, sendJson, sendError, handle);
    const out = await handle();
    if (out) sendJson(out.status, out.body, out.headers);
  }

  private async applyFault(
    f: Fault, req: IncomingMessage,
    sendJson: (status: number, body?: unknown, headers?: Record<string, string>) => void, sendError: (e: GraphHttpError) => void,
    handle: () => Promise<{ status: number; body?: unknown; headers?: Record<string, string> } | undefined>,
  ): Promise<void> {
    const statusError = () => new GraphHttpError(f.status ?? 500, f.code ?? codeFor(f.status ?? 500), f.message ?? `Injected fault: HTTP ${f.status ?? 500}.`,
      f.retryAfterSec !== undefined ? { 'retry-after': String(f.retryAfterSec) } : {});
    switch (f.kind) {
      case 'drop-before':
        throw new DropConnection();
      case 'unauthorized':
        throw new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
      case 'status':
        if (f.afterHandling) { try { await handle(); } catch { /* the client sees the status either way */ } }
        throw statusError();
      case 'drop-after':
        await handle();
        throw new DropConnection();
      case 'slow-after': {
        const out = await handle();
        // Wait, unless the client goes away first (it timed out, or its process was killed).
        await new Promise<void>((resolve) => {
          const done = () => { clearTimeout(timer); req.socket.off('close', done); resolve(); };
          const timer = setTimeout(done, f.delayMs ?? 5000);
          req.socket.once('close', done);
        });
        if (req.socket.destroyed) throw new DropConnection();
        if (out) sendJson(out.status, out.body, out.headers);
        return;
      }
    }
  }

  private mailOperation(r: Route, mb: Mailbox, url: URL, body: Record<string, unknown>): { status: number; body?: unknown; headers?: Record<string, string> } {
    const q = (k: string) => url.searchParams.get(k);
    const msg = (m: StoredMessage) => {
      const full = messageJson(m, expandedPropertyIds(q('$expand')));
      const j = select(full, q('$select'));
      if (!q('$select')?.includes('internetMessageHeaders')) delete j.internetMessageHeaders;
      // An expanded navigation property is returned whatever $select says.
      if (full.singleValueExtendedProperties) j.singleValueExtendedProperties = full.singleValueExtendedProperties;
      return j;
    };
    const folderJson = (f: { id: string; displayName: string; parentFolderId: string }) => ({
      id: f.id, displayName: f.displayName, parentFolderId: f.parentFolderId, childFolderCount: 0,
      totalItemCount: [...mb.messages.values()].filter((m) => m.folderId === f.id).length, unreadItemCount: 0, isHidden: false,
    });
    switch (r.op) {
      case 'listFolders': {
        let folders = mb.topFolders();
        const filter = q('$filter');
        if (filter) {
          const f = parseEqFilter(filter);
          if (f.property !== 'displayName') throw new GraphHttpError(400, 'BadRequest', `The loopback server filters folders by displayName only, not ${f.property}.`);
          folders = folders.filter((x) => x.displayName.toLowerCase() === f.value.toLowerCase());
        }
        return { status: 200, body: page(folders.map((f) => select(folderJson(f), q('$select'))), url) };
      }
      case 'getFolder':
        return { status: 200, body: select(folderJson(mb.folder(r.params[0]!)), q('$select')) };
      case 'createFolder':
        return { status: 201, body: folderJson(mb.createFolder(body)) };
      case 'createMessage':
        return { status: 201, body: msg(mb.createMessage(r.params[0]!, body)) };
      case 'listMessages': {
        let list = [...mb.messages.values()];
        if (r.params[0]) { const f = mb.folder(r.params[0]); list = list.filter((m) => m.folderId === f.id); }
        const filter = q('$filter');
        if (filter) {
          const f = parseEqFilter(filter);
          if (f.property === 'internetMessageId') list = list.filter((m) => m.internetMessageId === f.value);
          else if (f.property === 'subject') list = list.filter((m) => m.subject === f.value);
          else throw new GraphHttpError(400, 'BadRequest', `The loopback server filters messages by internetMessageId or subject only, not ${f.property}.`);
        }
        return { status: 200, body: page(list.map(msg), url) };
      }
      case 'getMessage':
        return { status: 200, body: msg(mb.message(r.params[0]!)) };
      case 'updateMessage':
        return { status: 200, body: msg(mb.updateMessage(r.params[0]!, body)) };
      case 'deleteMessage':
        mb.deleteMessage(r.params[0]!, r.params[1] === 'permanent');
        return { status: 204 };
      case 'listAttachments':
        return { status: 200, body: page(mb.message(r.params[0]!).attachments.map((a) => select(attachmentJson(a, false), q('$select'))), url, 100) };
      case 'createAttachment':
        return { status: 201, body: attachmentJson(mb.addAttachment(r.params[0]!, body), false) };
      case 'createUploadSession': {
        mb.message(r.params[0]!);
        const s = this.uploads.create(mb.address, r.params[0]!, body);
        return { status: 201, body: { uploadUrl: `${this.origin}/upload/${s.id}?authtoken=${s.token}`, expirationDateTime: new Date(s.expires).toISOString(), nextExpectedRanges: ['0-'] } };
      }
      default:
        throw new GraphHttpError(400, 'BadRequest', `unsupported operation ${r.op}`);
    }
  }

  private async readBody(req: IncomingMessage, max = this.o.maxRequestBytes ?? DEFAULT_MAX_REQUEST): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    // Read to the end even when too large, so the error answer reaches the client on a sane connection.
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size <= max) chunks.push(c as Buffer);
    }
    if (size > max) throw new GraphHttpError(413, 'RequestEntityTooLarge', `The request is larger than the ${max}-byte limit.`);
    return Buffer.concat(chunks);
  }
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseJson(raw: Buffer): Record<string, unknown> {
  try {
    const v = JSON.parse(raw.toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch { /* answered below */ }
  throw new GraphHttpError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
}

function throttled(r: Refusal): GraphHttpError {
  return new GraphHttpError(429, 'ApplicationThrottled', `Application is over its ${r.reason} limit.`, { 'retry-after': String(r.retryAfterSec) });
}

function codeFor(status: number): string {
  return status === 503 ? 'ServiceUnavailable' : status === 504 ? 'GatewayTimeout' : status === 429 ? 'ApplicationThrottled' : 'InternalServerError';
}
