/**
 * Any IMAP server (Gmail/Google Workspace, Dovecot, other archives): each message is APPENDed with
 * the item's date as the internal date, flagged \Seen, into the folder per source (created when
 * missing). The folder name becomes a mailbox path of the server's hierarchy (folder-path.ts: its
 * separator and namespace prefix, read at login), so "Acme Inc." stays one folder. A send interrupted by
 * a dropped connection is looked up by Message-ID before it is sent again, so nothing is ever stored twice.
 */
import { ImapFlow } from 'imapflow';
import type { ConvertedMessage } from '../../convert/convert';
import { FerryError, classify } from '../../errors';
import type { SecretStore } from '../../secrets/secret-store';
import { requireSecret } from '../../secrets/secret-store';
import type { Delivered, DeliveryTarget, RemoteDestination } from '../types';
import { ancestorsOf, describeHierarchy, mailboxPath, type ServerHierarchy } from './folder-path';

export interface ImapSettings {
  kind: 'imap';
  host: string;
  port: number;
  /** `tls`: implicit TLS (993); `starttls`: upgrade on 143; `none`: plain text (loopback/testing only). */
  security: 'tls' | 'starttls' | 'none';
  /**
   * `per-mailbox`: log in as each mailbox with its own password (keychain entry `imap:<host>:<mailbox>`);
   * `master`: log in as any mailbox with one admin credential (Dovecot master users: `mailbox*admin`).
   */
  auth: 'per-mailbox' | 'master';
  masterUser?: string;
  masterSeparator?: string;
  /** Mailboxes written in parallel (one connection each). */
  concurrency?: number;
  /** Extra CA certificate (PEM) to trust, for servers with a private CA. */
  ca?: string;
  timeoutMs?: number;
  /**
   * Folder under which the folder per source is created, levels separated by "/" whatever the server's
   * separator ("Archive/Third-party"; "INBOX/Archive" under the inbox). Unset: at the top of the mailbox.
   */
  parentFolder?: string;
}

export const imapSecretRef = (s: Pick<ImapSettings, 'host' | 'auth' | 'masterUser'>, mailbox: string) =>
  s.auth === 'master' ? `imap:${s.host}:master:${s.masterUser ?? ''}` : `imap:${s.host}:${mailbox.toLowerCase()}`;

interface Conn {
  client: ImapFlow;
  /** Separator and personal namespace prefix, as this server reported them at login. */
  hierarchy: ServerHierarchy;
  /** Mailbox paths known to exist. */
  folders: Set<string>;
  /** One command sequence at a time per mailbox. */
  queue: Promise<unknown>;
}

const TRANSIENT_CODES = new Set(['NoConnection', 'EConnectionClosed', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT', 'ETIMEOUT', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETHROTTLE']);

export class ImapDestination implements RemoteDestination {
  readonly kind = 'imap';
  readonly transactional = false as const;
  readonly key: string;
  readonly label: string;
  readonly concurrency: number;
  private readonly conns = new Map<string, Promise<Conn>>();

  constructor(private readonly settings: ImapSettings, private readonly secrets: SecretStore) {
    if (!settings.host) throw new FerryError('config', 'the IMAP destination needs a host');
    if (settings.auth === 'master' && !settings.masterUser) throw new FerryError('config', 'IMAP master-user login needs the master user name');
    this.key = `imap:${settings.host}:${settings.port}`;
    this.label = `IMAP ${settings.host}:${settings.port}`;
    this.concurrency = Math.max(1, settings.concurrency ?? 4);
  }

  async open(): Promise<void> {}

  async close(): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    await Promise.all(all.map(async (p) => { try { await (await p).client.logout(); } catch { /* already closed */ } }));
  }

  private loginFor(mailbox: string): string {
    return this.settings.auth === 'master' ? `${mailbox}${this.settings.masterSeparator ?? '*'}${this.settings.masterUser}` : mailbox;
  }

  private classifyImap(err: unknown, mailbox: string): FerryError {
    if (err instanceof FerryError) return err;
    const e = err as { code?: string; authenticationFailed?: boolean; serverResponseCode?: string; responseText?: string; message?: string };
    const where = `IMAP ${this.settings.host}:${this.settings.port}, mailbox ${mailbox}`;
    if (e.authenticationFailed) {
      return new FerryError('auth', `${where}: the server refused the login as ${this.loginFor(mailbox)}; check the password stored in the keychain entry "${imapSecretRef(this.settings, mailbox)}"`);
    }
    if (e.serverResponseCode === 'OVERQUOTA') return new FerryError('transient', `${where}: the mailbox is over its quota (${e.responseText ?? 'OVERQUOTA'})`);
    if (e.serverResponseCode === 'TOOBIG' || /too (big|large)/i.test(e.responseText ?? '')) return new FerryError('data', `${where}: the server refused the message as too large (${e.responseText ?? ''})`);
    if ((e.code && TRANSIENT_CODES.has(e.code)) || classify(err).errorClass === 'transient') {
      return new FerryError('transient', `${where}: connection problem (${e.code ?? e.message ?? 'unknown'})`, { cause: err });
    }
    if (e.responseText) return new FerryError('data', `${where}: the server answered "${e.responseText}"`);
    return classify(err);
  }

  private connect(mailbox: string): Promise<Conn> {
    const key = mailbox.toLowerCase();
    let p = this.conns.get(key);
    if (!p) {
      p = (async () => {
        const pass = await requireSecret(this.secrets, imapSecretRef(this.settings, mailbox),
          this.settings.auth === 'master' ? `The IMAP master password for ${this.settings.masterUser}` : `The IMAP password for ${mailbox}`);
        const client = new ImapFlow({
          host: this.settings.host, port: this.settings.port, secure: this.settings.security === 'tls',
          doSTARTTLS: this.settings.security === 'starttls' ? true : this.settings.security === 'none' ? false : undefined,
          auth: { user: this.loginFor(mailbox), pass }, logger: false,
          connectionTimeout: this.settings.timeoutMs ?? 30_000, greetingTimeout: this.settings.timeoutMs ?? 30_000,
          socketTimeout: Math.max(60_000, this.settings.timeoutMs ?? 0),
          ...(this.settings.ca ? { tls: { ca: this.settings.ca } } : {}),
        });
        client.on('error', () => { this.conns.delete(key); });
        client.on('close', () => { this.conns.delete(key); });
        await client.connect();
        // imapflow asks NAMESPACE at login (LIST "" "" when the server lacks it).
        const ns = client.namespace;
        const hierarchy: ServerHierarchy = { prefix: ns?.prefix ?? '', delimiter: ns ? ns.delimiter : undefined };
        return { client, hierarchy, folders: new Set<string>(), queue: Promise.resolve() };
      })();
      p.catch(() => this.conns.delete(key));
      this.conns.set(key, p);
    }
    return p;
  }

  /** Runs `fn` on the mailbox's connection, one at a time, with errors classified. */
  async withConn<T>(mailbox: string, fn: (c: Conn) => Promise<T>): Promise<T> {
    let conn: Conn;
    try {
      conn = await this.connect(mailbox);
    } catch (err) {
      throw this.classifyImap(err, mailbox);
    }
    const run = conn.queue.then(() => fn(conn));
    conn.queue = run.catch(() => undefined);
    try {
      return await run;
    } catch (err) {
      const e = this.classifyImap(err, mailbox);
      if (e.errorClass === 'transient') {
        this.conns.delete(mailbox.toLowerCase());
        conn.client.close();
      }
      throw e;
    }
  }

  /** The server's mailbox path for a configured folder name: the same name always gives the same path. */
  private pathOf(c: Conn, folder: string): string {
    return mailboxPath(folder, c.hierarchy, this.settings.parentFolder);
  }

  /** Creates the mailbox and the levels above it (not every server creates them itself); existing ones are kept. */
  private async ensureFolder(c: Conn, path: string): Promise<void> {
    if (c.folders.has(path) || path === 'INBOX') return;
    for (const p of [...ancestorsOf(path, c.hierarchy), path]) {
      if (!c.folders.has(p)) await c.client.mailboxCreate(p);
      c.folders.add(p);
    }
  }

  private async lookup(c: Conn, messageId: string, path: string): Promise<Delivered | null> {
    let lock;
    try {
      lock = await c.client.getMailboxLock(path);
    } catch (err) {
      if ((err as { mailboxMissing?: boolean }).mailboxMissing || /nonexistent|doesn't exist|not exist/i.test((err as { responseText?: string }).responseText ?? '')) return null;
      throw err;
    }
    try {
      // IMAP header search matches substrings: search without the angle brackets, which some messages omit.
      const uids = await c.client.search({ header: { 'message-id': messageId.replace(/^<|>$/g, '') } }, { uid: true });
      if (!uids || !uids.length) return null;
      const status = c.client.mailbox;
      const validity = status && typeof status === 'object' ? String(status.uidValidity) : '';
      return { remoteId: `${validity}:${uids[0]}`, folder: status && typeof status === 'object' ? status.path : path };
    } finally {
      lock.release();
    }
  }

  async find(messageId: string, target: DeliveryTarget): Promise<Delivered | null> {
    return this.withConn(target.mailbox, async (c) => {
      const path = this.pathOf(c, target.folder);
      const found = await this.lookup(c, messageId, path);
      // imapflow prefixes a name outside the namespace itself: that name would lead to the same mailbox.
      const legacy = target.folder.startsWith(c.hierarchy.prefix) ? target.folder : c.hierarchy.prefix + target.folder;
      if (found || path === legacy || path === 'INBOX' || this.settings.parentFolder?.trim()) return found;
      // A send left pending by a version of Ferry that used the name as given (before folder-path.ts):
      // the server put it wherever that name led, so look there too rather than send a second copy.
      try {
        return await this.lookup(c, messageId, target.folder);
      } catch (err) {
        // The server refused that name ("Sales/EMEA" on a "." server): nothing can have been stored there.
        if ((err as { responseText?: string }).responseText !== undefined) return null;
        throw err;
      }
    });
  }

  async deliver(message: ConvertedMessage, target: DeliveryTarget, signal?: AbortSignal): Promise<Delivered> {
    if (!target.mailbox) throw new FerryError('config', 'an IMAP destination needs a mailbox for every item: set a mapping or a catch-all mailbox');
    let lastError: FerryError | undefined;
    for (let attempt = 0; attempt < 4; attempt++) {
      if (signal?.aborted) throw new FerryError('transient', 'cancelled');
      try {
        return await this.withConn(target.mailbox, async (c) => {
          const path = this.pathOf(c, target.folder);
          // After a dropped connection the APPEND may have landed: look before sending again.
          if (attempt > 0) {
            const found = await this.lookup(c, message.messageId, path);
            if (found) return found;
          }
          await this.ensureFolder(c, path);
          const res = await c.client.append(path, message.mime, ['\\Seen'], message.date);
          if (!res) throw new FerryError('data', `IMAP ${this.settings.host}: the server did not accept the message into ${path}`);
          return { remoteId: res.uid !== undefined ? `${res.uidValidity ?? ''}:${res.uid}` : `appended:${res.destination}`, folder: path };
        });
      } catch (err) {
        lastError = err instanceof FerryError ? err : this.classifyImap(err, target.mailbox);
        if (lastError.errorClass !== 'transient') throw lastError;
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt + Math.random() * 100));
      }
    }
    throw lastError!;
  }
}

export interface ConnectionCheck {
  check: string;
  ok: boolean;
  message: string;
}

/** `ferry destination test` for IMAP: log in as each mailbox and check what delivery needs. */
export async function testImapConnection(settings: ImapSettings, secrets: SecretStore, mailboxes: string[]): Promise<ConnectionCheck[]> {
  const dest = new ImapDestination(settings, secrets);
  const out: ConnectionCheck[] = [];
  try {
    for (const mailbox of mailboxes) {
      try {
        const { caps, hierarchy } = await dest.withConn(mailbox, async (c) => ({ caps: c.client.capabilities, hierarchy: c.hierarchy }));
        out.push({ check: `login ${mailbox}`, ok: true, message: `signed in to ${settings.host} as ${mailbox}` });
        out.push({ check: `UIDPLUS ${mailbox}`, ok: caps.has('UIDPLUS'), message: caps.has('UIDPLUS')
          ? 'the server reports the id of each appended message' : 'the server does not report appended message ids (UIDPLUS); delivery works, ids are not recorded' });
        out.push({ check: `folders ${mailbox}`, ...describeHierarchy(hierarchy, settings.parentFolder) });
      } catch (err) {
        out.push({ check: `login ${mailbox}`, ok: false, message: classify(err).message });
      }
    }
  } finally {
    await dest.close();
  }
  return out;
}
