/** Routing through the engine's front door (what the CLI and the desktop app call), over a real mbox source. */
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine';
import type { SecretStore } from '../../main/engine/secrets/secret-store';
import { migrate, migrations, schemaVersion } from '../../main/engine/store/migrations';
import { passThrough } from '../../main/engine/convert/pass-through';
import { messageIdFor } from '../../main/engine/convert/message-id';
import { restoreItem, storeItem, unwrapPassThrough } from '../../main/engine/mapping/stored-item';
import Database from 'better-sqlite3';
import { fixture } from '../helpers/fixtures';
import { tempDir } from '../helpers/engine';
import { chat, phone } from './helpers';

const MBOX = fixture('mapping', 'messages.mbox');
const noSecrets = {} as SecretStore; // the local archive never asks for one
const engines: Engine[] = [];
afterEach(() => { while (engines.length) engines.pop()!.close(); });
const open = () => { const e = Engine.open(tempDir(), noSecrets); engines.push(e); return e; };

describe('Engine.run with routing', () => {
  it('routes with the app-wide defaults, overridden per request, and records both with the run', async () => {
    const engine = open();
    engine.mapping.settings.saveRoutingDefaults({ orgDomains: ['contoso.com'], catchAll: 'third-party@contoso.com' });
    const r = await engine.run({ kind: 'mbox', settings: { path: MBOX }, mode: 'import' });
    expect(r.counts).toMatchObject({ available: 5, imported: 5, unmapped: 2 });
    expect(engine.mapping.recordedRouting(r.runId)).toMatchObject({ orgDomains: ['contoso.com'], catchAll: 'third-party@contoso.com', mappingSet: null });
    const p = await engine.run({ kind: 'mbox', settings: { path: MBOX }, mode: 'preview', routing: { catchAll: null, orgDomains: [] } });
    expect(p.counts).toMatchObject({ available: 5, unmapped: 5 });
    expect(engine.mapping.queue.counts()).toEqual({ open: 2, resolved: 0 });
  });

  it('resumes an unfinished import with the routing it began with, and starts a new run when asked to route differently', async () => {
    const engine = open();
    const first = await engine.run({ kind: 'mbox', settings: { path: MBOX }, mode: 'import', routing: { orgDomains: ['contoso.com'] } });
    // As if it had been cancelled after its last item.
    engine.db.prepare("UPDATE runs SET status = 'cancelled' WHERE id = ?").run(first.runId);
    const same = await engine.run({ kind: 'mbox', settings: { path: MBOX }, mode: 'import', routing: { orgDomains: ['contoso.com'] } });
    expect(same).toMatchObject({ runId: first.runId, resumed: true, status: 'completed' });
    engine.db.prepare("UPDATE runs SET status = 'cancelled' WHERE id = ?").run(first.runId);
    const other = await engine.run({ kind: 'mbox', settings: { path: MBOX }, mode: 'import', routing: { orgDomains: ['contoso.com'], catchAll: 'third-party@contoso.com' } });
    expect(other.runId).not.toBe(first.runId);
    // The new run only added the catch-all copies of the two unmapped items; everything else was already there.
    expect(other.counts).toMatchObject({ available: 5, imported: 2, duplicate: 3, unmapped: 2 });
  });

  it('resumes a cancelled re-import through Engine.resume', async () => {
    const engine = open();
    await engine.run({ kind: 'mbox', settings: { path: MBOX }, mode: 'import', routing: { orgDomains: [] } });
    expect(engine.mapping.queue.counts().open).toBe(5);
    engine.mapping.settings.saveRoutingDefaults({ orgDomains: ['contoso.com', 'fabrikam.example'] });
    const ac = new AbortController();
    const cut = await engine.mapping.reimport({ signal: ac.signal, batchSize: 1, progressIntervalMs: 0, onProgress: (p) => { if (p.done >= 1) ac.abort(); } });
    expect(cut.runs[0]!.status).toBe('cancelled');
    const resumed = await engine.resume(cut.runs[0]!.runId);
    expect(resumed).toMatchObject({ runId: cut.runs[0]!.runId, kind: 'unmapped-reimport', resumed: true, status: 'completed' });
    // Eve's message reaches Carl (fabrikam.example); every queued item maps now.
    expect(resumed.counts).toMatchObject({ available: 5, imported: 5, failed: 0 });
    expect(engine.mapping.queue.counts()).toEqual({ open: 0, resolved: 5 });
  });

  it('looks one identity up and saves a checked file from the app', () => {
    const engine = open();
    const check = engine.mapping.checkContents('Phone;Mailbox\n07911 123456;ann@contoso.com\n', { fileName: 'app.csv', defaultRegion: 'GB' });
    const { set } = engine.mapping.save(check, { label: 'from the Mapping screen' });
    expect(set).toMatchObject({ version: 1, label: 'from the Mapping screen', rows: 1, settings: { defaultRegion: 'GB' } });
    expect(engine.mapping.lookup({ id: '+44 7911 123456' })).toMatchObject({ key: 'phone:+447911123456', mailbox: 'ann@contoso.com', via: 'mapping', mappingVersion: 1 });
    expect(engine.mapping.lookup({ id: '+44 7911 123456', routing: { mappingSet: 'none' } }).mailbox).toBeNull();
    expect(() => engine.mapping.save({ ...check, rows: [] })).toThrow('app.csv: no usable mapping row; nothing saved');
    expect(() => engine.mapping.routingConfig({ mappingSet: 9 })).toThrow('mapping set version 9 does not exist');
  });
});

describe('mapping sets per connector', () => {
  it("use a connector's own newest set before the newest app-wide one", () => {
    const engine = open();
    const conn = Number(engine.db.prepare("INSERT INTO connectors (name, kind, created_at, updated_at) VALUES ('sms', 'mbox', 'now', 'now')").run().lastInsertRowid);
    const app = engine.mapping.save(engine.mapping.checkContents('id,mailbox\n@a,a@contoso.com\n', { fileName: 'app.csv' })).set.version;
    const own = engine.mapping.save(engine.mapping.checkContents('id,mailbox\n@a,b@contoso.com\n', { fileName: 'sms.csv' }), { connectorId: conn }).set.version;
    expect(engine.mapping.routingConfig({}, 'archive', conn).mappingSet).toBe(own);
    expect(engine.mapping.routingConfig({}, 'archive').mappingSet).toBe(app);
    expect(engine.mapping.routingConfig({}, 'archive', conn + 1).mappingSet).toBe(app);
    expect(engine.mapping.sets.list({ connectorId: conn }).map((s) => s.version)).toEqual([own]);
  });
});

describe('the stored form of a queued item', () => {
  it('gives back a pass-through message byte for byte, with or without a Message-ID of its own', () => {
    for (const raw of [
      Buffer.from('From: a@x.example\r\nTo: b@y.example\r\nSubject: hi\r\n\r\nbody\r\n'),
      Buffer.from('Message-ID: <own@x.example>\nFrom: a@x.example\n\nbody\n'),
    ]) {
      const fallbackId = messageIdFor('Mail', 'id-1');
      const converted = passThrough(raw, { messageClass: 'IPM.NOTE.Mail.Message', source: 'Mail', fallbackId });
      expect(unwrapPassThrough(converted.mime, 'Mail', 'id-1').equals(raw)).toBe(true);
      // Passing it through again gives the same message.
      expect(passThrough(unwrapPassThrough(converted.mime, 'Mail', 'id-1'), { messageClass: 'IPM.NOTE.Mail.Message', source: 'Mail', fallbackId }).mime.equals(converted.mime)).toBe(true);
    }
  });

  it('keeps an attachment left out for the size limit out again, saying why its content is missing', async () => {
    const item = chat('9', phone('+44 7911 123456'), [phone('+44 7911 654321')], '2024-05-01T09:00:00Z');
    item.attachments = [{ filename: 'big.bin', size: 20_000_000, read: async () => Buffer.alloc(1) }];
    const restored = await restoreItem(JSON.parse(JSON.stringify(storeItem(item, [{ filename: 'big.bin', size: 20_000_000 }]))), () => Buffer.from(''));
    expect(restored.attachments[0]!.size).toBe(20_000_000);
    await expect(restored.attachments[0]!.read()).rejects.toThrow('attachment big.bin (20000000 bytes) was left out of the first import for the size limit and its content was not kept');
  });
});

describe('migration 002', () => {
  it('adds the mapping tables and the routing column to runs', () => {
    const db = new Database(':memory:');
    migrate(db, 1);
    expect(migrate(db)).toBe(migrations.length);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(2);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['app_settings', 'mapping_sets', 'mapping_rows', 'unmapped_items', 'unmapped_identities', 'reimport_batches', 'reimport_batch_items']));
    expect((db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name)).toContain('routing');
    db.close();
  });
});
