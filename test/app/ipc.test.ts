/**
 * The IPC layer: requests validated against the contract (bad payloads and foreign senders refused),
 * replies shaped as Results with classified errors, and replies limited to what the contract declares.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { FerryEvent } from '../../preload/contract';
import { CHANNELS, channels } from '../../preload/contract';
import { FerryService } from '../../main/ipc/service';
import { type Handlers, dispatch } from '../../main/ipc/dispatch';
import { acceptInvoke, isTrustedSender } from '../../main/ipc/gate';
import { allowedExternalUrl } from '../../main/ipc/host';
import { KeychainSecretStore, type SecretStore } from '../../main/engine/secrets/secret-store';
import { tempDir } from '../helpers/engine';
import { TestHost } from './helpers/host';
import { writeMbox } from './helpers/exports';

/** An in-memory keychain for the tests that are not about the keychain (the keychain has its own tests). */
class MemorySecrets implements SecretStore {
  readonly map = new Map<string, string>();
  async get(ref: string) { return this.map.get(ref) ?? null; }
  async set(ref: string, v: string) { this.map.set(ref, v); }
  async delete(ref: string) { return this.map.delete(ref); }
  async has(ref: string) { return this.map.has(ref); }
}

const services: FerryService[] = [];
afterEach(async () => { for (const s of services.splice(0)) await s.close(); });

function service(secrets: SecretStore = new MemorySecrets()): { svc: FerryService; host: TestHost; events: FerryEvent[]; dir: string } {
  const dir = tempDir('ferry-ipc-');
  const host = new TestHost(path.join(dir, 'config'));
  const events: FerryEvent[] = [];
  const svc = FerryService.open({ dataDir: path.join(dir, 'data'), secrets, host, emit: (e) => events.push(e), scheduleEveryMs: null });
  services.push(svc);
  return { svc, host, events, dir };
}

const connectorInput = (p: string, extra: Record<string, unknown> = {}) => ({
  name: 'Mail', kind: 'mbox', source: { path: p }, destination: { kind: 'archive', settings: {} },
  schedule: { enabled: false, everyHours: 24 }, dailyCap: 200_000, ...extra,
});

describe('request validation', () => {
  it('refuses unknown channels and malformed payloads with an invalid Result naming the field', async () => {
    const { svc, dir } = service();
    const mbox = writeMbox(dir, 1);
    const bad: [string, unknown, RegExp][] = [
      ['fs.readFile', {}, /unknown channel/],
      ['__proto__', {}, /unknown channel/],
      ['connectors.list', null, /invalid request for connectors.list/],
      ['connectors.list', { sneaky: true }, /sneaky|Unrecognized key/i],
      ['connectors.get', { connectorId: '1' }, /connectorId/],
      ['connectors.get', { connectorId: -3 }, /connectorId/],
      ['connectors.get', { connectorId: 1.5 }, /connectorId/],
      ['connectors.save', { connector: { ...connectorInput(mbox), dailyCap: 0 } }, /connector\.dailyCap/],
      ['connectors.save', { connector: { ...connectorInput(mbox), name: '' } }, /connector\.name: a connector needs a name/],
      ['connectors.save', { connector: { ...connectorInput(mbox), extra: 1 } }, /extra|Unrecognized key/i],
      ['connectors.save', { connector: { ...connectorInput(mbox), source: { path: { $gt: 1 } } } }, /connector\.source\.path/],
      ['secrets.set', { ref: 'aws:anything', value: 'x' }, /ref: not a Ferry credential name/],
      ['secrets.set', { ref: 'connector:1:source:../../x', value: 'x' }, /ref: not a Ferry credential name/],
      ['secrets.set', { ref: 'connector:1:source:token', value: '' }, /the credential is empty/],
      ['secrets.set', { ref: 'connector:1:source:token', value: 'x'.repeat(20_000) }, /value/],
      ['runs.items', { runId: 1, offset: 0, limit: 100_000 }, /limit/],
      ['runs.items', { runId: 1, offset: 0, limit: 10, status: 'lost' }, /status/],
      ['shell.openExternal', { url: 'not a url' }, /url/],
      ['dialog.choosePath', { pathKind: 'file', extensions: ['../../etc'] }, /extensions/],
    ];
    for (const [channel, payload, message] of bad) {
      const r = await svc.invoke(channel, payload);
      expect(r, `${channel} ${JSON.stringify(payload).slice(0, 80)}`).toMatchObject({ ok: false, error: { class: 'invalid' } });
      if (!r.ok) expect(r.error.message).toMatch(message);
    }
    // nothing was created by any of them
    const list = await svc.invoke('connectors.list', {});
    expect(list).toEqual({ ok: true, value: [] });
  });

  it('gives every failure a class and a message, and every success its value', async () => {
    const { svc, dir } = service();
    expect(await svc.invoke('connectors.get', { connectorId: 42 })).toEqual({ ok: false, error: { class: 'config', message: 'connector 42 does not exist' } });
    expect(await svc.invoke('runs.report', { runId: 7 })).toEqual({ ok: false, error: { class: 'config', message: 'run 7 does not exist' } });
    const missing = await svc.invoke('connectors.save', { connector: connectorInput(path.join(dir, 'nope.mbox'), { kind: 'telepathy' }) });
    expect(missing).toMatchObject({ ok: false, error: { class: 'config', message: expect.stringMatching(/unknown source kind "telepathy"/) } });
    const ok = await svc.invoke('sources.list', {});
    expect(ok.ok).toBe(true);
    if (ok.ok) expect((ok.value as { kind: string }[]).map((s) => s.kind)).toContain('mbox');
  });

  it('tells the wizard the folder a connector would use when none is chosen', async () => {
    const { svc } = service();
    const map = (extra: Record<string, unknown>) => JSON.stringify({
      source: 'Symphony', event: 'Message', from: { column: 'From', kind: 'email' }, to: { column: 'To', kind: 'email' },
      date: { column: 'Sent', format: 'iso', timeZone: 'UTC' }, body: { column: 'Text' }, ...extra,
    });
    const folder = (kind: string, source: Record<string, string>) => svc.invoke('sources.defaultFolder', { kind, source });
    expect(await folder('twitter-archive', { path: '' })).toEqual({ ok: true, value: { folder: 'Twitter Archive' } });
    expect(await folder('custom-csv', { path: '/x.csv', fieldMap: map({ sourceName: 'Symphony Chat' }) })).toEqual({ ok: true, value: { folder: 'Symphony Chat' } });
    expect(await folder('custom-csv', { path: '/x.csv', fieldMap: map({}) })).toEqual({ ok: true, value: { folder: 'Custom Archive' } });
    // A field map still being typed is not an error here: the wizard shows the fallback.
    expect(await folder('custom-csv', { path: '/x.csv', fieldMap: '{"source": "Sym' })).toEqual({ ok: true, value: { folder: 'Custom Archive' } });
    expect(await folder('telepathy', { path: '' })).toMatchObject({ ok: false, error: { class: 'config' } });
  });

  it('declares a schema pair for every channel', () => {
    for (const c of CHANNELS) {
      expect(channels[c].request, c).toBeDefined();
      expect(channels[c].reply, c).toBeDefined();
    }
  });
});

describe('reply shaping', () => {
  it('drops any field a handler returns that the contract does not declare', async () => {
    const handlers = { 'secrets.status': async () => [{ ref: 'connector:1:source:token', set: true, value: 'hunter2' }] } as unknown as Handlers;
    const r = await dispatch(handlers, 'secrets.status', { refs: ['connector:1:source:token'] });
    expect(r).toEqual({ ok: true, value: [{ ref: 'connector:1:source:token', set: true }] });
    expect(JSON.stringify(r)).not.toContain('hunter2');
  });

  it('turns a reply that breaks the contract into a system error instead of passing it on', async () => {
    const handlers = { 'secrets.delete': async () => ({ ref: 5 }) } as unknown as Handlers;
    const r = await dispatch(handlers, 'secrets.delete', { ref: 'connector:1:source:token' });
    expect(r).toMatchObject({ ok: false, error: { class: 'system', message: expect.stringMatching(/reply of secrets.delete does not match the contract/) } });
  });
});

describe('the sender gate', () => {
  const page = { url: 'file:///opt/Ferry/resources/app.asar/dist/renderer/index.html', webContentsId: 1 };
  const ok = { url: `${page.url}#/history`, isMainFrame: true, webContentsId: 1 };

  it("accepts only the app's own page in its own window's top frame", () => {
    expect(isTrustedSender(ok, page)).toBe(true);
    expect(isTrustedSender({ ...ok, url: 'https://evil.example/index.html' }, page)).toBe(false);
    expect(isTrustedSender({ ...ok, url: 'file:///tmp/evil/index.html' }, page)).toBe(false);
    expect(isTrustedSender({ ...ok, url: 'about:srcdoc' }, page)).toBe(false);
    expect(isTrustedSender({ ...ok, isMainFrame: false }, page)).toBe(false);
    expect(isTrustedSender({ ...ok, webContentsId: 2 }, page)).toBe(false);
    expect(isTrustedSender({ ...ok, url: null }, page)).toBe(false);
    expect(isTrustedSender(null, page)).toBe(false);
  });

  it('refuses foreign senders before looking at the payload, and validates the rest', () => {
    const foreign = acceptInvoke({ ...ok, url: 'https://evil.example/' }, page, 'secrets.set', { ref: 'connector:1:source:token', value: 'x' });
    expect(foreign).toMatchObject({ ok: false, error: { class: 'forbidden', message: expect.stringMatching(/refused a message from https:\/\/evil.example/) } });
    const frame = acceptInvoke({ ...ok, isMainFrame: false }, page, 'connectors.list', {});
    expect(frame).toMatchObject({ ok: false, error: { class: 'forbidden', message: expect.stringMatching(/sub-frame/) } });
    expect(acceptInvoke(ok, page, 'connectors.list', { x: 1 })).toMatchObject({ ok: false, error: { class: 'invalid' } });
    expect(acceptInvoke(ok, page, 'connectors.list', {})).toEqual({ ok: true, value: { channel: 'connectors.list', request: {} } });
  });

  it('opens only https links to allow-listed hosts', async () => {
    expect(allowedExternalUrl('https://learn.microsoft.com/en-us/purview/archive-third-party-data')).toBe(true);
    expect(allowedExternalUrl('https://myteam.slack.com/services/export')).toBe(true);
    expect(allowedExternalUrl('http://learn.microsoft.com/')).toBe(false);
    expect(allowedExternalUrl('https://learn.microsoft.com.evil.example/')).toBe(false);
    expect(allowedExternalUrl('https://user:pw@learn.microsoft.com/')).toBe(false);
    expect(allowedExternalUrl('file:///etc/passwd')).toBe(false);
    expect(allowedExternalUrl('javascript:alert(1)')).toBe(false);
    const { svc, host } = service();
    expect(await svc.invoke('shell.openExternal', { url: 'https://evil.example/' })).toEqual({ ok: true, value: { opened: false } });
    expect(await svc.invoke('shell.openExternal', { url: 'https://learn.microsoft.com/x' })).toEqual({ ok: true, value: { opened: true } });
    expect(host.opened).toEqual(['https://learn.microsoft.com/x']);
  });
});

describe('connectors, runs and history through the handlers', () => {
  it('saves, runs, reports and exports the log; events carry progress and the report', async () => {
    const { svc, host, events, dir } = service();
    const mbox = writeMbox(dir, 7);
    const saved = await svc.invoke('connectors.save', { connector: connectorInput(mbox) });
    expect(saved).toMatchObject({ ok: true, value: { name: 'Mail', status: 'idle', lastRun: null, nextRunAt: null, sourceTitle: expect.any(String) } });
    const id = (saved as { value: { id: number } }).value.id;
    expect(events).toContainEqual({ type: 'connectors-changed' });

    const test = await svc.invoke('connectors.test', { connector: { ...connectorInput(mbox), id } });
    expect(test).toMatchObject({ ok: true, value: { ok: true } });
    const badTest = await svc.invoke('connectors.test', { connector: connectorInput(path.join(dir, 'missing.mbox')) });
    expect(badTest).toMatchObject({ ok: true, value: { ok: false } });

    const started = await svc.invoke('runs.start', { connectorId: id, mode: 'import' });
    expect(started).toMatchObject({ ok: true, value: { connectorId: id, mode: 'import', trigger: 'manual' } });
    expect(await svc.invoke('runs.start', { connectorId: id, mode: 'import' })).toMatchObject({ ok: false, error: { class: 'config', message: expect.stringMatching(/already running/) } });
    await svc.runs.idle();
    const finished = events.find((e): e is Extract<FerryEvent, { type: 'run-finished' }> => e.type === 'run-finished');
    expect(finished?.report.counts).toMatchObject({ available: 7, imported: 7, failed: 0 });
    expect(events.some((e) => e.type === 'run-progress')).toBe(true);

    const view = await svc.invoke('connectors.get', { connectorId: id });
    expect(view).toMatchObject({ ok: true, value: { status: 'ok', lastRun: { counts: { imported: 7 } }, processedToday: 7 } });

    const history = await svc.invoke('runs.list', {});
    expect(history).toMatchObject({ ok: true, value: [{ connectorName: 'Mail', status: 'completed', deferred: false, counts: { imported: 7 } }] });
    const runId = finished!.report.runId;
    const items = await svc.invoke('runs.items', { runId, offset: 2, limit: 3 });
    expect(items).toMatchObject({ ok: true, value: { total: 7, items: [{ seq: 2, mailboxes: ['(unassigned)'] }, { seq: 3 }, { seq: 4 }] } });
    const searched = await svc.invoke('runs.items', { runId, offset: 0, limit: 50, search: 'figures 5' });
    expect(searched).toMatchObject({ ok: true, value: { total: 1, items: [{ subject: 'Weekly figures 5' }] } });
    const percent = await svc.invoke('runs.items', { runId, offset: 0, limit: 50, search: '%' });
    expect(percent).toMatchObject({ ok: true, value: { total: 0 } });

    // Export: the admin cancels the dialog, then picks a file.
    expect(await svc.invoke('runs.exportLog', { runId })).toEqual({ ok: true, value: { saved: false, path: null, rows: 0 } });
    host.nextSavePath = path.join(dir, 'log.csv');
    const exported = await svc.invoke('runs.exportLog', { runId, status: 'imported' });
    expect(exported).toEqual({ ok: true, value: { saved: true, path: path.join(dir, 'log.csv'), rows: 7 } });
    const csv = fs.readFileSync(path.join(dir, 'log.csv'), 'utf8');
    expect(csv.startsWith('\uFEFFrun,seq,status,reason,item_id,message_id,subject')).toBe(true);
    expect(csv.trim().split('\r\n')).toHaveLength(8);
    expect(csv).toContain('Weekly figures 6');

    // Preview pages continue where the last one stopped, and the raw MIME is there.
    const p1 = await svc.invoke('preview.page', { connectorId: id, offset: 0, limit: 4 });
    const p2 = await svc.invoke('preview.page', { connectorId: id, offset: 4, limit: 4 });
    expect(p1).toMatchObject({ ok: true, value: { end: false } });
    expect(p2).toMatchObject({ ok: true, value: { end: true } });
    const seqs = [...(p1 as { value: { entries: { seq: number }[] } }).value.entries, ...(p2 as { value: { entries: { seq: number }[] } }).value.entries].map((e) => e.seq);
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const mime = await svc.invoke('preview.mime', { connectorId: id, seq: 3 });
    expect(mime).toMatchObject({ ok: true, value: { seq: 3, mime: expect.stringContaining('Subject: Weekly figures 3') } });

    const del = await svc.invoke('connectors.delete', { connectorId: id, deleteCredentials: true });
    expect(del).toEqual({ ok: true, value: { deleted: true, credentialsDeleted: 0 } });
    // the history outlives the connector
    expect(await svc.invoke('runs.list', {})).toMatchObject({ ok: true, value: [{ connectorId: null, counts: { imported: 7 } }] });
  });

  it('cancels a running import; the next run resumes it without duplicates', async () => {
    const dir = tempDir('ferry-cancel-');
    const events: FerryEvent[] = [];
    let svc: FerryService | undefined;
    let cancelled: unknown;
    // The admin presses Cancel as soon as the first progress report arrives.
    const emit = (e: FerryEvent) => {
      events.push(e);
      if (e.type === 'run-progress' && cancelled === undefined) cancelled = svc!.invoke('runs.cancel', { connectorId: e.connectorId });
    };
    svc = FerryService.open({ dataDir: path.join(dir, 'data'), secrets: new MemorySecrets(), host: new TestHost(dir), emit, scheduleEveryMs: null });
    services.push(svc);
    const saved = await svc.invoke('connectors.save', { connector: connectorInput(writeMbox(dir, 4500)) });
    const id = (saved as { value: { id: number } }).value.id;
    await svc.invoke('runs.start', { connectorId: id, mode: 'import' });
    expect(await svc.invoke('runs.active', {})).toMatchObject({ ok: true, value: [{ connectorId: id }] });
    await svc.runs.idle();
    expect(await cancelled).toEqual({ ok: true, value: { cancelled: true } });
    const finished = () => events.filter((e): e is Extract<FerryEvent, { type: 'run-finished' }> => e.type === 'run-finished').map((e) => e.report);
    const first = finished()[0]!;
    expect(first.status).toBe('cancelled');
    expect(first.counts.available).toBeLessThan(4500);
    expect(first.counts.imported).toBe(first.counts.available);
    cancelled = null;
    await svc.invoke('runs.start', { connectorId: id, mode: 'import' });
    await svc.runs.idle();
    const second = finished()[1]!;
    expect(second.runId).toBe(first.runId);
    expect(second.resumed).toBe(true);
    expect(second.counts).toMatchObject({ available: 4500, imported: 4500, duplicate: 0 });
    expect((svc.engine.db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n).toBe(4500);
  });

  it('starts due scheduled connectors, and only those', async () => {
    const dir = tempDir('ferry-sched-');
    let now = new Date('2026-03-01T10:00:00.000Z');
    const events: FerryEvent[] = [];
    const svc = FerryService.open({ dataDir: path.join(dir, 'data'), secrets: new MemorySecrets(), host: new TestHost(dir), emit: (e) => events.push(e), now: () => now, scheduleEveryMs: null });
    services.push(svc);
    const a = svc.connectors.save({ name: 'A', kind: 'mbox', source: { path: writeMbox(dir, 2, 'a.mbox') }, destination: { kind: 'archive', settings: {} }, schedule: { enabled: true, everyHours: 1 } });
    svc.connectors.save({ name: 'B', kind: 'mbox', source: { path: writeMbox(dir, 2, 'b.mbox') }, destination: { kind: 'archive', settings: {} } });
    expect(svc.runs.tick()).toEqual([]);
    now = new Date(Date.parse(a.updatedAt) + 3600_000 + 1);
    expect(svc.runs.tick()).toEqual([a.id]);
    expect(events).toContainEqual({ type: 'run-started', run: expect.objectContaining({ connectorId: a.id, trigger: 'schedule' }) });
    await svc.runs.idle();
    expect(svc.runs.tick()).toEqual([]);
  });
});

describe('credentials', () => {
  it('are write-only: no reply or event of a full flow ever carries a stored secret', async () => {
    expect(process.env.DBUS_SESSION_BUS_ADDRESS, 'run through `npm test`, which starts a Secret Service').toBeTruthy();
    const secrets = new KeychainSecretStore(`Ferry-test-${randomUUID()}`);
    const { svc, host, events, dir } = service(secrets);
    const secret = `s3cr3t-${randomUUID()}`;
    const replies: unknown[] = [];
    const call = async (c: string, p: unknown) => { const r = await svc.invoke(c, p); replies.push(r); return r; };

    const saved = await call('connectors.save', { connector: connectorInput(writeMbox(dir, 3)) });
    const id = (saved as { value: { id: number } }).value.id;
    const ref = `connector:${id}:source:api-token`;
    expect(await call('secrets.status', { refs: [ref] })).toEqual({ ok: true, value: [{ ref, set: false }] });
    expect(await call('secrets.set', { ref, value: secret })).toEqual({ ok: true, value: { ref, set: true } });
    expect(await secrets.get(ref)).toBe(secret);
    expect(await call('secrets.status', { refs: [ref] })).toEqual({ ok: true, value: [{ ref, set: true }] });
    // Overwriting with a bad value is refused and does not echo it either.
    await call('secrets.set', { ref, value: '' });

    for (const [c, p] of [['app.info', {}], ['sources.list', {}], ['destinations.list', {}], ['connectors.list', {}], ['connectors.get', { connectorId: id }],
      ['connectors.test', { connector: { ...connectorInput(path.join(dir, 'inbox.mbox')), id } }], ['runs.start', { connectorId: id, mode: 'import' }]] as const) {
      await call(c, p);
    }
    await svc.runs.idle();
    const runId = (events.find((e) => e.type === 'run-finished') as Extract<FerryEvent, { type: 'run-finished' }>).report.runId;
    for (const [c, p] of [['runs.list', {}], ['runs.report', { runId }], ['runs.items', { runId, offset: 0, limit: 50 }], ['runs.active', {}],
      ['preview.page', { connectorId: id, offset: 0, limit: 10 }], ['preview.mime', { connectorId: id, seq: 0 }], ['dialog.choosePath', { pathKind: 'folder' }]] as const) {
      await call(c, p);
    }
    host.nextSavePath = path.join(dir, 'log.csv');
    await call('runs.exportLog', { runId });
    expect(await call('secrets.delete', { ref })).toEqual({ ok: true, value: { ref, deleted: true } });
    expect(await secrets.get(ref)).toBeNull();
    expect(await call('secrets.delete', { ref })).toEqual({ ok: true, value: { ref, deleted: false } });

    expect(replies.length).toBeGreaterThan(20);
    for (const r of [...replies, ...events]) expect(JSON.stringify(r)).not.toContain(secret);
    // nor does anything Ferry wrote to disk
    for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
      const full = path.join(dir, f);
      if (fs.statSync(full).isFile()) expect(fs.readFileSync(full).includes(secret), f).toBe(false);
    }
  });
});
