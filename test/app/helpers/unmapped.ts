/**
 * A service over a temp data folder whose unmapped queue holds `n` mails from ann@contoso.com that
 * mapped to nobody, with contoso.com then made an organisation domain: all `n` map now.
 */
import path from 'node:path';
import { expect } from 'vitest';
import type { FerryEvent } from '../../../preload/contract';
import { FerryService } from '../../../main/ipc/service';
import type { SecretStore } from '../../../main/engine/secrets/secret-store';
import { tempDir } from '../../helpers/engine';
import { TestHost } from './host';
import { writeMbox } from './exports';

const noSecrets: SecretStore = { get: async () => null, set: async () => {}, delete: async () => false, has: async () => false };

export const ok = <T>(r: { ok: boolean; value?: unknown; error?: unknown }): T => {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value as T;
};

const settings = (orgDomains: string[]) => ({ settings: { orgDomains, catchAll: null, defaultRegion: null, requireSenderMapping: false, defaultDestination: { kind: 'archive', settings: {} } } });

export async function serviceWithQueue(n: number, onEvent: (e: FerryEvent, svc: FerryService) => void = () => {}): Promise<{ svc: FerryService; events: FerryEvent[]; id: number }> {
  const dir = tempDir('ferry-reimport-');
  const events: FerryEvent[] = [];
  let svc: FerryService | undefined;
  svc = FerryService.open({ dataDir: path.join(dir, 'data'), secrets: noSecrets, host: new TestHost(dir), emit: (e) => { events.push(e); onEvent(e, svc!); }, scheduleEveryMs: null });
  try {
    ok(await svc.invoke('settings.save', settings([])));
    const { id } = ok<{ id: number }>(await svc.invoke('connectors.save', { connector: {
      name: 'Mail', kind: 'mbox', source: { path: writeMbox(dir, n) }, destination: { kind: 'archive', settings: {} },
      schedule: { enabled: false, everyHours: 24 }, dailyCap: 1_000_000,
    } }));
    ok(await svc.invoke('runs.start', { connectorId: id, mode: 'import' }));
    await svc.runs.idle();
    const unmapped = ok<{ items: number }[]>(await svc.invoke('unmapped.list', { connectorId: id }));
    expect(Math.max(...unmapped.map((w) => w.items))).toBe(n);
    ok(await svc.invoke('settings.save', settings(['contoso.com'])));
    events.length = 0;
    return { svc, events, id };
  } catch (err) {
    await svc.close();
    throw err;
  }
}
