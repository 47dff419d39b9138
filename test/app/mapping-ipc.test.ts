/**
 * The Mapping, Unmapped and Settings channels over the real mapping engine, through the same
 * dispatch the app uses: CSV check with per-row errors, lookups, versioned saves, app-wide settings,
 * and the unmapped queue (add a row in place, see where items go, re-import once).
 */
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FerryEvent } from '../../preload/contract';
import { FerryService } from '../../main/ipc/service';
import type { SecretStore } from '../../main/engine/secrets/secret-store';
import { repoRoot } from '../helpers/fixtures';
import { tempDir } from '../helpers/engine';
import { TestHost } from './helpers/host';

const noSecrets: SecretStore = { get: async () => null, set: async () => {}, delete: async () => false, has: async () => false };
const services: FerryService[] = [];
afterEach(async () => { for (const s of services.splice(0)) await s.close(); });

function open() {
  const dir = tempDir('ferry-mapping-ipc-');
  const events: FerryEvent[] = [];
  const svc = FerryService.open({ dataDir: path.join(dir, 'data'), secrets: noSecrets, host: new TestHost(dir), emit: (e) => events.push(e), scheduleEveryMs: null });
  services.push(svc);
  return { svc, events };
}

const ok = <T>(r: { ok: boolean; value?: unknown; error?: unknown }): T => {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value as T;
};

const CSV = 'External User ID;Mailbox\r\n@northwind_lee;lee.north@contoso.com\r\n"+44 7911 123456";ann@contoso.com\r\n@fabrikam_pat;not-an-address\r\n';

async function twitterConnector(svc: FerryService): Promise<number> {
  return ok<{ id: number }>(await svc.invoke('connectors.save', { connector: {
    name: 'X', kind: 'twitter-archive', source: { path: path.join(repoRoot, 'assets', 'samples', 'twitter-archive') },
    destination: { kind: 'archive', settings: {} }, schedule: { enabled: false, everyHours: 24 }, dailyCap: 1000,
  } })).id;
}

describe('mapping channels', () => {
  it('checks a CSV into rows and per-row errors, looks ids up, and saves versions per connector', async () => {
    const { svc } = open();
    const id = await twitterConnector(svc);
    const check = ok<{ rows: { line: number; error: string | null; normalized: string | null }[]; loaded: number; errors: number; delimiter: string }>(
      await svc.invoke('mapping.check', { fileName: 'map.csv', csv: CSV }));
    expect(check).toMatchObject({ loaded: 2, errors: 1, delimiter: ';' });
    expect(check.rows.map((r) => r.line)).toEqual([2, 3, 4]);
    expect(check.rows[1]).toMatchObject({ normalized: 'phone:+447911123456', error: null });
    expect(check.rows[2]!.error).toMatch(/not-an-address/);

    // Unsaved rows answer lookups; the saved mapping does too, then.
    expect(await svc.invoke('mapping.lookup', { connectorId: id, csv: CSV, id: '07911 123456' })).toMatchObject({ ok: false, error: { class: 'config', message: expect.stringMatching(/no default region is set/) } });
    expect(ok(await svc.invoke('mapping.lookup', { connectorId: id, csv: CSV, id: '+44 (0)7911 123456' }))).toMatchObject({ mailbox: 'ann@contoso.com', via: 'mapping', line: 3 });
    expect(ok(await svc.invoke('mapping.lookup', { connectorId: id, id: '@northwind_lee' }))).toMatchObject({ mailbox: null, via: 'none' });
    const saved = ok<{ version: number; rows: number }>(await svc.invoke('mapping.save', { connectorId: id, fileName: 'map.csv', csv: CSV }));
    expect(saved.rows).toBe(2);
    expect(ok(await svc.invoke('mapping.lookup', { connectorId: id, id: '@NorthWind_Lee' }))).toMatchObject({ mailbox: 'lee.north@contoso.com', normalized: 'handle:northwind_lee' });
    // The same file again reuses its version.
    expect(ok<{ version: number }>(await svc.invoke('mapping.save', { connectorId: id, fileName: 'map.csv', csv: CSV })).version).toBe(saved.version);
    expect(ok(await svc.invoke('mapping.current', { connectorId: id }))).toMatchObject({ set: { version: saved.version, rows: 2 }, rows: [{ line: 2 }, { line: 3 }] });
    // A file with no usable row is refused, saving nothing.
    expect(await svc.invoke('mapping.save', { connectorId: id, fileName: 'bad.csv', csv: 'id,mailbox\r\nx,not-an-address\r\n' })).toMatchObject({ ok: false, error: { class: 'config' } });
    expect(await svc.invoke('mapping.save', { connectorId: 99, fileName: 'map.csv', csv: CSV })).toMatchObject({ ok: false, error: { class: 'config', message: 'connector 99 does not exist' } });
  });

  it('keeps the app-wide settings valid, all or nothing', async () => {
    const { svc } = open();
    expect(ok(await svc.invoke('settings.get', {}))).toMatchObject({ orgDomains: [], catchAll: null, requireSenderMapping: false, defaultDestination: { kind: 'archive' } });
    const base = { orgDomains: ['contoso.com'], catchAll: 'archive@contoso.com', defaultRegion: 'GB', requireSenderMapping: false, defaultDestination: { kind: 'archive', settings: {} } };
    expect(await svc.invoke('settings.save', { settings: { ...base, catchAll: 'nobody' } })).toMatchObject({ ok: false, error: { class: 'invalid', message: expect.stringMatching(/catchAll: not an email address/) } });
    expect(await svc.invoke('settings.save', { settings: { ...base, orgDomains: ['not a domain'] } })).toMatchObject({ ok: false, error: { class: 'invalid' } });
    expect(await svc.invoke('settings.save', { settings: { ...base, defaultRegion: 'XX' } })).toMatchObject({ ok: false, error: { class: 'config', message: expect.stringMatching(/region/) } });
    expect(await svc.invoke('settings.save', { settings: { ...base, defaultDestination: { kind: 'carrier-pigeon', settings: {} } } })).toMatchObject({ ok: false, error: { class: 'config' } });
    // None of the refused saves changed anything.
    expect(ok(await svc.invoke('settings.get', {}))).toMatchObject({ orgDomains: [], catchAll: null });
    expect(ok(await svc.invoke('settings.save', { settings: { ...base, orgDomains: ['Contoso.com', 'fabrikam.com'] } }))).toMatchObject({ orgDomains: ['contoso.com', 'fabrikam.com'], catchAll: 'archive@contoso.com', defaultRegion: 'GB' });
  });
});

describe('unmapped channels', () => {
  it('lists who mapped to nobody, maps one in place, shows where the items go now, and re-imports them once', async () => {
    const { svc } = open();
    ok(await svc.invoke('settings.save', { settings: { orgDomains: ['fabrikam.com'], catchAll: 'archive@contoso.com', defaultRegion: null, requireSenderMapping: false, defaultDestination: { kind: 'archive', settings: {} } } }));
    const id = await twitterConnector(svc);
    ok(await svc.invoke('mapping.save', { connectorId: id, fileName: 'map.csv', csv: CSV }));
    ok(await svc.invoke('runs.start', { connectorId: id, mode: 'import' }));
    await svc.runs.idle();

    const before = ok<{ key: string; id: string; items: number; wouldGoTo: string[] }[]>(await svc.invoke('unmapped.list', { connectorId: id }));
    const account = before.find((w) => w.id === 'contoso_support');
    expect(account).toMatchObject({ wouldGoTo: [] });
    expect(account!.items).toBeGreaterThan(3);
    const itemsBefore = ok<{ targets: { mailbox: string; newCopy: boolean }[] }[]>(await svc.invoke('unmapped.items', { key: account!.key, connectorId: id }));
    expect(itemsBefore.length).toBe(account!.items);
    // Nobody's mailbox yet (their copies are in the catch-all).
    for (const it of itemsBefore) expect(it.targets).toEqual([]);

    const v = ok<{ version: number; rows: number }>(await svc.invoke('unmapped.addMapping', { connectorId: id, externalId: '@contoso_support', mailbox: 'support@contoso.com' }));
    expect(v.rows).toBe(3);
    const after = ok<{ id: string; wouldGoTo: string[] }[]>(await svc.invoke('unmapped.list', { connectorId: id }));
    expect(after.find((w) => w.id === 'contoso_support')?.wouldGoTo).toEqual(['support@contoso.com']);
    const itemsAfter = ok<{ targets: { mailbox: string; newCopy: boolean }[] }[]>(await svc.invoke('unmapped.items', { key: account!.key, connectorId: id }));
    for (const it of itemsAfter) expect(it.targets).toContainEqual({ mailbox: 'support@contoso.com', newCopy: true });

    const re = ok<{ runs: { counts: { imported: number; duplicate: number } }[]; selected: number }>(await svc.invoke('unmapped.reimport', { connectorId: id, keys: [account!.key] }));
    expect(re.selected).toBe(account!.items);
    expect(re.runs.reduce((n, r) => n + r.counts.imported, 0)).toBe(account!.items);
    const again = ok<{ runs: unknown[]; selected: number }>(await svc.invoke('unmapped.reimport', { connectorId: id, keys: [account!.key] }));
    expect(again).toMatchObject({ runs: [], selected: 0 });
    const db = svc.engine.db;
    expect((db.prepare("SELECT COUNT(*) AS n FROM archive_copies WHERE mailbox = 'support@contoso.com'").get() as { n: number }).n).toBe(account!.items);
    expect(db.prepare('SELECT message, mailbox, COUNT(*) AS n FROM archive_copies GROUP BY message, mailbox HAVING n > 1').all()).toEqual([]);
    // The history lists the re-import as such.
    const runs = ok<{ reimport: boolean }[]>(await svc.invoke('runs.list', {}));
    expect(runs.filter((r) => r.reimport)).toHaveLength(1);
  });
});
