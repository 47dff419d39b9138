/**
 * The engine's front door: what the command line and the desktop app's IPC handlers call.
 * Plain Node (no electron), one instance per data folder.
 */
import path from 'node:path';
import { type Db, openStore } from './store/db';
import { RunStore } from './store/runs';
import { Ledger } from './store/ledger';
import { getSource } from './sources/registry';
import type { SourceSettings } from './sources/types';
import { defaultFolder } from './sources/default-folder';
import { type DestinationConfig, createDestination } from './destinations/registry';
import { type RunProgress, type RunReport, executeRun, report } from './runs/run';
import type { ConvertOptions } from './convert/convert';
import type { Router } from './routing/types';
import { configError } from './errors';
import { MappingService, type RoutingRequest } from './mapping/service';
import { REIMPORT_KIND } from './mapping/queue-source';
import { KeychainSecretStore, type SecretStore } from './secrets/secret-store';

export interface ImportRequest {
  kind: string;
  /** Source settings; `path` is the export. */
  settings: SourceSettings;
  mode: 'import' | 'preview';
  destination?: DestinationConfig;
  convert?: ConvertOptions;
  folder?: string;
  /** A router of the caller's own; otherwise one is built from `routing` and the app-wide defaults. */
  router?: Router;
  /** Mapping set, organisation domains, catch-all, default region, require-sender-mapping; unset ones take the app-wide defaults. */
  routing?: RoutingRequest;
  connectorId?: number | null;
  /** Start a new run even when an unfinished run of the same input could be resumed. */
  newRun?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
  batchSize?: number;
}

export class Engine {
  readonly runs: RunStore;
  readonly ledger: Ledger;
  /** Mapping files and sets, routing settings, the unmapped queue and its re-import. */
  readonly mapping: MappingService;

  private constructor(readonly db: Db, readonly dataDir: string, readonly secrets: SecretStore) {
    this.runs = new RunStore(db);
    this.ledger = new Ledger(db);
    this.mapping = new MappingService(db, secrets);
    this.runs.markInterrupted();
  }

  static open(dataDir: string, secrets: SecretStore = new KeychainSecretStore()): Engine {
    return new Engine(openStore(dataDir), dataDir, secrets);
  }

  /** Imports (or previews) an export. An interrupted or cancelled import of the same input resumes. */
  async run(req: ImportRequest): Promise<RunReport> {
    const source = getSource(req.kind);
    const settings = { ...req.settings, path: path.resolve(req.settings.path) };
    const destConfig = req.destination ?? { kind: 'archive' };
    const destination = createDestination(destConfig, { db: this.db, secrets: this.secrets });
    const folder = req.folder ?? defaultFolder(source, settings);
    const routing = this.mapping.routingConfig(req.routing, destination.kind, req.connectorId ?? null);
    let resumable = req.mode === 'import' && !req.newRun
      ? this.runs.findResumable(req.kind, settings.path, destination.key) : undefined;
    // A resume routes as its run began; asked to route differently, start a new run instead (the ledger keeps every copy single).
    const recorded = resumable && !req.router ? this.mapping.recordedRouting(resumable.id) : null;
    if (recorded && JSON.stringify(recorded) !== JSON.stringify(routing)) resumable = undefined;
    const plumbing = this.mapping.forRun({
      kind: req.kind, mode: req.mode, destination, destinationConfig: destConfig, folder, routing, ...(req.router ? { router: req.router } : {}),
    });
    return executeRun(this.db, {
      kind: req.kind, source, settings, mode: req.mode, destination, destinationConfig: destConfig,
      router: plumbing.router, afterItem: plumbing.afterItem, folder,
      ...(req.convert ? { convert: req.convert } : {}),
      connectorId: req.connectorId ?? null,
      ...(resumable ? { resumeRunId: resumable.id } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
      ...(req.onProgress ? { onProgress: req.onProgress } : {}),
      ...(req.batchSize ? { batchSize: req.batchSize } : {}),
    });
  }

  /** Continues an interrupted, cancelled or failed run with the settings it was started with. */
  async resume(runId: number, hooks: Pick<ImportRequest, 'signal' | 'onProgress' | 'router'> = {}): Promise<RunReport> {
    const prev = this.runs.get(runId);
    if (!prev) throw configError(`run ${runId} does not exist`);
    if (prev.kind === REIMPORT_KIND && !hooks.router) return this.mapping.resumeReimport(runId, hooks);
    const o = prev.options as { settings: SourceSettings; convert?: ConvertOptions; folder?: string; destinationConfig?: DestinationConfig };
    const destConfig = o.destinationConfig ?? { kind: 'archive' };
    const source = getSource(prev.kind);
    const destination = createDestination(destConfig, { db: this.db, secrets: this.secrets });
    const folder = o.folder ?? defaultFolder(source, o.settings);
    // The routing the run recorded, so the rest of it goes where the first part went.
    const plumbing = this.mapping.forRun({
      kind: prev.kind, mode: prev.mode, destination, destinationConfig: destConfig, folder,
      routing: this.mapping.recordedRouting(runId) ?? this.mapping.routingConfig({}, destination.kind, prev.connectorId),
      ...(hooks.router ? { router: hooks.router } : {}),
    });
    return executeRun(this.db, {
      kind: prev.kind, source, settings: o.settings, mode: prev.mode, destination, destinationConfig: destConfig,
      ...(o.convert ? { convert: o.convert } : {}), folder, router: plumbing.router, afterItem: plumbing.afterItem,
      connectorId: prev.connectorId, resumeRunId: runId,
      ...(hooks.signal ? { signal: hooks.signal } : {}), ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
    });
  }

  report(runId: number): RunReport {
    return report(this.runs, runId);
  }

  close(): void {
    this.db.close();
  }
}
