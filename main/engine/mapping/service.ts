/**
 * Mapping, routing and the unmapped queue behind one typed front: what `Engine` exposes as
 * `engine.mapping` to the command line and to the desktop app's Mapping, Unmapped and Settings
 * screens. Check a mapping file into rows and per-row errors, save it as a new version, look up one
 * identity, build the router a run uses, list the unmapped queue, preview it and import it again.
 */
import type { Db } from '../store/db';
import { RunStore } from '../store/runs';
import type { IdentityKind } from '../item';
import type { Destination } from '../destinations/types';
import { type DestinationConfig, createDestination } from '../destinations/registry';
import type { AfterItemContext, RunProgress, RunReport } from '../runs/run';
import { executeRun } from '../runs/run';
import type { ConvertOptions } from '../convert/convert';
import type { RunMode } from '../store/runs';
import type { Router } from '../routing/types';
import { configError } from '../errors';
import { nowIso } from '../store/db';
import type { SecretStore } from '../secrets/secret-store';
import { type MappingCheck, type MappingParseOptions, parseMappingCsv, readMappingFile } from './csv';
import { type MappingRow, MappingTable } from './mapping-table';
import { MappingSets, type SaveResult } from './sets';
import { AppSettings, type RoutingDefaults, checkRouting } from './app-settings';
import { type IdentityMatch, MappingRouter, type RoutingConfig } from './router';
import { type Region, cleanCell, lookupKeys, parseRegion, readExternalId } from './identity';
import { type QueueFilter, type QueuePreviewEntry, UnmappedQueue } from './queue';
import { REIMPORT_KIND, reimportSource } from './queue-source';

/** What a caller asks of routing; anything unset takes the app-wide default (`AppSettings`). */
export type RoutingRequest = Partial<RoutingDefaults>;

export interface LookupRequest {
  /** The id as written: a phone number in any format, an email, a handle, a user id. */
  id: string;
  /** How to read it; guessed like a mapping file's id cell when absent. */
  kind?: IdentityKind;
  platform?: string;
  /** The person's own email address, when the source knows it. */
  email?: string;
  /** The date of the item (dated mappings); default now. */
  date?: Date;
  routing?: RoutingRequest;
  /** Rows of a mapping file not saved yet, instead of the stored mapping set. */
  rows?: MappingRow[];
}

export interface LookupResult {
  /** The key the id is compared by (`phone:+447911123456`). */
  key: string;
  kind: IdentityKind;
  mailbox: string | null;
  via: IdentityMatch['via'] | null;
  /** The mapping row that matched (line, dates). */
  row?: MappingRow;
  mappingVersion: number | null;
}

export interface ReimportRequest {
  /** Only the items this identity (a queue key) appears in. */
  identity?: string;
  /** Only this destination's items (ledger key). */
  destination?: string;
  routing?: RoutingRequest;
  convert?: ConvertOptions;
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
  progressIntervalMs?: number;
  batchSize?: number;
}

export interface ReimportResult {
  /** One run per destination that had items to import (resumed unfinished re-imports first). */
  runs: RunReport[];
  /** Items selected because they map now. */
  selected: number;
  /** Open items left alone: they still map to nobody, or their sender still does not map (refused). */
  stillUnmapped: number;
  refused: number;
}

export interface RunRouting {
  router: Router;
  afterItem: (c: AfterItemContext) => void;
  routing: RoutingConfig;
}

export class MappingService {
  readonly sets: MappingSets;
  readonly settings: AppSettings;
  readonly queue: UnmappedQueue;

  /** `secrets`: where remote destinations of re-imports read their credentials (default: the OS keychain). */
  constructor(private readonly db: Db, private readonly secrets?: SecretStore) {
    this.sets = new MappingSets(db);
    this.settings = new AppSettings(db);
    this.queue = new UnmappedQueue(db);
  }

  private region(explicit?: string | null): Region | null {
    if (explicit !== undefined && explicit !== null && explicit !== '') {
      const r = parseRegion(explicit);
      if (!r) throw configError(`unknown default region "${explicit}" (use a two-letter country code such as GB, US, FR, DE, IN)`);
      return r;
    }
    if (explicit === null) return null;
    const d = this.settings.get('routing.defaultRegion');
    return d ? parseRegion(d) : null;
  }

  /** Reads and checks a mapping file: the good rows and every bad row with its line and reason. */
  async checkFile(file: string, opts: { defaultRegion?: string | null; dateOrder?: MappingParseOptions['dateOrder'] } = {}): Promise<MappingCheck> {
    return readMappingFile(file, { defaultRegion: this.region(opts.defaultRegion), ...(opts.dateOrder ? { dateOrder: opts.dateOrder } : {}) });
  }

  /** The same over file contents the app already holds (a file picked in the renderer). */
  checkContents(data: Buffer | string, opts: { fileName: string; defaultRegion?: string | null; dateOrder?: MappingParseOptions['dateOrder'] }): MappingCheck {
    return parseMappingCsv(data, { fileName: opts.fileName, defaultRegion: this.region(opts.defaultRegion), ...(opts.dateOrder ? { dateOrder: opts.dateOrder } : {}) });
  }

  /** Saves a checked file's good rows as a new mapping set version (the newest, used by default). */
  save(check: MappingCheck, opts: { label?: string; connectorId?: number | null } = {}): SaveResult {
    return this.sets.save(check, opts);
  }

  async importFile(file: string, opts: { label?: string; connectorId?: number | null; defaultRegion?: string | null; dateOrder?: MappingParseOptions['dateOrder'] } = {}):
    Promise<{ check: MappingCheck; saved: SaveResult }> {
    const check = await this.checkFile(file, opts);
    return { check, saved: this.save(check, { ...(opts.label ? { label: opts.label } : {}), ...(opts.connectorId !== undefined ? { connectorId: opts.connectorId } : {}) }) };
  }

  /**
   * Resolves a request against the app-wide defaults into what a run records and routes with.
   * `latest` is the connector's newest mapping set when it has one, else the newest app-wide one.
   */
  routingConfig(req: RoutingRequest = {}, destinationKind = 'archive', connectorId: number | null = null): RoutingConfig {
    const r = { ...this.settings.routingDefaults(), ...checkRouting(req) };
    let mappingSet: number | null;
    if (r.mappingSet === 'none') mappingSet = null;
    else if (r.mappingSet === 'latest') mappingSet = (connectorId !== null ? this.sets.latest(connectorId) : undefined)?.version ?? this.sets.latest()?.version ?? null;
    else {
      if (!this.sets.get(r.mappingSet)) throw configError(`mapping set version ${r.mappingSet} does not exist`);
      mappingSet = r.mappingSet;
    }
    return {
      mappingSet, orgDomains: r.orgDomains, catchAll: r.catchAll, defaultRegion: r.defaultRegion,
      requireSenderMapping: r.requireSenderMapping, keepUnassigned: destinationKind === 'archive',
    };
  }

  router(config: RoutingConfig, table?: MappingTable): MappingRouter {
    return new MappingRouter({
      mapping: table ?? (config.mappingSet === null ? null : this.sets.table(config.mappingSet)),
      mappingVersion: table ? null : config.mappingSet,
      orgDomains: config.orgDomains, catchAll: config.catchAll, defaultRegion: config.defaultRegion ? parseRegion(config.defaultRegion) : null,
      requireSenderMapping: config.requireSenderMapping, keepUnassigned: config.keepUnassigned,
    });
  }

  /** Where one identity maps (at a date), and by which rule. */
  lookup(req: LookupRequest): LookupResult {
    const config = this.routingConfig(req.routing);
    const router = this.router(config, req.rows ? new MappingTable(req.rows) : undefined);
    const id = cleanCell(req.id);
    let kind = req.kind;
    if (!kind) {
      const ext = readExternalId(id, router.options.defaultRegion);
      if (typeof ext === 'string') throw configError(ext);
      kind = ext.kind;
    }
    const identity = { id, kind, platform: req.platform ?? 'lookup', ...(req.email ? { email: req.email } : {}) };
    const m = router.match(identity, req.date ?? new Date());
    return {
      key: lookupKeys(identity, router.options.defaultRegion)[0]!, kind, mailbox: m?.mailbox ?? null, via: m?.via ?? null, ...(m?.row ? { row: m.row } : {}), mappingVersion: config.mappingSet,
    };
  }

  /** The routing config a run recorded (null for runs routed by a caller-supplied router, or before any item). */
  recordedRouting(runId: number): RoutingConfig | null {
    const r = this.db.prepare<[number], { routing: string | null }>('SELECT routing FROM runs WHERE id = ?').get(runId);
    return r?.routing ? (JSON.parse(r.routing) as RoutingConfig) : null;
  }

  /**
   * The router and afterItem hook for a run: routing recorded with the run (with its first recorded
   * item, in the same transaction) and the unmapped queue kept.
   */
  forRun(o: { kind: string; mode: RunMode; destination: Destination; destinationConfig: DestinationConfig; folder: string; routing: RoutingConfig;
    /** A router of the caller's own: the routing config is then not recorded (it does not describe that router). */
    router?: Router; recordRouting?: boolean }): RunRouting {
    const router = o.router ?? this.router(o.routing);
    const recordRouting = o.recordRouting ?? !o.router;
    const queueHook = this.queue.recorder({
      mode: o.mode, destination: o.destination.key, destinationConfig: o.destinationConfig, kind: o.kind, folder: o.folder,
      archiveHoldsMime: o.destination.kind === 'archive', defaultRegion: o.routing.defaultRegion ? parseRegion(o.routing.defaultRegion) : null,
    });
    const record = this.db.prepare('UPDATE runs SET routing = ? WHERE id = ? AND routing IS NULL');
    const json = JSON.stringify(o.routing);
    const recorded = new Set<number>();
    return {
      router, routing: o.routing,
      afterItem: (c) => {
        if (recordRouting && !recorded.has(c.runId)) { record.run(json, c.runId); recorded.add(c.runId); }
        queueHook(c);
      },
    };
  }

  /** Open items of the queue (optionally of one identity) and where they would go with this routing or unsaved rows. */
  previewUnmapped(f: Omit<QueueFilter, 'status'> & { routing?: RoutingRequest; rows?: MappingRow[] } = {}): QueuePreviewEntry[] {
    const { routing, rows, ...filter } = f;
    const out: QueuePreviewEntry[] = [];
    for (const dest of filter.destination ? [filter.destination] : this.queue.destinations()) {
      const kind = String(this.queue.destinationConfig(dest)?.kind ?? 'archive');
      const router = this.router(this.routingConfig(routing, kind), rows ? new MappingTable(rows) : undefined);
      out.push(...this.queue.preview(router, { ...filter, destination: dest }));
    }
    return out;
  }

  /**
   * Imports again the queued items that map now, as a normal run per destination (kind
   * `unmapped-reimport`). Same Message-IDs, so mailboxes that already have an item (the catch-all)
   * are skipped by the ledger; items that reach a mailbox are marked resolved.
   */
  async reimport(req: ReimportRequest = {}): Promise<ReimportResult> {
    const runs = new RunStore(this.db);
    runs.markInterrupted();
    const result: ReimportResult = { runs: [], selected: 0, stillUnmapped: 0, refused: 0 };
    const hooks = { ...(req.signal ? { signal: req.signal } : {}), ...(req.onProgress ? { onProgress: req.onProgress } : {}), ...(req.batchSize ? { batchSize: req.batchSize } : {}),
      ...(req.progressIntervalMs !== undefined ? { progressIntervalMs: req.progressIntervalMs } : {}) };

    const dests = req.destination ? [req.destination] : [...new Set([...this.queue.destinations(), ...this.unfinishedReimports().map((r) => r.destination)])];
    for (const dest of dests) {
      if (req.signal?.aborted) break;
      // An interrupted or cancelled re-import of this destination finishes first, as it was started.
      for (const prev of this.unfinishedReimports(dest)) result.runs.push(await this.resumeReimport(prev.id, hooks));

      const destConfig = this.queue.destinationConfig(dest);
      if (!destConfig) continue;
      const destination = createDestination(destConfig as DestinationConfig, this.destinationContext());
      const routing = this.routingConfig(req.routing, destination.kind);
      const router = this.router(routing);
      const picked: number[] = [];
      for (const q of this.queue.iterateOpen({ destination: dest, ...(req.identity ? { identity: req.identity } : {}) })) {
        const route = router.route(q.item, q.folder);
        if (route.unmapped) result.stillUnmapped++;
        else if (route.refusal) result.refused++;
        else picked.push(q.queueId);
      }
      if (!picked.length) continue;
      result.selected += picked.length;
      const batch = this.db.transaction(() => {
        const id = Number(this.db.prepare('INSERT INTO reimport_batches (destination, filter, created_at) VALUES (?, ?, ?)')
          .run(dest, JSON.stringify({ identity: req.identity ?? null }), nowIso()).lastInsertRowid);
        const ins = this.db.prepare('INSERT INTO reimport_batch_items (batch, seq, item) VALUES (?, ?, ?)');
        picked.forEach((item, seq) => ins.run(id, seq, item));
        return id;
      })();
      result.runs.push(await this.runReimport({ batch, destination, destConfig: destConfig as DestinationConfig, routing, convert: req.convert, hooks }));
    }
    return result;
  }

  /** Continues an interrupted or cancelled re-import run with the routing it recorded. */
  async resumeReimport(runId: number, hooks: Pick<ReimportRequest, 'signal' | 'onProgress' | 'batchSize' | 'progressIntervalMs'> = {}): Promise<RunReport> {
    const prev = new RunStore(this.db).get(runId);
    if (!prev || prev.kind !== REIMPORT_KIND) throw configError(`run ${runId} is not a re-import of the unmapped queue`);
    const o = prev.options as { settings: { path: string; batch: number }; convert?: ConvertOptions; destinationConfig?: DestinationConfig };
    const destConfig = o.destinationConfig ?? { kind: 'archive' };
    const destination = createDestination(destConfig, this.destinationContext());
    const routing = this.recordedRouting(runId) ?? this.routingConfig({}, destination.kind);
    return this.runReimport({ batch: o.settings.batch, destination, destConfig, routing, convert: o.convert, hooks, resumeRunId: runId });
  }

  private async runReimport(o: { batch: number; destination: Destination; destConfig: DestinationConfig; routing: RoutingConfig; convert: ConvertOptions | undefined;
    hooks: Pick<ReimportRequest, 'signal' | 'onProgress' | 'batchSize' | 'progressIntervalMs'>; resumeRunId?: number }): Promise<RunReport> {
    const source = reimportSource(this.db);
    const base = this.router(o.routing);
    // A batch mixes sources: each item goes to the folder it was queued for.
    const router: Router = { mappingVersion: base.mappingVersion, route: (item, folder) => base.route(item, source.folderOf(item) ?? folder) };
    const plumbing = this.forRun({ kind: REIMPORT_KIND, mode: 'import', destination: o.destination, destinationConfig: o.destConfig, folder: 'Inbox', routing: o.routing, router, recordRouting: true });
    return executeRun(this.db, {
      kind: REIMPORT_KIND, source, settings: { path: `unmapped queue, batch ${o.batch}`, batch: o.batch }, mode: 'import',
      destination: o.destination, destinationConfig: o.destConfig, router: plumbing.router, afterItem: plumbing.afterItem,
      ...(o.convert ? { convert: o.convert } : {}), ...(o.resumeRunId ? { resumeRunId: o.resumeRunId } : {}),
      ...(o.hooks.signal ? { signal: o.hooks.signal } : {}), ...(o.hooks.onProgress ? { onProgress: o.hooks.onProgress } : {}),
      ...(o.hooks.batchSize ? { batchSize: o.hooks.batchSize } : {}),
      ...(o.hooks.progressIntervalMs !== undefined ? { progressIntervalMs: o.hooks.progressIntervalMs } : {}),
    });
  }

  private destinationContext() {
    return { db: this.db, ...(this.secrets ? { secrets: this.secrets } : {}) };
  }

  private unfinishedReimports(destination?: string): { id: number; destination: string }[] {
    return this.db.prepare<[string, string | null, string | null], { id: number; destination: string }>(
      `SELECT id, destination FROM runs WHERE kind = ? AND mode = 'import' AND status IN ('interrupted', 'cancelled')
       AND (? IS NULL OR destination = ?) ORDER BY id`).all(REIMPORT_KIND, destination ?? null, destination ?? null);
  }
}
