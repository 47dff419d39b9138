/**
 * A run the daily cap stopped, as the app sees it: the finished event, the history and the run's
 * report all say it was paused by the cap (stop reason `daily-cap`), not cancelled by the admin.
 */
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { FerryEvent } from '../../preload/contract';
import { FerryService } from '../../main/ipc/service';
import type { SecretStore } from '../../main/engine/secrets/secret-store';
import { tempDir } from '../helpers/engine';
import { TestHost } from './helpers/host';
import { writeMbox } from './helpers/exports';

const noSecrets: SecretStore = { get: async () => null, set: async () => {}, delete: async () => false, has: async () => false };
const services: FerryService[] = [];
afterEach(async () => { for (const s of services.splice(0)) await s.close(); });

const ok = <T>(r: { ok: boolean; value?: unknown; error?: unknown }): T => {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value as T;
};

describe('a run paused by the daily cap, over IPC', () => {
  it('reports stop reason daily-cap in the finished event, the history, the report and the connector', async () => {
    const dir = tempDir('ferry-cap-ipc-');
    const events: FerryEvent[] = [];
    const svc = FerryService.open({ dataDir: path.join(dir, 'data'), secrets: noSecrets, host: new TestHost(dir), emit: (e) => events.push(e), scheduleEveryMs: null });
    services.push(svc);
    const { id } = ok<{ id: number }>(await svc.invoke('connectors.save', { connector: {
      name: 'Mail', kind: 'mbox', source: { path: writeMbox(dir, 5) }, destination: { kind: 'archive', settings: {} },
      schedule: { enabled: true, everyHours: 24 }, dailyCap: 3,
    } }));
    ok(await svc.invoke('runs.start', { connectorId: id, mode: 'import' }));
    await svc.runs.idle();

    const finished = events.find((e): e is Extract<FerryEvent, { type: 'run-finished' }> => e.type === 'run-finished');
    expect(finished?.report).toMatchObject({ status: 'cancelled', stopReason: 'daily-cap', counts: { imported: 3 } });
    expect(finished?.report.notices.at(-1)).toMatch(/^Daily cap reached: 3 items imported today by "Mail" \(cap 3 a day\)\. The remaining items continue at the next scheduled run/);
    const runId = finished!.report.runId;
    expect(ok(await svc.invoke('runs.list', {}))).toMatchObject([{ id: runId, status: 'cancelled', stopReason: 'daily-cap', deferred: true }]);
    expect(ok(await svc.invoke('runs.report', { runId }))).toMatchObject({ runId, status: 'cancelled', stopReason: 'daily-cap' });
    expect(ok(await svc.invoke('connectors.get', { connectorId: id }))).toMatchObject({ status: 'deferred', processedToday: 3, lastRun: { stopReason: 'daily-cap' } });

    // A run the admin cancels is only cancelled.
    const { id: other } = ok<{ id: number }>(await svc.invoke('connectors.save', { connector: {
      name: 'Other', kind: 'mbox', source: { path: writeMbox(dir, 3, 'other.mbox') }, destination: { kind: 'archive', settings: {} },
      schedule: { enabled: false, everyHours: 24 }, dailyCap: 100,
    } }));
    // Handlers run as they are invoked: the cancel reaches the run before it reads anything.
    const started = svc.invoke('runs.start', { connectorId: other, mode: 'import' });
    expect(ok(await svc.invoke('runs.cancel', { connectorId: other }))).toEqual({ cancelled: true });
    ok(await started);
    await svc.runs.idle();
    const list = ok<{ connectorId: number; status: string; stopReason: string | null }[]>(await svc.invoke('runs.list', { connectorId: other }));
    expect(list).toMatchObject([{ status: 'cancelled', stopReason: null }]);
  });
});
