/**
 * Re-importing unmapped items from the app is followed like a connector run: started, progress and
 * finished events with counts, one at a time, cancelable, and resumed without duplicates. Through the
 * same dispatch the app uses, over the real engine.
 */
import { DEFAULT_BATCH } from '../../main/engine/runs/run';
import { afterEach, describe, expect, it } from 'vitest';
import type { FerryEvent, ReplyOf, Result } from '../../preload/contract';
import type { FerryService } from '../../main/ipc/service';
import { ok, serviceWithQueue } from './helpers/unmapped';

const services: FerryService[] = [];
afterEach(async () => { for (const s of services.splice(0)) await s.close(); });

type Ev<T extends FerryEvent['type']> = Extract<FerryEvent, { type: T }>;
const ofType = <T extends FerryEvent['type']>(events: FerryEvent[], type: T): Ev<T>[] => events.filter((e): e is Ev<T> => e.type === type);

async function queued(n: number, onEvent?: (e: FerryEvent, svc: FerryService) => void) {
  const q = await serviceWithQueue(n, onEvent);
  services.push(q.svc);
  return q;
}

const copies = (svc: FerryService) => (svc.engine.db.prepare("SELECT COUNT(*) AS n FROM archive_copies WHERE mailbox = 'ann@contoso.com'").get() as { n: number }).n;

describe('unmapped re-import events', () => {
  it('emits started, progress and finished with the counts, like a connector run', async () => {
    const { svc, events, id } = await queued(12);
    const reply = ok<ReplyOf<'unmapped.reimport'>>(await svc.invoke('unmapped.reimport', { connectorId: id }));
    expect(reply).toMatchObject({ selected: 12, counts: { imported: 12, duplicate: 0, failed: 0 } });

    expect(events[0]).toMatchObject({ type: 'reimport-started', reimport: { connectorId: id, progress: null, runsDone: 0 } });
    const progress = ofType(events, 'reimport-progress');
    expect(progress.length).toBeGreaterThan(0);
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ connectorId: id, runsDone: 1, progress: { runId: reply.runs[0]!.runId, finished: true, done: 12, fraction: 1, counts: { imported: 12 } } });
    const finished = ofType(events, 'reimport-finished');
    expect(finished).toHaveLength(1);
    expect(finished[0]!.result).toEqual(reply);
    expect(events.indexOf(finished[0]!)).toBeGreaterThan(events.indexOf(last));
    expect(ofType(events, 'reimport-error')).toEqual([]);
    expect(ok(await svc.invoke('unmapped.reimportActive', {}))).toBeNull();
    expect(copies(svc)).toBe(12);
  });

  it('runs one at a time, cancels after the current batch, and the next re-import resumes with nothing duplicated', async () => {
    // More items than a batch, so a progress event arrives while the run is still going.
    const n = DEFAULT_BATCH + 600;
    const during: { active?: Promise<Result<unknown>>; second?: Promise<Result<unknown>>; cancel?: Promise<Result<unknown>> } = {};
    let armed = false;
    const { svc, events, id } = await queued(n, (e, s) => {
      if (!armed || e.type !== 'reimport-progress' || e.progress.finished || during.cancel) return;
      during.active = s.invoke('unmapped.reimportActive', {});
      during.second = s.invoke('unmapped.reimport', {});
      during.cancel = s.invoke('unmapped.cancelReimport', {});
    });
    armed = true;
    const first = ok<ReplyOf<'unmapped.reimport'>>(await svc.invoke('unmapped.reimport', { connectorId: id }));
    expect(during.cancel).toBeDefined();
    expect(ok(await during.cancel!)).toEqual({ cancelled: true });
    expect(await during.second).toMatchObject({ ok: false, error: { class: 'config', message: expect.stringMatching(/already running/) } });
    const active = ok<ReplyOf<'unmapped.reimportActive'>>(await during.active!);
    expect(active).toMatchObject({ connectorId: id, runsDone: 0, progress: { finished: false } });
    expect(active!.progress!.done).toBeGreaterThan(0);

    const stopped = first.runs[0]!;
    expect(stopped.status).toBe('cancelled');
    expect(first.counts.imported).toBeGreaterThan(0);
    expect(first.counts.imported).toBeLessThan(n);
    expect(ofType(events, 'reimport-finished').at(-1)!.result.counts.imported).toBe(first.counts.imported);
    expect(copies(svc)).toBe(first.counts.imported);
    expect(ok(await svc.invoke('unmapped.cancelReimport', {}))).toEqual({ cancelled: false });

    events.length = 0;
    const second = ok<ReplyOf<'unmapped.reimport'>>(await svc.invoke('unmapped.reimport', { connectorId: id }));
    const resumed = second.runs.find((r) => r.runId === stopped.runId);
    expect(resumed).toMatchObject({ status: 'completed', resumed: true });
    expect(ofType(events, 'reimport-progress').some((e) => e.progress.runId === stopped.runId && e.progress.finished)).toBe(true);
    expect(ofType(events, 'reimport-finished')[0]!.result.runs.map((r) => r.runId)).toContain(stopped.runId);
    // Every item reached Ann's mailbox exactly once.
    expect(copies(svc)).toBe(n);
    expect(svc.engine.db.prepare('SELECT message, mailbox, COUNT(*) AS c FROM archive_copies GROUP BY message, mailbox HAVING c > 1').all()).toEqual([]);
  }, 120_000);
});
