/**
 * The IMAP destination against a real Dovecot started for these tests, with passwords in the real
 * OS keychain (Secret Service, started by `npm test`).
 */
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapFlow } from 'imapflow';
import { startDovecot, type DovecotServer } from '../services/dovecot';
import { ImapDestination, imapSecretRef, testImapConnection, type ImapSettings } from '../../main/engine/destinations/imap/imap-destination';
import { KeychainSecretStore } from '../../main/engine/secrets/secret-store';
import { openStore, type Db } from '../../main/engine/store/db';
import { executeRun } from '../../main/engine/runs/run';
import { Ledger } from '../../main/engine/store/ledger';
import { convertItem } from '../../main/engine/convert/convert';
import { syntheticSource } from '../helpers/synthetic-source';
import { toMailboxes } from '../helpers/routers';
import { tempDir } from '../helpers/engine';

const USERS = { 'ann@contoso.com': 'ann-pw', 'bob@contoso.com': 'bob-pw' };
let dovecot: DovecotServer;
const secrets = new KeychainSecretStore(`Ferry-test-${randomUUID()}`);

const settings = (over: Partial<ImapSettings> = {}): ImapSettings => ({ kind: 'imap', host: '127.0.0.1', port: dovecot.port, security: 'none', auth: 'per-mailbox', ...over });

async function client(user: string): Promise<ImapFlow> {
  const c = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, doSTARTTLS: false, auth: { user, pass: USERS[user as keyof typeof USERS] }, logger: false });
  await c.connect();
  return c;
}

/** Messages in a folder: Message-ID, internal date, flags. */
async function folderContents(user: string, folder: string) {
  const c = await client(user);
  try {
    const lock = await c.getMailboxLock(folder);
    try {
      const out: { messageId: string; internalDate: string; flags: string[] }[] = [];
      for await (const m of c.fetch('1:*', { envelope: true, internalDate: true, flags: true })) {
        out.push({ messageId: m.envelope!.messageId!, internalDate: new Date(m.internalDate!).toISOString(), flags: [...m.flags!] });
      }
      return out;
    } finally { lock.release(); }
  } finally { await c.logout(); }
}

beforeAll(async () => {
  dovecot = await startDovecot(USERS);
  for (const [u, p] of Object.entries(USERS)) await secrets.set(imapSecretRef(settings(), u), p);
  await secrets.set(imapSecretRef(settings({ auth: 'master', masterUser: 'ferry-admin' }), ''), 'master-pw');
});

afterAll(async () => {
  for (const u of Object.keys(USERS)) await secrets.delete(imapSecretRef(settings(), u));
  await secrets.delete(imapSecretRef(settings({ auth: 'master', masterUser: 'ferry-admin' }), ''));
  await dovecot?.stop();
});

function store(): Db { return openStore(tempDir()); }

describe('IMAP destination (real Dovecot)', () => {
  it('appends a copy per mailbox into the folder per source, with the item date as internal date, seen; a rerun stores nothing twice', async () => {
    const db = store();
    const run = () => executeRun(db, { kind: 'synthetic', source: syntheticSource({ count: 12, attachEvery: 5 }), settings: { path: 'x' }, mode: 'import',
      destination: new ImapDestination(settings(), secrets), router: toMailboxes(['ann@contoso.com', 'bob@contoso.com']), folder: 'Synth Archive' });
    const r = await run();
    expect(r.status).toBe('completed');
    expect(r.counts).toMatchObject({ available: 12, imported: 12, failed: 0 });
    const ann = await folderContents('ann@contoso.com', 'Synth Archive');
    const bob = await folderContents('bob@contoso.com', 'Synth Archive');
    expect(ann).toHaveLength(12);
    expect(bob).toHaveLength(12);
    expect(ann[3]!.internalDate).toBe(new Date(Date.UTC(2024, 0, 1) + 3 * 60_000).toISOString());
    expect(ann.every((m) => m.flags.includes('\\Seen'))).toBe(true);
    // The destination's id for each copy is recorded against the item.
    const d = new Ledger(db).forItem(r.runId, 0);
    expect(d.map((x) => x.mailbox).sort()).toEqual(['ann@contoso.com', 'bob@contoso.com']);
    expect(d.every((x) => /^\d+:\d+$/.test(x.remoteId ?? ''))).toBe(true);

    const again = await run();
    expect(again.counts).toMatchObject({ available: 12, imported: 0, duplicate: 12 });
    expect(await folderContents('ann@contoso.com', 'Synth Archive')).toHaveLength(12);
    db.close();
  });

  it('settles a send left pending by a crash by looking it up, without a second copy', async () => {
    const db = store();
    const src = syntheticSource({ count: 3 });
    const items = [];
    for await (const it of src.read({ path: 'x' }, {})) items.push(it);
    // Simulate a crash after the APPEND of item 0 reached the server but before the ledger said so.
    const dest = new ImapDestination(settings(), secrets);
    const m0 = await convertItem(items[0] as never);
    await dest.deliver(m0, { mailbox: 'bob@contoso.com', folder: 'Crash Test' });
    await dest.close();
    // The crashed run is an earlier one (run 999): for this run the settled copy is a duplicate.
    new Ledger(db).markPending({ destination: dest.key, mailbox: 'bob@contoso.com', messageId: m0.messageId }, 'Crash Test', 999, 0);

    const r = await executeRun(db, { kind: 'synthetic', source: src, settings: { path: 'x' }, mode: 'import',
      destination: new ImapDestination(settings(), secrets), router: toMailboxes(['bob@contoso.com']), folder: 'Crash Test' });
    expect(r.counts).toMatchObject({ available: 3, imported: 2, duplicate: 1 });
    const got = await folderContents('bob@contoso.com', 'Crash Test');
    expect(got.map((m) => m.messageId).sort()).toEqual([...new Set(got.map((m) => m.messageId))].sort());
    expect(got).toHaveLength(3);
    db.close();
  });

  it('recovers from a connection dropped after the server stored the message, without duplicating it', async () => {
    // A proxy that swallows the first APPEND's tagged OK and drops the connection: the outcome is uncertain.
    let dropped = 0;
    const proxy = net.createServer((c) => {
      const s = net.connect(dovecot.port, '127.0.0.1');
      c.pipe(s);
      s.on('data', (b: Buffer) => {
        if (dropped === 0 && /OK \[APPENDUID/.test(b.toString())) { dropped++; c.destroy(); s.destroy(); return; }
        c.write(b);
      });
      c.on('error', () => s.destroy()); s.on('error', () => c.destroy());
      c.on('close', () => s.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const port = (proxy.address() as net.AddressInfo).port;
    try {
      const db = store();
      const dest = new ImapDestination({ ...settings(), port }, secrets);
      // The ledger key names the real server, so the keychain entry for this proxy port must exist too.
      const r = await executeRun(db, { kind: 'synthetic', source: syntheticSource({ count: 4 }), settings: { path: 'x' }, mode: 'import',
        destination: dest, router: toMailboxes(['ann@contoso.com']), folder: 'Drop Test' });
      expect(dropped).toBe(1);
      expect(r.counts).toMatchObject({ available: 4, imported: 4, failed: 0 });
      const got = await folderContents('ann@contoso.com', 'Drop Test');
      expect(got).toHaveLength(4);
      expect(new Set(got.map((m) => m.messageId)).size).toBe(4);
      db.close();
    } finally {
      proxy.close();
    }
  });

  it('logs in as any mailbox with a master user', async () => {
    const db = store();
    const r = await executeRun(db, { kind: 'synthetic', source: syntheticSource({ count: 2 }), settings: { path: 'x' }, mode: 'import',
      destination: new ImapDestination(settings({ auth: 'master', masterUser: 'ferry-admin' }), secrets), router: toMailboxes(['bob@contoso.com']), folder: 'Master Test' });
    expect(r.counts).toMatchObject({ imported: 2 });
    expect(await folderContents('bob@contoso.com', 'Master Test')).toHaveLength(2);
    db.close();
  });

  it('stops the run with an auth error an admin understands when the password is wrong, and keeps it resumable', async () => {
    const db = store();
    const wrong = new KeychainSecretStore(`Ferry-test-${randomUUID()}`);
    await wrong.set(imapSecretRef(settings(), 'ann@contoso.com'), 'not-the-password');
    const r = await executeRun(db, { kind: 'synthetic', source: syntheticSource({ count: 5 }), settings: { path: 'x' }, mode: 'import',
      destination: new ImapDestination(settings(), wrong), router: toMailboxes(['ann@contoso.com']) });
    await wrong.delete(imapSecretRef(settings(), 'ann@contoso.com'));
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/the server refused the login as ann@contoso\.com; check the password stored in the keychain entry "imap:127\.0\.0\.1:ann@contoso\.com"/);
    expect(r.error).not.toContain('not-the-password');
    expect(r.counts.available).toBe(0);
    db.close();
  });

  it('tests a connection in an admin’s words', async () => {
    const checks = await testImapConnection(settings(), secrets, ['ann@contoso.com', 'nobody@contoso.com']);
    expect(checks).toContainEqual({ check: 'login ann@contoso.com', ok: true, message: `signed in to 127.0.0.1 as ann@contoso.com` });
    expect(checks).toContainEqual(expect.objectContaining({ check: 'UIDPLUS ann@contoso.com', ok: true }));
    expect(checks).toContainEqual({ check: 'login nobody@contoso.com', ok: false, message: expect.stringMatching(/The IMAP password for nobody@contoso\.com is not set/) });
  });
});
