/**
 * Connectors over the real `connectors` table (real SQLite in a temp data folder): saving and
 * checking, schedules, and the daily cap deferring the excess to the next run without losing or
 * duplicating an item.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine';
import { ConnectorStore, DEFAULT_DAILY_CAP, type ConnectorDraft } from '../../main/engine/connectors/connector-store';
import { runConnector } from '../../main/engine/connectors/connector-run';
import { importedToday, startOfNextLocalDay } from '../../main/engine/connectors/daily-cap';
import { isDue, nextRunAt } from '../../main/engine/connectors/schedule';
import { stopReasonOf } from '../../main/engine/connectors/run-stop';
import { runSummary } from '../../main/ipc/views';
import { tempDir } from '../helpers/engine';
import { writeMbox } from './helpers/exports';

const engines: Engine[] = [];
afterEach(() => { for (const e of engines.splice(0)) e.close(); });

function open(): { engine: Engine; store: ConnectorStore; dir: string } {
  const dir = tempDir('ferry-connectors-');
  const engine = Engine.open(dir);
  engines.push(engine);
  return { engine, store: new ConnectorStore(engine.db), dir };
}

const draft = (p: string, extra: Partial<ConnectorDraft> = {}): ConnectorDraft => ({
  name: 'Contoso mail', kind: 'mbox', source: { path: p }, destination: { kind: 'archive', settings: {} }, ...extra,
});

describe('connector store', () => {
  it('creates, reads, updates and deletes connectors with typed settings and defaults', () => {
    const { store, dir } = open();
    const mbox = writeMbox(dir, 1);
    const c = store.save(draft(mbox, { folder: '  Mail Archive ', maxItemMb: 5, oversize: 'fail' }));
    expect(c.id).toBeGreaterThan(0);
    expect(c.source.path).toBe(mbox);
    expect(c.folder).toBe('Mail Archive');
    expect(c.schedule).toEqual({ enabled: false, everyHours: 24 });
    expect(c.dailyCap).toBe(DEFAULT_DAILY_CAP);
    expect(c.destination).toEqual({ kind: 'archive', settings: {} });
    // the mbox source's own defaults are filled in
    expect(Object.keys(c.source).length).toBeGreaterThan(1);

    const u = store.save({ ...draft(mbox), id: c.id, name: 'Renamed', schedule: { enabled: true, everyHours: 6 }, dailyCap: 500 });
    expect(u.name).toBe('Renamed');
    expect(u.schedule).toEqual({ enabled: true, everyHours: 6 });
    expect(u.dailyCap).toBe(500);
    expect(u.createdAt).toBe(c.createdAt);
    expect(store.list().map((x) => x.name)).toEqual(['Renamed']);

    expect(store.delete(c.id)).toBe(true);
    expect(store.get(c.id)).toBeUndefined();
    expect(store.delete(c.id)).toBe(false);
  });

  it('refuses bad connectors with a reason naming the setting', () => {
    const { store, dir } = open();
    const mbox = writeMbox(dir, 1);
    expect(() => store.save(draft(''))).toThrow(/the export to read \(path\) is required/);
    expect(() => store.save({ ...draft(mbox), name: '  ' })).toThrow(/needs a name/);
    expect(() => store.save({ ...draft(mbox), kind: 'fax' })).toThrow(/unknown source kind "fax"/);
    expect(() => store.save({ ...draft(mbox), source: { path: mbox, colour: 'blue' } })).toThrow(/has no setting "colour"/);
    expect(() => store.save({ ...draft(mbox), destination: { kind: 'pigeon', settings: {} } })).toThrow(/unknown destination "pigeon"/);
    expect(() => store.save({ ...draft(mbox), dailyCap: 0 })).toThrow(/daily cap/);
    expect(() => store.save({ ...draft(mbox), schedule: { enabled: true, everyHours: 0 } })).toThrow(/every 1 to 744 hours/);
    store.save(draft(mbox));
    expect(() => store.save(draft(mbox))).toThrow(/a connector named "Contoso mail" already exists/);
    expect(() => store.save({ ...draft(mbox), name: 'Other', id: 999 })).toThrow(/connector 999 does not exist/);
  });

  it('never keeps a secret setting in the connector', () => {
    const { store, dir } = open();
    const mbox = writeMbox(dir, 1);
    // whatsapp-chat declares a timezone setting: a wrong value is refused by type
    expect(() => store.save({ ...draft(mbox), kind: 'whatsapp-chat', source: { path: mbox, timezone: 'Mars/Olympus' } })).toThrow(/IANA time zone|has no setting/);
    const row = store.save(draft(mbox));
    const raw = (store as unknown as { db: { prepare(s: string): { get(id: number): { settings: string; destination: string } } } }).db
      .prepare('SELECT settings, destination FROM connectors WHERE id = ?').get(row.id);
    expect(JSON.parse(raw.destination)).toEqual({ kind: 'archive' });
    expect(JSON.parse(raw.settings).source.path).toBe(mbox);
  });
});

describe('schedules', () => {
  const base = { createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };

  it('is off unless enabled, and due every N hours after the last import', () => {
    const now = new Date('2026-01-02T12:00:00.000Z');
    expect(nextRunAt({ ...base, schedule: { enabled: false, everyHours: 24 } }, { lastImportStartedAt: null, capReached: false }, now)).toBeNull();
    const c = { ...base, schedule: { enabled: true, everyHours: 24 } };
    expect(nextRunAt(c, { lastImportStartedAt: null, capReached: false }, now)?.toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(isDue(c, { lastImportStartedAt: null, capReached: false }, now)).toBe(true);
    expect(nextRunAt(c, { lastImportStartedAt: '2026-01-02T06:00:00.000Z', capReached: false }, now)?.toISOString()).toBe('2026-01-03T06:00:00.000Z');
    expect(isDue(c, { lastImportStartedAt: '2026-01-02T06:00:00.000Z', capReached: false }, now)).toBe(false);
  });

  it('waits for the next day once the daily cap is used up', () => {
    const now = new Date(2026, 0, 2, 12, 0);
    const c = { ...base, schedule: { enabled: true, everyHours: 1 } };
    const s = { lastImportStartedAt: new Date(2026, 0, 2, 10, 0).toISOString(), capReached: true };
    expect(nextRunAt(c, s, now)?.getTime()).toBe(startOfNextLocalDay(now).getTime());
    expect(isDue(c, s, now)).toBe(false);
    expect(isDue(c, { ...s, capReached: false }, now)).toBe(true);
  });
});

describe('daily cap', () => {
  it('imports at most the cap per day and defers the rest to the next runs: nothing lost, nothing duplicated', async () => {
    const { engine, store, dir } = open();
    const c = store.save(draft(writeMbox(dir, 25), { dailyCap: 10 }));
    const today = new Date();

    const first = await runConnector(engine, c, { mode: 'import', now: today, batchSize: 3 });
    expect(first.deferred).toBe(true);
    expect(first.report?.status).toBe('cancelled');
    expect(first.report?.counts.imported).toBe(10);
    expect(first.report?.stopReason).toBe('daily-cap');
    expect(first.report?.notices.at(-1)).toMatch(/^Daily cap reached: 10 items imported today by "Contoso mail" \(cap 10 a day\)\. The remaining items continue at the next run \(tomorrow at the earliest/);
    expect(importedToday(engine.db, c.id, today)).toBe(10);
    const runId = first.report!.runId;
    const summary = () => runSummary(engine, engine.runs.get(runId)!, new Map([[c.id, c.name]]));
    expect(summary()).toMatchObject({ status: 'cancelled', stopReason: 'daily-cap', deferred: true });

    // The same day: nothing more runs.
    const again = await runConnector(engine, c, { mode: 'import', now: today });
    expect(again.report).toBeNull();
    expect(again.deferred).toBe(true);
    expect(again.message).toMatch(/already imported today/);

    // The next day the deferred run resumes where the cap stopped it.
    const tomorrow = startOfNextLocalDay(today);
    const dayAfter = new Date(startOfNextLocalDay(tomorrow).getTime() + 1000);
    const second = await runConnector(engine, c, { mode: 'import', now: new Date(tomorrow.getTime() + 1000), batchSize: 4 });
    expect(second.report?.runId).toBe(first.report?.runId);
    expect(second.report?.resumed).toBe(true);
    expect(second.deferred).toBe(true);
    expect(second.report?.counts.imported).toBe(20);
    expect(second.report?.stopReason).toBe('daily-cap');

    const third = await runConnector(engine, c, { mode: 'import', now: dayAfter });
    expect(third.deferred).toBe(false);
    expect(third.report?.status).toBe('completed');
    expect(third.report?.counts).toMatchObject({ available: 25, imported: 25, duplicate: 0, failed: 0 });
    // Completed in the end: the earlier sessions' cap notices no longer make it "paused".
    expect(third.report?.runId).toBe(runId);
    expect(third.report?.stopReason).toBeNull();
    expect(summary()).toMatchObject({ status: 'completed', stopReason: null, deferred: false });
    const archived = engine.db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number };
    expect(archived.n).toBe(25);

    // A later run re-reads the export: items already delivered are duplicates and do not count
    // against the cap, so it gets through all of them (a growing export still reaches its new items).
    const fourth = await runConnector(engine, c, { mode: 'import', now: dayAfter });
    expect(fourth.report?.runId).not.toBe(first.report?.runId);
    expect(fourth.deferred).toBe(false);
    expect(fourth.report?.counts).toMatchObject({ available: 25, imported: 0, duplicate: 25 });
  });

  it('counts only new imports: a grown export gets its new items up to the cap, behind any number of duplicates', async () => {
    const { engine, store, dir } = open();
    const file = writeMbox(dir, 6);
    const c = store.save(draft(file, { dailyCap: 4 }));
    const day1 = new Date(startOfNextLocalDay(new Date()).getTime() + 1000);
    const first = await runConnector(engine, c, { mode: 'import', now: day1 });
    expect(first.report?.counts.imported).toBe(4);
    const day2 = new Date(startOfNextLocalDay(day1).getTime() + 1000);
    const second = await runConnector(engine, c, { mode: 'import', now: day2 });
    expect(second.report?.status).toBe('completed');
    expect(second.report?.counts).toMatchObject({ available: 6, imported: 6 });
    writeMbox(dir, 15); // the export grew: 6 old messages, then 9 new ones
    const day3 = new Date(startOfNextLocalDay(day2).getTime() + 1000);
    const third = await runConnector(engine, c, { mode: 'import', now: day3 });
    expect(third.deferred).toBe(true);
    expect(third.report?.counts).toMatchObject({ duplicate: 6, imported: 4 });
    const archived = engine.db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number };
    expect(archived.n).toBe(10);
  });

  it('says when the cap paused a run and when the rest continues; a later cancel by the admin is a cancel', async () => {
    const { engine, store, dir } = open();
    const c = store.save(draft(writeMbox(dir, 9), { dailyCap: 4, schedule: { enabled: true, everyHours: 6 } }));
    const day1 = new Date(startOfNextLocalDay(new Date()).getTime() + 3600_000);
    const first = await runConnector(engine, c, { mode: 'import', now: day1, batchSize: 2 });
    expect(first.report).toMatchObject({ status: 'cancelled', stopReason: 'daily-cap', counts: { imported: 4 } });
    const next = startOfNextLocalDay(day1).toISOString().slice(0, 16).replace('T', ' ');
    expect(first.message).toContain(`4 items imported today by "Contoso mail" (cap 4 a day). The remaining items continue at the next scheduled run (${next} UTC), which resumes this run`);
    const run = () => engine.runs.get(first.report!.runId)!;
    expect(stopReasonOf(engine.db, run().id, run())).toBe('daily-cap');

    // The next day the admin cancels the resumed run at once: it is cancelled, not paused by the cap.
    const ac = new AbortController();
    ac.abort();
    const day2 = new Date(startOfNextLocalDay(day1).getTime() + 3600_000);
    const cancelled = await runConnector(engine, c, { mode: 'import', now: day2, signal: ac.signal });
    expect(cancelled.report).toMatchObject({ runId: first.report!.runId, status: 'cancelled', stopReason: null });
    expect(cancelled.deferred).toBe(false);
    expect(stopReasonOf(engine.db, run().id, run())).toBeNull();
  });

  it('a cancel by the admin is not taken for the cap', async () => {
    const { engine, store, dir } = open();
    const c = store.save(draft(writeMbox(dir, 5), { dailyCap: 1000 }));
    const ac = new AbortController();
    ac.abort();
    const r = await runConnector(engine, c, { mode: 'import', signal: ac.signal });
    expect(r.deferred).toBe(false);
    expect(r.report?.status).toBe('cancelled');
  });

  it('previews are not capped', async () => {
    const { engine, store, dir } = open();
    const c = store.save(draft(writeMbox(dir, 12), { dailyCap: 5 }));
    const r = await runConnector(engine, c, { mode: 'preview' });
    expect(r.report?.counts.available).toBe(12);
    expect(r.deferred).toBe(false);
  });
});
