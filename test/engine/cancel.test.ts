/**
 * A cancel that reaches the source while the run waits for its next record: sources stop early when
 * cancelled, so the end they signal is not the export's end. The run must say cancelled (never
 * completed) and the resume must finish the export, every item exactly once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Db } from '../../main/engine/store/db';
import { executeRun } from '../../main/engine/runs/run';
import { ArchiveDestination } from '../../main/engine/destinations/archive/archive-destination';
import type { Source } from '../../main/engine/sources/types';
import { syntheticSource } from '../helpers/synthetic-source';
import { tempDir } from '../helpers/engine';

const dbs: Db[] = [];
afterEach(() => { while (dbs.length) dbs.pop()!.close(); });

/** The synthetic source, cancelled from within as it reaches record `at`: it stops there, as real sources do. */
function cancelledAt(count: number, at: number, controller: AbortController): Source {
  const inner = syntheticSource({ count });
  return {
    ...inner,
    async *read(settings, ctx) {
      let i = 0;
      for await (const r of inner.read(settings, ctx)) {
        if (i++ === at) controller.abort();
        if (ctx.signal?.aborted) return;
        yield r;
      }
    },
  };
}

describe('a cancel the source sees first', () => {
  it('ends the run as cancelled, and the resume imports the rest once', async () => {
    const db = openStore(tempDir());
    dbs.push(db);
    const base = { kind: 'synthetic', settings: { path: '/exports/synthetic.json' }, mode: 'import' as const, destination: new ArchiveDestination(db), batchSize: 7 };
    const controller = new AbortController();
    const first = await executeRun(db, { ...base, source: cancelledAt(40, 23, controller), signal: controller.signal });
    expect(first.status).toBe('cancelled');
    expect(first.counts).toMatchObject({ available: 23, imported: 23 });

    const second = await executeRun(db, { ...base, source: syntheticSource({ count: 40 }), resumeRunId: first.runId });
    expect(second).toMatchObject({ status: 'completed', resumed: true, runId: first.runId });
    expect(second.counts).toMatchObject({ available: 40, imported: 40, duplicate: 0, failed: 0 });
    expect((db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n).toBe(40);
  });
});
