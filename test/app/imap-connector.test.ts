/**
 * A connector to a real IMAP server (Dovecot on loopback) whose sign-in lives in the real OS keychain
 * (Secret Service): the credential typed in the wizard goes to the keychain on "Test connection",
 * the run delivers with it, no reply ever carries it, and deleting the connector removes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import type { FerryEvent } from '../../preload/contract';
import { FerryService } from '../../main/ipc/service';
import { KeychainSecretStore } from '../../main/engine/secrets/secret-store';
import { type DovecotServer, startDovecot } from '../services/dovecot';
import { tempDir } from '../helpers/engine';
import { TestHost } from './helpers/host';
import { writeMbox } from './helpers/exports';

const USERS = { 'ann@contoso.com': 'pw-ann', 'archive@contoso.com': 'pw-archive' };
let dovecot: DovecotServer;

beforeAll(async () => { dovecot = await startDovecot(USERS); }, 60_000);
afterAll(async () => { await dovecot?.stop(); });

async function messagesIn(user: keyof typeof USERS, folder: string): Promise<string[]> {
  const c = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, doSTARTTLS: false, auth: { user, pass: USERS[user] }, logger: false });
  await c.connect();
  try {
    const lock = await c.getMailboxLock(folder);
    try {
      const out: string[] = [];
      for await (const m of c.fetch('1:*', { envelope: true })) out.push(m.envelope?.subject ?? '');
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await c.logout();
  }
}

describe('an IMAP connector', () => {
  it('keeps its sign-in in the keychain only, and delivers with it', async () => {
    expect(process.env.DBUS_SESSION_BUS_ADDRESS, 'run through `npm test`, which starts a Secret Service').toBeTruthy();
    const dir = tempDir('ferry-imap-connector-');
    const secrets = new KeychainSecretStore(`Ferry-test-${randomUUID()}`);
    const events: FerryEvent[] = [];
    const svc = FerryService.open({ dataDir: path.join(dir, 'data'), secrets, host: new TestHost(dir), emit: (e) => events.push(e), scheduleEveryMs: null });
    const replies: unknown[] = [];
    const call = async (c: string, p: unknown) => { const r = await svc.invoke(c, p); replies.push(r); return r; };
    try {
      await call('settings.save', { settings: { orgDomains: ['contoso.com'], catchAll: 'archive@contoso.com', defaultRegion: null, requireSenderMapping: false, defaultDestination: { kind: 'archive', settings: {} } } });
      const destinations = await call('destinations.list', {}) as { ok: true; value: { kind: string; settings: { key: string; type: string }[] }[] };
      const imapForm = destinations.value.find((d) => d.kind === 'imap');
      expect(imapForm?.settings.find((s) => s.key === 'password')?.type).toBe('secret');

      const connector = {
        name: 'Mail to Dovecot', kind: 'mbox', source: { path: writeMbox(dir, 3) },
        destination: { kind: 'imap', settings: { host: '127.0.0.1', port: dovecot.port, security: 'none', auth: 'master', masterUser: dovecot.master.user, masterSeparator: '*' } },
        schedule: { enabled: false, everyHours: 24 }, dailyCap: 100,
      };
      // A credential can never be part of the connector itself.
      const sneaky = await call('connectors.save', { connector: { ...connector, destination: { ...connector.destination, settings: { ...connector.destination.settings, password: dovecot.master.password } } } });
      expect(sneaky).toMatchObject({ ok: false, error: { class: 'config', message: expect.stringMatching(/is a credential: it is stored in the OS keychain/) } });

      // Before the password is known, the test says what is missing.
      const untested = await call('connectors.test', { connector }) as { ok: true; value: { ok: boolean; checks: { check: string; ok: boolean; message: string }[] } };
      expect(untested.value.ok).toBe(false);
      const ref = `imap:127.0.0.1:master:${dovecot.master.user}`;
      expect(untested.value.checks).toContainEqual(expect.objectContaining({ ok: false, message: expect.stringContaining(`not set: enter it in the connector's credentials (${ref})`) }));

      const tested = await call('connectors.test', { connector, credentials: { 'destination:password': dovecot.master.password } }) as { ok: true; value: { ok: boolean; checks: { check: string; ok: boolean }[] } };
      expect(tested.value.checks.filter((c) => !c.ok)).toEqual([]);
      expect(tested.value.checks.map((c) => c.check)).toContain('login archive@contoso.com');
      expect(await secrets.get(ref)).toBe(dovecot.master.password);

      const saved = await call('connectors.save', { connector }) as { ok: true; value: { id: number; destinationLabel: string; secrets: { ref: string; set: boolean }[] } };
      expect(saved.value.destinationLabel).toBe(`IMAP 127.0.0.1:${dovecot.port}`);
      expect(saved.value.secrets).toEqual([expect.objectContaining({ ref, set: true })]);

      await call('runs.start', { connectorId: saved.value.id, mode: 'import' });
      await svc.runs.idle();
      const finished = events.find((e): e is Extract<FerryEvent, { type: 'run-finished' }> => e.type === 'run-finished');
      expect(finished?.report).toMatchObject({ status: 'completed', counts: { imported: 3, failed: 0 } });
      // Ann (contoso.com) maps automatically; her mailbox has the three messages in the folder per source.
      expect((await messagesIn('ann@contoso.com', 'Mail Archive')).sort()).toEqual(['Weekly figures 0', 'Weekly figures 1', 'Weekly figures 2']);

      const deleted = await call('connectors.delete', { connectorId: saved.value.id, deleteCredentials: true });
      expect(deleted).toEqual({ ok: true, value: { deleted: true, credentialsDeleted: 1 } });
      expect(await secrets.get(ref)).toBeNull();

      for (const r of [...replies, ...events]) expect(JSON.stringify(r)).not.toContain(dovecot.master.password);
    } finally {
      await svc.close();
      await secrets.delete(`imap:127.0.0.1:master:${dovecot.master.user}`);
    }
  }, 120_000);
});
