/**
 * IMAP folder names that contain the server's hierarchy separator, against real Dovecot servers with a
 * "." separator (its maildir default, like Courier and Cyrus), a "/" separator (like Gmail and Exchange)
 * and a "." separator with personal folders under "INBOX." (like Courier). Each configured name must stay
 * ONE folder at the expected level, checked with a separate IMAP LIST, and a rerun must find the messages.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapFlow, type ListResponse } from 'imapflow';
import { startDovecot, type DovecotOptions, type DovecotServer } from '../services/dovecot';
import { ImapDestination, imapSecretRef, testImapConnection, type ImapSettings } from '../../main/engine/destinations/imap/imap-destination';
import { KeychainSecretStore } from '../../main/engine/secrets/secret-store';
import { openStore } from '../../main/engine/store/db';
import { executeRun } from '../../main/engine/runs/run';
import { Ledger } from '../../main/engine/store/ledger';
import { convertItem } from '../../main/engine/convert/convert';
import { syntheticSource } from '../helpers/synthetic-source';
import { toMailboxes } from '../helpers/routers';
import { tempDir } from '../helpers/engine';

const USERS = { 'ann@contoso.com': 'ann-pw', 'bob@contoso.com': 'bob-pw', 'cat@contoso.com': 'cat-pw', 'dan@contoso.com': 'dan-pw', 'eve@contoso.com': 'eve-pw', 'fay@contoso.com': 'fay-pw', 'gus@contoso.com': 'gus-pw', 'hal@contoso.com': 'hal-pw' };
type User = keyof typeof USERS;
const secrets = new KeychainSecretStore(`Ferry-test-${randomUUID()}`);
// The keychain entry names host and mailbox, not the port: one entry per user serves every server below.
const ref = (u: User) => imapSecretRef({ host: '127.0.0.1', auth: 'per-mailbox' }, u);

beforeAll(async () => { for (const [u, p] of Object.entries(USERS)) await secrets.set(ref(u as User), p); });
afterAll(async () => { for (const u of Object.keys(USERS)) await secrets.delete(ref(u as User)); });

interface ServerCase {
  title: string;
  options: DovecotOptions;
  sep: '.' | '/';
  prefix: string;
  /** What each configured name must be called on this server (the documented look-alikes). */
  mapped: Record<'Acme Inc.' | 'Chat v1.2' | 'Sales/EMEA', string>;
  /** What the connection test says about the hierarchy, without and with the parent setting. */
  told: [RegExp, RegExp];
  /** A parent-folder setting and the mailbox path of "Acme Inc." under it. */
  parent: { setting: string; path: string; ancestors: string[] };
}

const CASES: ServerCase[] = [
  {
    title: 'separator "." (Dovecot maildir default)', options: {}, sep: '.', prefix: '',
    mapped: { 'Acme Inc.': 'Acme Inc\u00B7', 'Chat v1.2': 'Chat v1\u00B72', 'Sales/EMEA': 'Sales\u2215EMEA' },
    told: [/^the server separates folder levels with "\."; folders per source go at the top of the mailbox; inside a folder name "\/" becomes "\u2215" and "\." becomes "\u00B7", so each name stays one folder$/,
      /folders per source go under "Archive\.Third-party v2\u00B70"/],
    parent: { setting: 'Archive/Third-party v2.0', path: 'Archive.Third-party v2\u00B70.Acme Inc\u00B7', ancestors: ['Archive', 'Archive.Third-party v2\u00B70'] },
  },
  {
    title: 'separator "/"', options: { separator: '/' }, sep: '/', prefix: '',
    mapped: { 'Acme Inc.': 'Acme Inc.', 'Chat v1.2': 'Chat v1.2', 'Sales/EMEA': 'Sales\u2215EMEA' },
    told: [/^the server separates folder levels with "\/"; folders per source go at the top of the mailbox; inside a folder name "\/" becomes "\u2215", so each name stays one folder$/,
      /folders per source go under "Archive\/Third-party v2\.0"/],
    parent: { setting: 'Archive/Third-party v2.0', path: 'Archive/Third-party v2.0/Acme Inc.', ancestors: ['Archive', 'Archive/Third-party v2.0'] },
  },
  {
    title: 'separator "." with personal folders under "INBOX."', options: { separator: '.', prefix: 'INBOX.' }, sep: '.', prefix: 'INBOX.',
    mapped: { 'Acme Inc.': 'Acme Inc\u00B7', 'Chat v1.2': 'Chat v1\u00B72', 'Sales/EMEA': 'Sales\u2215EMEA' },
    told: [/^the server separates folder levels with "\." \(personal folders under "INBOX\."\); folders per source go at the top of the mailbox;/,
      /folders per source go under "INBOX\.Archive"/],
    // "INBOX/" in the setting is the namespace itself here: not a second INBOX level.
    parent: { setting: 'INBOX/Archive', path: 'INBOX.Archive.Acme Inc\u00B7', ancestors: ['INBOX.Archive'] },
  },
];

describe.each(CASES)('IMAP folder names on a server with $title (real Dovecot)', (sc) => {
  let dovecot: DovecotServer;
  beforeAll(async () => { dovecot = await startDovecot(USERS, sc.options); });
  afterAll(async () => { await dovecot?.stop(); });

  const settings = (over: Partial<ImapSettings> = {}): ImapSettings => ({ kind: 'imap', host: '127.0.0.1', port: dovecot.port, security: 'none', auth: 'per-mailbox', ...over });

  async function client(user: User): Promise<ImapFlow> {
    const c = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, doSTARTTLS: false, auth: { user, pass: USERS[user] }, logger: false });
    await c.connect();
    return c;
  }

  /** A separate session's LIST of every mailbox of the user. */
  async function listAll(user: User): Promise<ListResponse[]> {
    const c = await client(user);
    try { return await c.list(); } finally { await c.logout(); }
  }

  async function messageIds(user: User, path: string): Promise<string[]> {
    const c = await client(user);
    try {
      const lock = await c.getMailboxLock(path);
      try {
        const out: string[] = [];
        for await (const m of c.fetch('1:*', { envelope: true })) out.push(m.envelope!.messageId!);
        return out;
      } finally { lock.release(); }
    } finally { await c.logout(); }
  }

  const topPath = (name: string) => sc.prefix + name;

  it('keeps "Acme Inc.", "Chat v1.2" and "Sales/EMEA" as one folder each at the top, holding the messages; a rerun adds no second copy', async () => {
    const user: User = 'ann@contoso.com';
    const dbs = new Map<string, ReturnType<typeof openStore>>();
    const run = (folder: string) => executeRun(dbs.get(folder)!, { kind: 'synthetic', source: syntheticSource({ count: 5 }), settings: { path: 'x' }, mode: 'import',
      destination: new ImapDestination(settings(), secrets), router: toMailboxes([user]), folder });

    for (const folder of Object.keys(sc.mapped)) {
      // One store per folder: the same synthetic items go into each folder of the same mailbox.
      dbs.set(folder, openStore(tempDir()));
      const r = await run(folder);
      expect(r.status, `${folder}: ${r.error ?? ''}`).toBe('completed');
      expect(r.counts).toMatchObject({ available: 5, imported: 5, failed: 0 });
      // The ledger records the server's real mailbox name.
      expect(new Ledger(dbs.get(folder)!).forItem(r.runId, 0).map((d) => d.folder)).toEqual([topPath(sc.mapped[folder as keyof ServerCase['mapped']])]);
    }

    const expectLayout = async () => {
      const all = await listAll(user);
      // Nothing but the inbox and one mailbox per configured name: no "Acme Inc" with an empty child, no "Sales" parent.
      expect(all.map((m) => m.path).sort()).toEqual(['INBOX', ...Object.values(sc.mapped).map(topPath)].sort());
      for (const name of Object.values(sc.mapped)) {
        const found = all.filter((m) => m.path === topPath(name));
        expect(found).toHaveLength(1);
        expect(found[0]!.name).toBe(name);
        expect(found[0]!.delimiter).toBe(sc.sep);
        expect(found[0]!.parent).toEqual(sc.prefix ? ['INBOX'] : []);
        const ids = await messageIds(user, topPath(name));
        expect(ids).toHaveLength(5);
        expect(new Set(ids).size).toBe(5);
      }
    };
    await expectLayout();

    for (const folder of Object.keys(sc.mapped)) {
      const again = await run(folder);
      expect(again.counts).toMatchObject({ available: 5, imported: 0, duplicate: 5, failed: 0 });
      dbs.get(folder)!.close();
    }
    await expectLayout();
  });

  it('settles a send left uncertain by a crash by looking it up by Message-ID in the mapped folder', async () => {
    const user: User = 'bob@contoso.com';
    const db = openStore(tempDir());
    const src = syntheticSource({ count: 3 });
    const items = [];
    for await (const it of src.read({ path: 'x' }, {})) items.push(it);
    // The APPEND of item 0 reached the server, then the process died before the ledger said so.
    const dest = new ImapDestination(settings(), secrets);
    const m0 = await convertItem(items[0] as never);
    await dest.deliver(m0, { mailbox: user, folder: 'Chat v1.2' });
    await dest.close();
    // The pending mark holds the configured name, as the run writes it before sending.
    new Ledger(db).markPending({ destination: dest.key, mailbox: user, messageId: m0.messageId }, 'Chat v1.2', 999, 0);

    const r = await executeRun(db, { kind: 'synthetic', source: src, settings: { path: 'x' }, mode: 'import',
      destination: new ImapDestination(settings(), secrets), router: toMailboxes([user]), folder: 'Chat v1.2' });
    expect(r.counts).toMatchObject({ available: 3, imported: 2, duplicate: 1, failed: 0 });
    const path = topPath(sc.mapped['Chat v1.2']);
    expect(new Ledger(db).forItem(999, 0)).toEqual([expect.objectContaining({ state: 'delivered', folder: path, remoteId: expect.stringMatching(/^\d+:\d+$/) })]);
    const ids = await messageIds(user, path);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    expect((await listAll(user)).map((m) => m.path).sort()).toEqual(['INBOX', path].sort());
    db.close();
  });

  /** How many copies of a message the user has, in every folder. */
  async function copiesEverywhere(user: User, messageId: string): Promise<{ path: string; count: number }[]> {
    const c = await client(user);
    try {
      const out: { path: string; count: number }[] = [];
      for (const m of await c.list()) {
        if (m.flags.has('\\Noselect') || m.flags.has('\\NonExistent')) continue;
        const lock = await c.getMailboxLock(m.path);
        try {
          const uids = await c.search({ header: { 'message-id': messageId.replace(/^<|>$/g, '') } }, { uid: true });
          if (uids && uids.length) out.push({ path: m.path, count: uids.length });
        } finally { lock.release(); }
      }
      return out;
    } finally { await c.logout(); }
  }

  // On a "." server the earlier version's "Acme Inc." was refused and "Chat v1.2" stored in "Chat v1" / "2";
  // on a "/" server "Sales/EMEA" stored in "Sales" / "EMEA".
  it.each([['Acme Inc.', 'fay@contoso.com'], ['Chat v1.2', 'gus@contoso.com'], ['Sales/EMEA', 'hal@contoso.com']] as const)(
    'settles a send to "%s" left pending by a version that used the name as given, without a second copy', async (folder, user) => {
      const db = openStore(tempDir());
      const src = syntheticSource({ count: 3 });
      const items = [];
      for await (const it of src.read({ path: 'x' }, {})) items.push(it);
      const m0 = await convertItem(items[0] as never);
      // What the earlier version did: CREATE and APPEND with the configured name, which the server may refuse.
      const c = await client(user);
      let stored = false;
      try {
        await c.mailboxCreate(folder);
        stored = !!(await c.append(folder, m0.mime, ['\\Seen'], m0.date));
      } catch (err) {
        expect((err as { responseText?: string }).responseText).toMatch(/Invalid mailbox name|Name must not have/i);
      } finally { await c.logout(); }
      const dest = new ImapDestination(settings(), secrets);
      new Ledger(db).markPending({ destination: dest.key, mailbox: user, messageId: m0.messageId }, folder, 999, 0);

      const r = await executeRun(db, { kind: 'synthetic', source: src, settings: { path: 'x' }, mode: 'import', destination: dest, router: toMailboxes([user]), folder });
      expect(r.status, r.error).toBe('completed');
      expect(r.counts).toMatchObject({ available: 3, imported: stored ? 2 : 3, duplicate: stored ? 1 : 0, failed: 0 });
      // Exactly one copy of the item in the whole mailbox, wherever it landed.
      const copies = await copiesEverywhere(user, m0.messageId);
      expect(copies.reduce((n, x) => n + x.count, 0)).toBe(1);
      if (stored) expect(new Ledger(db).forItem(999, 0)).toEqual([expect.objectContaining({ state: 'delivered', folder: copies[0]!.path })]);
      else expect(copies[0]!.path).toBe(topPath(sc.mapped[folder]));
      db.close();
    });

  it('creates the folder under a parent folder setting, keeping the parent path as levels', async () => {
    const user: User = 'cat@contoso.com';
    const db = openStore(tempDir());
    const run = () => executeRun(db, { kind: 'synthetic', source: syntheticSource({ count: 4 }), settings: { path: 'x' }, mode: 'import',
      destination: new ImapDestination(settings({ parentFolder: sc.parent.setting }), secrets), router: toMailboxes([user]), folder: 'Acme Inc.' });
    const r = await run();
    expect(r.status, r.error).toBe('completed');
    expect(r.counts).toMatchObject({ imported: 4 });
    const all = await listAll(user);
    expect(all.map((m) => m.path).sort()).toEqual(['INBOX', ...sc.parent.ancestors, sc.parent.path].sort());
    const leaf = all.find((m) => m.path === sc.parent.path)!;
    expect(leaf.name).toBe(sc.mapped['Acme Inc.']);
    expect(leaf.parentPath).toBe(sc.parent.ancestors.at(-1));
    // The levels above are real folders, not placeholders (every server shows them the same way).
    for (const a of sc.parent.ancestors) expect([...all.find((m) => m.path === a)!.flags]).not.toContain('\\NonExistent');
    expect(await messageIds(user, sc.parent.path)).toHaveLength(4);
    expect(new Ledger(db).forItem(r.runId, 0).map((d) => d.folder)).toEqual([sc.parent.path]);

    const again = await run();
    expect(again.counts).toMatchObject({ imported: 0, duplicate: 4 });
    expect(await messageIds(user, sc.parent.path)).toHaveLength(4);
    db.close();
  });

  it('puts the catch-all\'s "Inbox" into the INBOX itself, even with a parent folder set', async () => {
    const user: User = 'dan@contoso.com';
    const db = openStore(tempDir());
    const r = await executeRun(db, { kind: 'synthetic', source: syntheticSource({ count: 2 }), settings: { path: 'x' }, mode: 'import',
      destination: new ImapDestination(settings({ parentFolder: sc.parent.setting }), secrets), router: toMailboxes([user]), folder: 'Inbox' });
    expect(r.counts).toMatchObject({ imported: 2 });
    expect((await listAll(user)).map((m) => m.path)).toEqual(['INBOX']);
    expect(await messageIds(user, 'INBOX')).toHaveLength(2);
    db.close();
  });

  it('says in the connection test how the server names folders and where the folders per source go', async () => {
    for (const [i, over] of [{}, { parentFolder: sc.parent.setting }].entries()) {
      const checks = await testImapConnection(settings(over), secrets, ['ann@contoso.com']);
      expect(checks).toContainEqual({ check: 'folders ann@contoso.com', ok: true, message: expect.stringMatching(sc.told[i]!) });
    }
  });

  it('stops the run with a config error naming the folder when the name holds a control character', async () => {
    const user: User = 'eve@contoso.com';
    const db = openStore(tempDir());
    const r = await executeRun(db, { kind: 'synthetic', source: syntheticSource({ count: 2 }), settings: { path: 'x' }, mode: 'import',
      destination: new ImapDestination(settings(), secrets), router: toMailboxes([user]), folder: 'Acme\tInc.' });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/the IMAP folder "Acme\?Inc\." contains a control character \(U\+0009\) at position 5/);
    expect((await listAll(user)).map((m) => m.path)).toEqual(['INBOX']);
    db.close();
  });
});
