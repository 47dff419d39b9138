/**
 * A loopback Exchange Web Services endpoint over HTTPS (self-signed), written from Microsoft's EWS
 * reference, for testing the EWS destination with its real HTTP client:
 * - `POST /EWS/Exchange.asmx`, SOAP 1.1; Basic and Bearer sign-in (401 otherwise);
 * - ExchangeImpersonation (needs the account's impersonation right, else ErrorImpersonateUserDenied)
 *   or delegate access (Full Access, else ErrorAccessDenied); unknown mailboxes give
 *   ErrorNonExistentMailbox; the X-AnchorMailbox header is logged;
 * - CreateItem (SaveOnly, MimeContent decoded and kept byte for byte, ItemClass, extended
 *   properties), FindItem restricted on PR_INTERNET_MESSAGE_ID, FindFolder by display name,
 *   CreateFolder, GetFolder; an optional `X-IngestionCorrelationID` answer header;
 * - per-budget concurrency and request limits (limits.ts) and injectable faults (faults.ts);
 * - everything stored and statistics, for assertions.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { createServerTls, type ServerTls } from '../tls';
import { Budgets, EWS_LIMITS, type LimitOptions, type Refusal } from './limits';
import { FaultPlan, type Fault, type Operation } from './faults';
import { Mailbox, type ExtendedProp, type StoredFolder, type StoredItem } from './mailboxes';
import { ItemError, SoapFault, arr, esc, faultXml, parseRequest, responseXml, txt, type SoapRequest, type XNode } from './soap';

export interface EwsAccount {
  /** Basic user name (also the account's own mailbox when one has that address). */
  username: string;
  password?: string;
  /** Bearer tokens accepted for this account. */
  tokens?: string[];
  /** Holds the ApplicationImpersonation role; `scope` limits it to some mailboxes. */
  impersonation?: boolean | { scope: string[] };
  /** Mailboxes it has Full Access to ('*': all). */
  fullAccess?: string[] | '*';
}

export interface EwsServerOptions {
  accounts: EwsAccount[];
  mailboxes: string[];
  limits?: Partial<LimitOptions>;
  /** Send X-IngestionCorrelationID on CreateItem answers. */
  correlationIds?: boolean;
  /** Time each request takes to handle (holding its budget slot). */
  latencyMs?: number;
  tls?: ServerTls;
}

export interface LoggedRequest {
  at: number;
  op: string;
  account?: string;
  auth?: 'basic' | 'bearer';
  /** The mailbox acted for, and how. */
  mailbox?: string;
  impersonated?: string;
  anchorMailbox?: string;
  soapAction?: string;
  version?: string;
  status: number;
  /** ResponseCode of an error answer. */
  code?: string;
}

export interface EwsServerStats {
  requests: number;
  byOp: Partial<Record<string, number>>;
  /** ErrorServerBusy answers (limits and injected). */
  serverBusy: number;
  /** 429 and 503 answers. */
  throttled: number;
  maxConcurrency: Record<string, number>;
  faultsInjected: number;
  /** Internet message ids stored, per mailbox (duplicates appear twice). */
  messages: Record<string, string[]>;
}

class DropConnection extends Error {}

interface Answer { status: number; xml: string; headers?: Record<string, string>; code?: string }

interface Ctx {
  account: EwsAccount;
  /** The impersonated mailbox, when the request carries ExchangeImpersonation. */
  impersonated?: Mailbox;
}

const OPS = new Set<Operation>(['CreateItem', 'FindItem', 'FindFolder', 'CreateFolder', 'GetFolder']);

export class EwsServer {
  readonly faults = new FaultPlan();
  readonly budgets: Budgets;
  readonly log: LoggedRequest[] = [];
  /** x-IngestionCorrelationID sent for each stored item id. */
  readonly correlationIds = new Map<string, string>();
  private readonly mailboxes = new Map<string, Mailbox>();
  private readonly byOp: Record<string, number> = {};
  private requests = 0;
  private serverBusy = 0;
  private throttled = 0;
  private readonly sockets = new Set<Duplex>();

  private constructor(private readonly server: https.Server, readonly tls: ServerTls, readonly url: string, private readonly o: EwsServerOptions) {
    this.budgets = new Budgets({ ...EWS_LIMITS, ...o.limits });
    for (const m of o.mailboxes) this.mailboxes.set(m.toLowerCase(), new Mailbox(m));
  }

  static async start(o: EwsServerOptions): Promise<EwsServer> {
    const tls = o.tls ?? createServerTls();
    const server = https.createServer({ key: tls.key, cert: tls.cert });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/EWS/Exchange.asmx`;
    const s = new EwsServer(server, tls, url, o);
    server.on('connection', (sock) => { s.sockets.add(sock); sock.on('close', () => s.sockets.delete(sock)); });
    server.on('request', (req, res) => { void s.handle(req, res); });
    return s;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  injectFault(f: Fault): void { this.faults.add(f); }

  addAccount(a: EwsAccount): void { this.o.accounts.push(a); }

  /** Time each request takes from now on (holding its budget slot). */
  setLatency(ms: number): void { this.o.latencyMs = ms; }

  /** Changes the limits from now on. */
  setLimits(l: Partial<LimitOptions>): void { this.budgets.o = { ...this.budgets.o, ...l }; }

  mailbox(address: string): Mailbox {
    const m = this.mailboxes.get(address.toLowerCase());
    if (!m) throw new Error(`the loopback EWS server has no mailbox ${address}`);
    return m;
  }

  /** Items in a mailbox; with a folder: a distinguished folder id, or the display name of a folder. */
  items(address: string, folder?: string): StoredItem[] {
    const mb = this.mailbox(address);
    const all = [...mb.items.values()];
    if (folder === undefined) return all;
    const f = [...mb.folders.values()].find((x) => x.distinguished === folder.toLowerCase())
      ?? [...mb.folders.values()].find((x) => !x.distinguished && x.displayName.toLowerCase() === folder.toLowerCase());
    return f ? all.filter((i) => i.folderId === f.id) : [];
  }

  /** Folders made by CreateFolder, by display name. */
  createdFolders(address: string): StoredFolder[] {
    return [...this.mailbox(address).folders.values()].filter((f) => !f.distinguished);
  }

  stats(): EwsServerStats {
    return {
      requests: this.requests, byOp: { ...this.byOp }, serverBusy: this.serverBusy, throttled: this.throttled,
      maxConcurrency: Object.fromEntries(this.budgets.maxConcurrency), faultsInjected: this.faults.injected,
      messages: Object.fromEntries([...this.mailboxes.values()].map((m) => [m.address, [...m.items.values()].map((i) => i.internetMessageId)])),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests++;
    const entry: LoggedRequest = { at: Date.now(), op: 'unknown', status: 0 };
    const anchor = header(req, 'x-anchormailbox');
    const soapAction = header(req, 'soapaction');
    if (anchor) entry.anchorMailbox = anchor;
    if (soapAction) entry.soapAction = soapAction;
    const send = (a: Answer) => {
      entry.status = a.status;
      if (a.code) entry.code = a.code;
      this.log.push(entry);
      const body = Buffer.from(a.xml, 'utf8');
      res.writeHead(a.status, { 'content-type': a.xml.startsWith('<?xml') ? 'text/xml; charset=utf-8' : 'text/html', 'content-length': body.length, ...a.headers });
      res.end(body);
    };
    let admitted: { done: () => void } | undefined;
    try {
      const path = new URL(req.url ?? '/', 'https://x').pathname;
      if (path.toLowerCase() !== '/ews/exchange.asmx') return send(html(404, 'Not Found'));
      if (req.method !== 'POST') return send(html(405, 'Method Not Allowed'));
      const account = this.authenticate(req, entry);
      const raw = await readBody(req);
      if (!account) {
        return send({ ...html(401, 'Unauthorized'), headers: { 'www-authenticate': 'Basic realm="127.0.0.1", Bearer error="invalid_token"' } });
      }
      const request = parseRequest(raw.toString('utf8'));
      entry.op = request.operation;
      if (request.version) entry.version = request.version;
      this.byOp[request.operation] = (this.byOp[request.operation] ?? 0) + 1;
      if (!OPS.has(request.operation as Operation)) throw new SoapFault('ErrorInvalidRequest', `The loopback server does not implement ${request.operation}.`);
      const op = request.operation as Operation;
      const ctx = this.context(account, request);
      const acting = ctx.impersonated?.address ?? this.actingMailbox(request, account);
      if (acting) entry.mailbox = acting;
      if (ctx.impersonated) entry.impersonated = ctx.impersonated.address;
      const budget = ctx.impersonated?.address ?? account.username;
      const a = this.budgets.admit(budget);
      if ('reason' in a) return send(this.refusal(a));
      admitted = a;
      const fault = this.faults.take(op, acting);
      if (this.o.latencyMs) await new Promise((r) => setTimeout(r, this.o.latencyMs));
      const run = () => this.operation(op, request, ctx);
      if (!fault) return send(run());
      return await this.applyFault(fault, op, req, send, run);
    } catch (err) {
      if (err instanceof DropConnection) { entry.status = 0; this.log.push(entry); req.socket.destroy(); return; }
      if (err instanceof SoapFault) {
        if (err.code === 'ErrorServerBusy') this.serverBusy++;
        return send({ status: err.status, xml: faultXml(err), headers: err.headers, code: err.code });
      }
      return send({ status: 500, xml: faultXml(new SoapFault('ErrorInternalServerError', `loopback server error: ${(err as Error).message}`)), code: 'ErrorInternalServerError' });
    } finally {
      if (admitted) {
        const a = admitted;
        if (res.writableFinished || res.destroyed) a.done();
        else { res.once('finish', a.done); res.once('close', a.done); }
      }
    }
  }

  private authenticate(req: IncomingMessage, entry: LoggedRequest): EwsAccount | undefined {
    const h = header(req, 'authorization') ?? '';
    const basic = /^Basic\s+(\S+)$/i.exec(h);
    if (basic) {
      entry.auth = 'basic';
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      const user = decoded.slice(0, i);
      const pass = decoded.slice(i + 1);
      const acc = this.o.accounts.find((a) => a.username.toLowerCase() === user.toLowerCase() && a.password !== undefined && a.password === pass);
      if (acc) entry.account = acc.username;
      return acc;
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(h);
    if (bearer) {
      entry.auth = 'bearer';
      const acc = this.o.accounts.find((a) => a.tokens?.includes(bearer[1]!));
      if (acc) entry.account = acc.username;
      return acc;
    }
    return undefined;
  }

  /** Impersonation is checked for the whole request, as Exchange does: its refusals are SOAP faults. */
  private context(account: EwsAccount, r: SoapRequest): Ctx {
    if (r.impersonate === undefined) return { account };
    if (!r.impersonate) throw new SoapFault('ErrorInvalidExchangeImpersonationHeaderData', 'The impersonation header names no mailbox.');
    const mb = this.mailboxes.get(r.impersonate.toLowerCase());
    const role = account.impersonation;
    if (!role || (typeof role === 'object' && !role.scope.some((m) => m.toLowerCase() === r.impersonate!.toLowerCase()))) {
      throw new SoapFault('ErrorImpersonateUserDenied', 'The account does not have permission to impersonate the requested user.');
    }
    if (!mb) throw new SoapFault('ErrorNonExistentMailbox', `The SMTP address has no mailbox associated with it.`);
    return { account, impersonated: mb };
  }

  /** For the log and the faults: the mailbox named by the request's folder ids, or the account's own. */
  private actingMailbox(r: SoapRequest, account: EwsAccount): string | undefined {
    const b = r.body;
    const holder = (b.SavedItemFolderId ?? b.ParentFolderIds ?? b.ParentFolderId ?? b.FolderIds) as XNode | undefined;
    const d = holder?.DistinguishedFolderId as XNode | XNode[] | undefined;
    const first = arr(d)[0];
    const named = first ? txt((first.Mailbox as XNode | undefined)?.EmailAddress) : '';
    if (named) return named;
    const fid = arr(holder?.FolderId as XNode | XNode[] | undefined)[0]?.['@_Id'];
    if (typeof fid === 'string') for (const mb of this.mailboxes.values()) if (mb.folders.has(fid)) return mb.address;
    return this.mailboxes.get(account.username.toLowerCase())?.address;
  }

  /** The folder a folder-id holder element names, after the access checks. */
  private folderOf(holder: unknown, ctx: Ctx): { mb: Mailbox; folder: StoredFolder } {
    const h = holder as XNode | undefined;
    const d = arr(h?.DistinguishedFolderId as XNode | XNode[] | undefined)[0];
    const f = arr(h?.FolderId as XNode | XNode[] | undefined)[0];
    if (d) {
      const name = String(d['@_Id'] ?? '');
      const mb = ctx.impersonated ?? this.delegateMailbox(txt((d.Mailbox as XNode | undefined)?.EmailAddress), ctx.account);
      return { mb, folder: mb.distinguished(name) };
    }
    if (f) {
      const id = String(f['@_Id'] ?? '');
      const owners = ctx.impersonated ? [ctx.impersonated] : [...this.mailboxes.values()];
      const mb = owners.find((m) => m.folders.has(id));
      if (!mb) throw new ItemError('ErrorFolderNotFound', 'The specified folder could not be found in the store.');
      if (!ctx.impersonated) this.checkDelegate(mb, ctx.account);
      return { mb, folder: mb.folder(id) };
    }
    throw new SoapFault('ErrorSchemaValidation', 'The request failed schema validation: a folder id is missing.');
  }

  private delegateMailbox(address: string, account: EwsAccount): Mailbox {
    const target = address || account.username;
    const mb = this.mailboxes.get(target.toLowerCase());
    if (!mb) throw new ItemError('ErrorNonExistentMailbox', 'The SMTP address has no mailbox associated with it.');
    this.checkDelegate(mb, account);
    return mb;
  }

  private checkDelegate(mb: Mailbox, account: EwsAccount): void {
    const own = mb.address.toLowerCase() === account.username.toLowerCase();
    const fa = account.fullAccess;
    if (own || fa === '*' || fa?.some((m) => m.toLowerCase() === mb.address.toLowerCase())) return;
    throw new ItemError('ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
  }

  private operation(op: Operation, r: SoapRequest, ctx: Ctx): Answer {
    try {
      const out = this.perform(op, r, ctx);
      return typeof out === 'string' ? { status: 200, xml: responseXml(op, { inner: out }) } : { status: 200, xml: responseXml(op, { inner: out.inner }), headers: out.headers };
    } catch (err) {
      if (err instanceof ItemError) return { status: 200, xml: responseXml(op, err), code: err.code };
      throw err;
    }
  }

  /** The inner XML of a Success response message (and headers to send with it). */
  private perform(op: Operation, r: SoapRequest, ctx: Ctx): string | { inner: string; headers: Record<string, string> } {
    const b = r.body;
    switch (op) {
      case 'CreateItem': {
        if (b['@_MessageDisposition'] !== 'SaveOnly') {
          throw new ItemError('ErrorInvalidRequest', 'The loopback server saves messages only (MessageDisposition="SaveOnly").');
        }
        const { mb, folder } = this.folderOf(b.SavedItemFolderId, ctx);
        const messages = arr((b.Items as XNode | undefined)?.Message as XNode | XNode[] | undefined);
        if (messages.length !== 1) throw new SoapFault('ErrorInvalidRequest', 'The loopback server takes exactly one Message per CreateItem.');
        const m = messages[0]!;
        const mimeNode = m.MimeContent;
        const b64 = txt(mimeNode).replace(/\s+/g, '');
        if (!b64 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new ItemError('ErrorMimeContentInvalid', 'The MIME content is not valid base64.');
        const mime = Buffer.from(b64, 'base64');
        const charset = mimeNode && typeof mimeNode === 'object' ? (mimeNode as XNode)['@_CharacterSet'] : undefined;
        const props: ExtendedProp[] = arr(m.ExtendedProperty as XNode | XNode[] | undefined).map((p) => {
          const uri = (p.ExtendedFieldURI ?? {}) as XNode;
          return { tag: String(uri['@_PropertyTag'] ?? ''), type: String(uri['@_PropertyType'] ?? ''), value: txt(p.Value) };
        });
        const item = mb.saveItem(folder.id, mime, txt(m.ItemClass) || 'IPM.Note', props, typeof charset === 'string' ? charset : undefined);
        const inner = `<m:Items><t:Message><t:ItemId Id="${esc(item.id)}" ChangeKey="${esc(item.changeKey)}"/></t:Message></m:Items>`;
        if (!this.o.correlationIds) return inner;
        const c = randomUUID();
        this.correlationIds.set(item.id, c);
        return { inner, headers: { 'X-IngestionCorrelationID': c } };
      }
      case 'FindItem': {
        if (b['@_Traversal'] !== 'Shallow') throw new ItemError('ErrorInvalidRequest', 'The loopback server searches one folder (Traversal="Shallow").');
        const { mb, folder } = this.folderOf(b.ParentFolderIds, ctx);
        const eq = (b.Restriction as XNode | undefined)?.IsEqualTo as XNode | undefined;
        const tag = String(((eq?.ExtendedFieldURI ?? {}) as XNode)['@_PropertyTag'] ?? '').toLowerCase();
        const value = (((eq?.FieldURIOrConstant as XNode | undefined)?.Constant ?? {}) as XNode)['@_Value'];
        if (tag !== '0x1035' || typeof value !== 'string') throw new ItemError('ErrorInvalidRestriction', 'The loopback server restricts FindItem on PR_INTERNET_MESSAGE_ID (0x1035) only.');
        const hits = mb.findByMessageId(folder.id, value);
        return `<m:RootFolder TotalItemsInView="${hits.length}" IncludesLastItemInRange="true"><t:Items>${hits.map((i) => `<t:Message><t:ItemId Id="${esc(i.id)}" ChangeKey="${esc(i.changeKey)}"/></t:Message>`).join('')}</t:Items></m:RootFolder>`;
      }
      case 'FindFolder': {
        const { mb, folder } = this.folderOf(b.ParentFolderIds, ctx);
        let list = mb.children(folder.id);
        const eq = (b.Restriction as XNode | undefined)?.IsEqualTo as XNode | undefined;
        if (eq) {
          const uri = ((eq.FieldURI ?? {}) as XNode)['@_FieldURI'];
          const value = (((eq.FieldURIOrConstant as XNode | undefined)?.Constant ?? {}) as XNode)['@_Value'];
          if (uri !== 'folder:DisplayName' || typeof value !== 'string') throw new ItemError('ErrorInvalidRestriction', 'The loopback server restricts FindFolder on folder:DisplayName only.');
          list = list.filter((f) => f.displayName.toLowerCase() === value.toLowerCase());
        }
        return `<m:RootFolder TotalItemsInView="${list.length}" IncludesLastItemInRange="true"><t:Folders>${list.map(folderXml).join('')}</t:Folders></m:RootFolder>`;
      }
      case 'CreateFolder': {
        const { mb, folder } = this.folderOf(b.ParentFolderId, ctx);
        const f = arr((b.Folders as XNode | undefined)?.Folder as XNode | XNode[] | undefined)[0];
        if (!f) throw new SoapFault('ErrorSchemaValidation', 'The request failed schema validation: Folders is empty.');
        const made = mb.createFolder(folder.id, txt(f.DisplayName), txt(f.FolderClass) || undefined);
        return `<m:Folders><t:Folder><t:FolderId Id="${esc(made.id)}" ChangeKey="${esc(made.changeKey)}"/></t:Folder></m:Folders>`;
      }
      case 'GetFolder': {
        const { folder } = this.folderOf(b.FolderIds, ctx);
        return `<m:Folders>${folderXml(folder)}</m:Folders>`;
      }
    }
  }

  private refusal(r: Refusal): Answer {
    const mode = this.budgets.o.answer;
    if (mode === 'server-busy') {
      this.serverBusy++;
      const f = new SoapFault('ErrorServerBusy', 'The server cannot service this request right now. Try again later.', 500, r.backOffMs);
      return { status: 500, xml: faultXml(f), code: f.code };
    }
    this.throttled++;
    const status = mode === '429' ? 429 : 503;
    return { ...html(status, status === 429 ? 'Too Many Requests' : 'Service Unavailable'), headers: { 'retry-after': String(Math.max(1, Math.ceil(r.backOffMs / 1000))) } };
  }

  private async applyFault(f: Fault, op: Operation, req: IncomingMessage, send: (a: Answer) => void, run: () => Answer): Promise<void> {
    switch (f.kind) {
      case 'drop-before':
        throw new DropConnection();
      case 'unauthorized':
        return send({ ...html(401, 'Unauthorized'), headers: { 'www-authenticate': 'Basic realm="127.0.0.1"' } });
      case 'server-busy': {
        this.serverBusy++;
        const backOff = f.backOffMs ?? 100;
        const msg = 'The server cannot service this request right now. Try again later.';
        if (f.asMessage) return send({ status: 200, xml: responseXml(op, new ItemError('ErrorServerBusy', msg, backOff)), code: 'ErrorServerBusy' });
        throw new SoapFault('ErrorServerBusy', msg, 500, backOff);
      }
      case 'item-error':
        return send({ status: 200, xml: responseXml(op, new ItemError(f.code ?? 'ErrorInternalServerError', f.message ?? 'An internal server error occurred.')), code: f.code ?? 'ErrorInternalServerError' });
      case 'status': {
        if (f.afterHandling) run();
        const status = f.status ?? 500;
        if (status === 429 || status === 503) this.throttled++;
        return send({ ...html(status, `Injected HTTP ${status}`), ...(f.retryAfterSec !== undefined ? { headers: { 'retry-after': String(f.retryAfterSec) } } : {}) });
      }
      case 'drop-after':
        run();
        throw new DropConnection();
      case 'slow-after': {
        const out = run();
        await new Promise<void>((resolve) => {
          const done = () => { clearTimeout(timer); req.socket.off('close', done); resolve(); };
          const timer = setTimeout(done, f.delayMs ?? 5000);
          req.socket.once('close', done);
        });
        if (req.socket.destroyed) throw new DropConnection();
        return send(out);
      }
    }
  }
}

function folderXml(f: StoredFolder): string {
  return `<t:Folder><t:FolderId Id="${esc(f.id)}" ChangeKey="${esc(f.changeKey)}"/><t:DisplayName>${esc(f.displayName)}</t:DisplayName></t:Folder>`;
}

function html(status: number, title: string): Answer {
  return { status, xml: `<html><head><title>${status} ${title}</title></head><body><h1>${title}</h1></body></html>`, code: `HTTP${status}` };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
