/**
 * The engine host: an Electron utility process (plain Node, off the UI thread) running the engine
 * and the IPC handlers. Main relays validated renderer requests here and forwards events back; the
 * handlers' dialogs and external links are asked of main (`host-call`). Electron provides
 * `process.parentPort`; nothing here imports electron.
 */
import { KeychainSecretStore } from '../engine/secrets/secret-store';
import { errorMessage } from '../engine/errors';
import { FerryService } from '../ipc/service';
import type { Host } from '../ipc/host';
import { readDataLocation } from '../ipc/data-location';
import { runDueConnectors } from '../ipc/run-due';
import type { FromEngine, HostOp, ToEngine } from './engine-protocol';

const port = process.parentPort;
const send = (m: FromEngine) => port.postMessage(m);

let service: FerryService | undefined;
let nextCall = 1;
const hostCalls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

function callMain<T>(op: HostOp): Promise<T> {
  const id = nextCall++;
  return new Promise<T>((resolve, reject) => {
    hostCalls.set(id, { resolve: resolve as (v: unknown) => void, reject });
    send({ type: 'host-call', id, ...op });
  });
}

function hostFor(init: Extract<ToEngine, { type: 'init' }>): Host {
  return {
    appVersion: init.appVersion, platform: init.platform, configDir: init.configDir,
    choosePath: (args) => callMain<string | null>({ op: 'choosePath', args }),
    chooseSavePath: (args) => callMain<string | null>({ op: 'chooseSavePath', args }),
    openExternal: (url) => callMain<void>({ op: 'openExternal', args: { url } }),
  };
}

async function start(init: Extract<ToEngine, { type: 'init' }>): Promise<void> {
  const dataDir = readDataLocation(init.configDir);
  service = FerryService.open({
    dataDir, secrets: new KeychainSecretStore(), host: hostFor(init), emit: (event) => send({ type: 'event', event }),
    scheduleEveryMs: init.mode === 'app' ? 60_000 : null,
  });
  send({ type: 'ready', dataDir });
  if (init.mode === 'run-due') {
    const summary = await runDueConnectors(service);
    await service.close();
    service = undefined;
    send({ type: 'run-due-finished', exitCode: summary.exitCode, summary: summary.lines.join('\n') });
  }
}

port.on('message', (e) => {
  const m = e.data as ToEngine;
  switch (m.type) {
    case 'init':
      start(m).catch((err) => send({ type: 'fatal', message: errorMessage(err) }));
      break;
    case 'invoke':
      if (!service) { send({ type: 'reply', id: m.id, result: { ok: false, error: { class: 'system', message: 'the engine is not running' } } }); break; }
      service.invoke(m.channel, m.request).then((result) => send({ type: 'reply', id: m.id, result }));
      break;
    case 'host-reply': {
      const call = hostCalls.get(m.id);
      hostCalls.delete(m.id);
      if (m.error !== undefined) call?.reject(new Error(m.error));
      else call?.resolve(m.value);
      break;
    }
    case 'shutdown':
      // Runs stop after their current batch (resumable), then the store closes cleanly.
      (service ? service.close() : Promise.resolve()).finally(() => { service = undefined; send({ type: 'closed' }); });
      break;
  }
});
