/**
 * The engine behind every contract channel. Plain functions over the engine (no electron): the
 * Electron engine host and the browser tests register these very handlers. No reply ever carries a
 * secret: credentials are write-only (set, delete, "is it set?").
 */
import path from 'node:path';
import type { ConnectorInput, FerryEvent, ParsedRequestOf } from '../../preload/contract';
import type { Engine } from '../engine/engine';
import type { SecretStore } from '../engine/secrets/secret-store';
import { allSources, getSource } from '../engine/sources/registry';
import { defaultFolder } from '../engine/sources/default-folder';
import { previewMessages } from '../engine/runs/preview';
import { configError, errorMessage } from '../engine/errors';
import { type Connector, type ConnectorDraft, type ConnectorStore, checkDraft } from '../engine/connectors/connector-store';
import { destinationForm, destinationForms } from '../engine/connectors/destination-forms';
import { credentialEntries } from '../engine/connectors/credentials';
import { convertOptionsOf, folderOf } from '../engine/connectors/connector-run';
import { knownMailboxes, routingConfigFor } from '../engine/connectors/connector-routing';
import { withStopReason } from '../engine/connectors/run-stop';
import type { Handlers } from './dispatch';
import type { Host } from './host';
import { allowedExternalUrl } from './host';
import { writeDataLocation } from './data-location';
import type { RunManager } from './run-manager';
import { PreviewCursors } from './preview-cursor';
import { itemsPage, writeLogCsv } from './run-log';
import { connectorNames, connectorView, runSummary } from './views';
import type { MappingHandlers } from './mapping-handlers';
import type { ReimportRunner } from './reimport-runner';

export interface HandlerContext {
  engine: Engine;
  connectors: ConnectorStore;
  secrets: SecretStore;
  host: Host;
  runs: RunManager;
  emit: (e: FerryEvent) => void;
  now: () => Date;
  mapping: MappingHandlers;
  reimports: ReimportRunner;
}

export function toDraft(c: ParsedRequestOf<'connectors.save'>['connector']): ConnectorDraft {
  return {
    ...(c.id !== undefined ? { id: c.id } : {}), name: c.name, kind: c.kind, source: c.source, destination: c.destination,
    folder: c.folder ?? null, maxItemMb: c.maxItemMb ?? null, oversize: c.oversize ?? null, schedule: c.schedule, dailyCap: c.dailyCap,
  };
}

async function testConnector(ctx: HandlerContext, input: ConnectorInput & { id?: number }, typed: Record<string, string> = {}): Promise<{ ok: boolean; checks: { check: string; ok: boolean; message: string }[] }> {
  const checks: { check: string; ok: boolean; message: string }[] = [];
  let draft: ReturnType<typeof checkDraft>;
  try {
    draft = checkDraft(toDraft(input as ParsedRequestOf<'connectors.save'>['connector']));
    checks.push({ check: 'settings', ok: true, message: 'the settings are complete' });
  } catch (err) {
    checks.push({ check: 'settings', ok: false, message: errorMessage(err) });
    return { ok: false, checks };
  }
  const source = getSource(draft.kind);
  const settings = { ...draft.settings.source, path: path.resolve(String(draft.settings.source.path)) };
  try {
    const r = await source.check(settings);
    checks.push({ check: 'export', ok: r.ok, message: r.message });
  } catch (err) {
    checks.push({ check: 'export', ok: false, message: errorMessage(err) });
  }
  const { kind: destKind, ...destSettings } = draft.destination;
  const form = destinationForm(destKind);
  const mailboxes = knownMailboxes(ctx.engine, input.id ? { id: input.id } : null);
  const entries = credentialEntries({ id: input.id ?? null, kind: draft.kind, destination: { kind: destKind, settings: destSettings } }, mailboxes);
  for (const e of entries) {
    const value = typed[`${e.scope}:${e.key}`];
    if (value) await ctx.secrets.set(e.ref, value);
    const set = await ctx.secrets.has(e.ref);
    checks.push({ check: `credential ${e.label}`, ok: set, message: set ? `stored in the OS keychain (${e.ref})` : `not set: enter it in the connector's credentials (${e.ref})` });
  }
  if (form.test) {
    try {
      checks.push(...await form.test(destSettings, { db: ctx.engine.db, secrets: ctx.secrets, mailboxes }));
    } catch (err) {
      checks.push({ check: 'destination', ok: false, message: errorMessage(err) });
    }
  }
  return { ok: checks.every((c) => c.ok), checks };
}

async function keychainState(secrets: SecretStore): Promise<{ ok: boolean; message: string }> {
  try {
    await secrets.has('connector:0:source:probe');
    return { ok: true, message: 'credentials are kept in the OS keychain' };
  } catch (err) {
    return { ok: false, message: errorMessage(err) };
  }
}

export function createHandlers(ctx: HandlerContext): Handlers {
  const { engine, connectors, secrets, host } = ctx;
  const previews = new PreviewCursors();
  const view = async (c: Connector) => connectorView(engine, secrets, c, ctx.runs.get(c.id), ctx.now());
  const previewInput = (connectorId: number, override?: string) => {
    const c = connectors.require(connectorId);
    const source = getSource(c.kind);
    const inputPath = path.resolve(override?.trim() || c.source.path);
    const routing = routingConfigFor(engine, c, c.destination.kind);
    const router = engine.mapping.router(routing);
    return {
      c, source, folder: folderOf(c), convert: convertOptionsOf(c), settings: { ...c.source, path: inputPath }, router,
      // A new reader when the connector, the export or the routing changed.
      key: `${c.id}:${c.updatedAt}:${inputPath}:${JSON.stringify(routing)}`,
    };
  };

  return {
    'app.info': async () => ({ version: host.appVersion, platform: host.platform, dataDir: engine.dataDir, keychain: await keychainState(secrets) }),
    'sources.list': () => allSources().map((s) => s.spec),
    'sources.defaultFolder': ({ kind, source }) => {
      const s = getSource(kind);
      // Settings still being typed may not parse yet: the platform's folder until they do.
      try { return { folder: defaultFolder(s, { ...source, path: String(source.path ?? '') }) }; } catch { return { folder: `${s.spec.platform} Archive` }; }
    },
    'destinations.list': () => destinationForms().map((f) => ({ kind: f.kind, title: f.title, description: f.description, settings: f.settings, testable: f.test !== undefined })),

    'connectors.list': async () => Promise.all(connectors.list().map(view)),
    'connectors.get': async ({ connectorId }) => view(connectors.require(connectorId)),
    'connectors.save': async ({ connector }) => {
      if (connector.id !== undefined && ctx.runs.get(connector.id)) throw configError(`"${connector.name}" is running; change it once the run has finished`);
      const saved = connectors.save(toDraft(connector));
      ctx.emit({ type: 'connectors-changed' });
      return view(saved);
    },
    'connectors.delete': async ({ connectorId, deleteCredentials }) => {
      if (ctx.runs.get(connectorId)) throw configError(`connector ${connectorId} is running; cancel the run before deleting the connector`);
      const c = connectors.require(connectorId);
      let credentialsDeleted = 0;
      if (deleteCredentials) {
        // Only the connector's own entries: an IMAP or Graph sign-in may be shared with other connectors.
        const shared = new Set(connectors.list().filter((x) => x.id !== c.id).flatMap((x) => credentialEntries({ id: x.id, kind: x.kind, destination: x.destination }, knownMailboxes(engine, x)).map((e) => e.ref)));
        for (const e of credentialEntries({ id: c.id, kind: c.kind, destination: c.destination }, knownMailboxes(engine, c))) {
          if (!shared.has(e.ref) && await secrets.delete(e.ref)) credentialsDeleted++;
        }
      }
      const deleted = connectors.delete(connectorId);
      ctx.emit({ type: 'connectors-changed' });
      return { deleted, credentialsDeleted };
    },
    'connectors.test': async ({ connector, credentials }) => testConnector(ctx, connector, credentials),

    'secrets.status': async ({ refs }) => Promise.all(refs.map(async (ref) => ({ ref, set: await secrets.has(ref) }))),
    'secrets.set': async ({ ref, value }) => {
      await secrets.set(ref, value);
      return { ref, set: true };
    },
    'secrets.delete': async ({ ref }) => ({ ref, deleted: await secrets.delete(ref) }),

    'preview.page': async ({ connectorId, path: override, offset, limit }) => {
      const p = previewInput(connectorId, override);
      return previews.page(p, offset, limit);
    },
    'preview.mime': async ({ connectorId, path: override, seq }) => {
      const p = previewInput(connectorId, override);
      for await (const e of previewMessages(p.source, p.settings, { offset: seq, limit: 1, withMime: true, folder: p.folder, convert: p.convert, router: p.router })) {
        if (e.mime === undefined) throw configError(`message ${seq} of ${p.settings.path} could not be converted: ${e.error ?? 'no message'}`);
        return { seq, mime: e.mime };
      }
      throw configError(`${p.settings.path} has no item ${seq}`);
    },

    'runs.start': ({ connectorId, mode }) => ctx.runs.start(connectorId, mode, 'manual'),
    'runs.cancel': ({ connectorId }) => ({ cancelled: ctx.runs.cancel(connectorId) }),
    'runs.active': () => ctx.runs.list(),
    'runs.list': ({ connectorId, limit }) => {
      const names = connectorNames(connectors.list());
      return engine.runs.list({ ...(connectorId !== undefined ? { connectorId } : {}), limit: limit ?? 200 }).map((r) => runSummary(engine, r, names));
    },
    'runs.report': ({ runId }) => withStopReason(engine.db, runId, engine.report(runId)),
    'runs.items': ({ runId, status, search, offset, limit }) => {
      if (!engine.runs.get(runId)) throw configError(`run ${runId} does not exist`);
      return itemsPage(engine, runId, { status, search }, offset, limit);
    },
    'runs.exportLog': async ({ runId, status, search }) => {
      if (!engine.runs.get(runId)) throw configError(`run ${runId} does not exist`);
      const file = await host.chooseSavePath({ defaultName: `ferry-run-${runId}${status ? `-${status}` : ''}.csv`, extensions: ['csv'], title: `Export the log of run ${runId}` });
      if (!file) return { saved: false, path: null, rows: 0 };
      return { saved: true, path: file, rows: writeLogCsv(engine, runId, { status, search }, file) };
    },

    'settings.get': () => ctx.mapping.getSettings(),
    'settings.save': ({ settings }) => ctx.mapping.saveSettings(settings),
    'settings.chooseDataDir': async () => {
      const dir = await host.choosePath({ pathKind: 'folder', title: 'Choose the folder for Ferry’s data' });
      if (!dir || path.resolve(dir) === path.resolve(engine.dataDir)) return { dataDir: engine.dataDir, changed: false, restartNeeded: false };
      writeDataLocation(host.configDir, path.resolve(dir));
      return { dataDir: path.resolve(dir), changed: true, restartNeeded: true };
    },

    'dialog.choosePath': async (o) => ({ path: await host.choosePath({ pathKind: o.pathKind, ...(o.extensions ? { extensions: o.extensions } : {}), ...(o.title ? { title: o.title } : {}) }) }),
    'shell.openExternal': async ({ url }) => {
      if (!allowedExternalUrl(url)) return { opened: false };
      await host.openExternal(url);
      return { opened: true };
    },

    'mapping.check': (r) => ctx.mapping.check(r),
    'mapping.lookup': (r) => ctx.mapping.lookup(r),
    'mapping.save': (r) => ctx.mapping.save(r),
    'mapping.current': (r) => ctx.mapping.current(r),
    'unmapped.list': (r) => ctx.mapping.unmappedList(r),
    'unmapped.items': (r) => ctx.mapping.unmappedItems(r),
    'unmapped.addMapping': (r) => ctx.mapping.addMapping(r),
    'unmapped.reimport': (r) => ctx.mapping.reimport(r),
    'unmapped.reimportActive': () => ctx.reimports.get(),
    'unmapped.cancelReimport': () => ({ cancelled: ctx.reimports.cancel() }),
  };
}
