import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { openStore, type Db } from '../../main/engine/store/db';
import { executeRun, type RunProgress } from '../../main/engine/runs/run';
import { ArchiveDestination } from '../../main/engine/destinations/archive/archive-destination';
import { exportArchive } from '../../main/engine/destinations/archive/export';
import { searchArchive } from '../../main/engine/destinations/archive/search';
import { RunStore } from '../../main/engine/store/runs';
import { syntheticSource, type SyntheticOptions } from '../helpers/synthetic-source';
import { tempDir } from '../helpers/engine';

const dbs: Db[] = [];
afterEach(() => { while (dbs.length) dbs.pop()!.close(); });

function store(): { db: Db; dir: string } {
  const dir = tempDir();
  const db = openStore(dir);
  dbs.push(db);
  return { db, dir };
}

const run = (db: Db, o: SyntheticOptions, extra: Partial<Parameters<typeof executeRun>[1]> = {}) => executeRun(db, {
  kind: 'synthetic', source: syntheticSource(o), settings: { path: '/exports/synthetic.json' }, mode: 'import',
  destination: new ArchiveDestination(db), batchSize: 7, ...extra,
});

const count = (db: Db, sql: string) => (db.prepare(sql).get() as { n: number }).n;

describe('a run into the local archive', () => {
  it('ends every record as exactly one outcome, and names the failures', async () => {
    const { db } = store();
    const r = await run(db, { count: 50, badEvery: 10, missingToEvery: 7 });
    expect(r.status).toBe('completed');
    // Bad records at 9,19,29,39,49 (5); missing TO at 0,7,14,21,28,35,42 (7, none of them bad).
    expect(r.counts).toEqual({ available: 50, imported: 38, partial: 0, duplicate: 0, failed: 12, unmapped: 0 });
    expect(r.counts.available).toBe(r.counts.imported + r.counts.partial + r.counts.duplicate + r.counts.failed);
    expect(r.failures).toContainEqual({ item: 'synthetic.json (record 9)', reason: 'synthetic.json (record 9): record has no timestamp' });
    expect(r.failures).toContainEqual({ item: 'c1/7', reason: 'item c1/7 (synthetic.json (record 7)): missing mandatory property TO' });
    expect(count(db, 'SELECT COUNT(*) AS n FROM messages')).toBe(38);
    expect(count(db, 'SELECT COUNT(*) AS n FROM messages_fts')).toBe(38);
    expect(count(db, "SELECT COUNT(*) AS n FROM deliveries WHERE state = 'delivered'")).toBe(38);
  });

  it('imports nothing new when run again, and counts the duplicates', async () => {
    const { db } = store();
    await run(db, { count: 30, badEvery: 10 });
    const again = await run(db, { count: 30, badEvery: 10 });
    expect(again.counts).toMatchObject({ available: 30, imported: 0, duplicate: 27, failed: 3 });
    expect(count(db, 'SELECT COUNT(*) AS n FROM messages')).toBe(27);
  });

  it('counts a second copy of the same item in one export as a duplicate', async () => {
    const { db } = store();
    const src = syntheticSource({ count: 3 });
    const doubled = { ...src, async *read(s: never, c: never) { for await (const r of src.read(s, c)) { yield r; yield r; } } };
    const r = await executeRun(db, { kind: 'synthetic', source: doubled as never, settings: { path: 'x' }, mode: 'import', destination: new ArchiveDestination(db) });
    expect(r.counts).toMatchObject({ available: 6, imported: 3, duplicate: 3 });
  });

  it('previews without archiving anything', async () => {
    const { db } = store();
    const r = await run(db, { count: 20, badEvery: 5 }, { mode: 'preview' });
    expect(r.mode).toBe('preview');
    expect(r.counts).toMatchObject({ available: 20, imported: 16, failed: 4 });
    expect(count(db, 'SELECT COUNT(*) AS n FROM messages')).toBe(0);
    expect(count(db, 'SELECT COUNT(*) AS n FROM deliveries')).toBe(0);
  });

  it('records oversize items as partially imported with the reason', async () => {
    const { db } = store();
    const r = await run(db, { count: 6, attachEvery: 3, attachmentBytes: 200_000 }, { convert: { maxItemBytes: 100_000 } });
    expect(r.counts).toMatchObject({ available: 6, imported: 4, partial: 2 });
    const partial = new RunStore(db).items(r.runId, { status: 'partial' });
    expect(partial.map((p) => p.reason)).toEqual([
      expect.stringMatching(/1 attachment\(s\) over the 98 KB limit left out: file-0\.bin/),
      expect.stringMatching(/file-3\.bin/),
    ]);
  });

  it('cancels between batches and resumes without losing or duplicating an item', async () => {
    const { db } = store();
    const ac = new AbortController();
    const seen: RunProgress[] = [];
    const first = await run(db, { count: 200 }, {
      signal: ac.signal, progressIntervalMs: 0,
      onProgress: (p) => { seen.push(p); if (p.done >= 50) ac.abort(); },
    });
    expect(first.status).toBe('cancelled');
    expect(first.counts.available).toBeGreaterThanOrEqual(50);
    expect(first.counts.available).toBeLessThan(200);
    expect(seen.some((p) => p.fraction !== undefined && p.fraction > 0)).toBe(true);
    const resumed = await run(db, { count: 200 }, { resumeRunId: first.runId });
    expect(resumed.runId).toBe(first.runId);
    expect(resumed.resumed).toBe(true);
    expect(resumed.status).toBe('completed');
    expect(resumed.counts).toMatchObject({ available: 200, imported: 200, duplicate: 0 });
    expect(count(db, 'SELECT COUNT(*) AS n FROM messages')).toBe(200);
    expect(count(db, `SELECT COUNT(DISTINCT seq) AS n FROM run_items WHERE run_id = ${first.runId}`)).toBe(200);
  });

  it('refuses to resume a completed run', async () => {
    const { db } = store();
    const r = await run(db, { count: 3 });
    await expect(run(db, { count: 3 }, { resumeRunId: r.runId })).rejects.toThrow(/run \d+ is completed/);
  });

  it('marks a run left running by a dead process as interrupted', () => {
    const { db } = store();
    const runs = new RunStore(db);
    const id = runs.create({ kind: 'synthetic', input: 'x', mode: 'import', destination: 'archive', options: {} });
    db.prepare('UPDATE runs SET pid = 999999999 WHERE id = ?').run(id);
    expect(runs.markInterrupted()).toBe(1);
    expect(runs.get(id)!.status).toBe('interrupted');
    expect(runs.findResumable('synthetic', 'x', 'archive')?.id).toBe(id);
  });

  it('searches the archive with the full-text index, diacritics folded, user syntax kept literal', async () => {
    const { db } = store();
    await run(db, { count: 12 });
    expect(searchArchive(db, 'uberweisung bestatigt').length).toBe(12);
    expect(searchArchive(db, 'from:chloe').map((h) => h.sender)).toEqual(Array(3).fill('Chloé Dubois <U3@synth.invalid>'));
    expect(searchArchive(db, 'subject:"number 5"')[0]?.subject).toBe('General: message number 5 — café');
    expect(searchArchive(db, 'class:IPM.NOTE.Synth.Reply')).toHaveLength(2);
    expect(searchArchive(db, 'NEAR( OR "')).toEqual([]);
  });

  it('exports the archive to EML files and to an mboxrd file that parse back', async () => {
    const { db, dir } = store();
    await run(db, { count: 5, attachEvery: 2 });
    const eml = await exportArchive(db, { format: 'eml', out: path.join(dir, 'eml') });
    expect(eml.messages).toBe(5);
    const files = fs.readdirSync(path.join(dir, 'eml')).sort();
    expect(files[0]).toMatch(/^20240101T000000Z_General_ message number 0 — café_[0-9a-f]{10}\.eml$/);
    const first = await simpleParser(fs.readFileSync(path.join(dir, 'eml', files[0]!)));
    expect(first.attachments[0]?.filename).toBe('file-0.bin');

    // A body line starting with "From " must survive the round trip through mboxrd quoting.
    db.prepare("UPDATE messages SET mime = CAST(REPLACE(CAST(mime AS TEXT), 'Hello from', 'From here') AS BLOB)").run();
    const mbox = await exportArchive(db, { format: 'mbox', out: path.join(dir, 'all.mbox') });
    expect(mbox.messages).toBe(5);
    const text = fs.readFileSync(path.join(dir, 'all.mbox'), 'latin1');
    const parts = text.split(/^From MAILER-DAEMON .*\n/m).slice(1);
    expect(parts).toHaveLength(5);
    expect(text.split('\n')[0]).toBe('From MAILER-DAEMON Mon Jan  1 00:00:00 2024');
    const unquoted = parts[0]!.replace(/^>(>*From )/gm, '$1');
    expect((await simpleParser(Buffer.from(unquoted, 'latin1'))).text).toMatch(/^From here Ann Lee/);
    await expect(exportArchive(db, { format: 'mbox', out: path.join(dir, 'all.mbox') })).rejects.toThrow(/already exists/);
  });
});
