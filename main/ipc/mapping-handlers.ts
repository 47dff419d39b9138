/**
 * The Mapping, Unmapped and Settings screens' channels, over the mapping engine (`engine.mapping`):
 * CSV mapping sets (one chain of versions per connector; the organisation's when a connector has
 * none), lookups, the unmapped queue with where its items would go now and their re-import, and the
 * app-wide routing settings.
 */
import type { Channel, CountsView, FerryEvent, MappingRowView, MappingSetView, ParsedRequestOf, ReplyOf } from '../../preload/contract';
import type { Engine } from '../engine/engine';
import { configError } from '../engine/errors';
import type { MappingCheck } from '../engine/mapping/csv';
import type { MappingRow } from '../engine/mapping/mapping-table';
import type { MappingSetInfo } from '../engine/mapping/sets';
import { parseRegion, readExternalId } from '../engine/mapping/identity';
import type { ConnectorStore } from '../engine/connectors/connector-store';
import { routingRequestFor } from '../engine/connectors/connector-routing';
import { readDefaultDestination, saveDefaultDestination } from '../engine/connectors/app-defaults';
import type { ReimportRunner } from './reimport-runner';

type Fn<C extends Channel> = (r: ParsedRequestOf<C>) => Promise<ReplyOf<C>> | ReplyOf<C>;

export interface MappingHandlers {
  getSettings(): ReplyOf<'settings.get'>;
  saveSettings(s: ParsedRequestOf<'settings.save'>['settings']): ReplyOf<'settings.save'>;
  check: Fn<'mapping.check'>;
  lookup: Fn<'mapping.lookup'>;
  save: Fn<'mapping.save'>;
  current: Fn<'mapping.current'>;
  unmappedList: Fn<'unmapped.list'>;
  unmappedItems: Fn<'unmapped.items'>;
  addMapping: Fn<'unmapped.addMapping'>;
  reimport: Fn<'unmapped.reimport'>;
}

const rowView = (r: MappingRow): MappingRowView => ({
  line: r.line, externalId: r.externalId, kind: r.kind, normalized: r.key, mailbox: r.mailbox, validFrom: r.validFrom, validTo: r.validTo, error: null,
});

/** Good rows and bad rows (with their reason), in file order. */
function checkRows(check: MappingCheck): MappingRowView[] {
  return [
    ...check.rows.map(rowView),
    ...check.errors.map((e) => ({ line: e.line, externalId: e.externalId ?? '', kind: '—', normalized: null, mailbox: '', validFrom: null, validTo: null, error: e.reason })),
  ].sort((a, b) => a.line - b.line);
}

function setView(s: MappingSetInfo, active: boolean): MappingSetView {
  return { version: s.version, connectorId: s.connectorId, name: s.label, rows: s.rows, createdAt: s.createdAt, active };
}

/** `2024-05-31` (a date input) as the end of that day in UTC is not what admins mean: noon UTC keeps the calendar day in every zone. */
function lookupDate(d: string | undefined): Date | undefined {
  if (!d) return undefined;
  const t = /^\d{4}-\d{2}-\d{2}$/.test(d) ? Date.parse(`${d}T12:00:00Z`) : Date.parse(d);
  if (Number.isNaN(t)) throw configError(`"${d}" is not a date`);
  return new Date(t);
}

const COUNT_KEYS = ['available', 'imported', 'partial', 'duplicate', 'failed', 'unmapped'] as const;
const zeroCounts = (): CountsView => ({ available: 0, imported: 0, partial: 0, duplicate: 0, failed: 0, unmapped: 0 });

export function mappingHandlers(deps: { engine: Engine; connectors: ConnectorStore; emit: (e: FerryEvent) => void; reimports: ReimportRunner }): MappingHandlers {
  const { engine, connectors } = deps;
  const m = engine.mapping;
  const connectorOrNull = (id: number | undefined) => (id === undefined ? null : connectors.require(id));

  return {
    getSettings() {
      const r = m.settings.routingDefaults();
      return {
        dataDir: engine.dataDir, orgDomains: r.orgDomains, catchAll: r.catchAll, defaultRegion: r.defaultRegion,
        requireSenderMapping: r.requireSenderMapping, defaultDestination: readDefaultDestination(engine.db),
      };
    },
    saveSettings(s) {
      // Both checked before either is written: a bad default destination leaves the routing as it was.
      engine.db.transaction(() => {
        m.settings.saveRoutingDefaults({ orgDomains: s.orgDomains, catchAll: s.catchAll, defaultRegion: s.defaultRegion, requireSenderMapping: s.requireSenderMapping });
        saveDefaultDestination(engine.db, s.defaultDestination);
      })();
      deps.emit({ type: 'connectors-changed' });
      return this.getSettings();
    },

    check({ fileName, csv }) {
      const check = m.checkContents(csv, { fileName });
      return { rows: checkRows(check), loaded: check.rows.length, errors: check.errors.length, delimiter: check.delimiter || null };
    },
    lookup({ connectorId, csv, id, date }) {
      const c = connectorOrNull(connectorId);
      const rows = csv !== undefined ? m.checkContents(csv, { fileName: 'mapping.csv' }).rows : undefined;
      const at = lookupDate(date);
      const r = m.lookup({ id, routing: routingRequestFor(engine, c), ...(rows ? { rows } : {}), ...(at ? { date: at } : {}) });
      return { input: id, kind: r.kind, normalized: r.key, mailbox: r.mailbox, via: r.via ?? 'none', line: r.row?.line ?? null };
    },
    save({ connectorId, fileName, csv }) {
      connectors.require(connectorId);
      const check = m.checkContents(csv, { fileName });
      const saved = m.save(check, { connectorId, label: fileName });
      deps.emit({ type: 'connectors-changed' });
      return setView(saved.set, true);
    },
    current({ connectorId }) {
      connectors.require(connectorId);
      const own = m.sets.latest(connectorId);
      const set = own ?? m.sets.latest(null);
      return { set: set ? setView(set, true) : null, rows: set ? m.sets.rows(set.version).map(rowView) : [] };
    },

    unmappedList({ connectorId }) {
      const routing = routingRequestFor(engine, connectorOrNull(connectorId));
      return m.queue.identities().map((who) => {
        let wouldGoTo: string[] = [];
        try {
          const r = m.lookup({ id: who.id, kind: who.kind, platform: who.platform, routing });
          if (r.mailbox) wouldGoTo = [r.mailbox];
        } catch {
          // An id the mapping cannot read (it is still listed, mapping to nowhere).
        }
        return {
          key: who.key, id: who.id, kind: who.kind, platform: who.platform, name: who.name, items: who.items,
          sample: { subject: who.sample.subject, date: who.sample.date, origin: who.sample.kind }, wouldGoTo,
        };
      });
    },
    unmappedItems({ key, connectorId, limit }) {
      const routing = routingRequestFor(engine, connectorOrNull(connectorId));
      return m.previewUnmapped({ identity: key, limit: limit ?? 100, routing }).map((e) => {
        const sender = m.queue.get(e.queueId)?.identities.find((i) => i.sender);
        return {
          queueId: e.queueId, itemId: e.itemId, subject: e.subject, date: e.date, from: sender ? (sender.name ? `${sender.name} (${sender.id})` : sender.id) : null,
          targets: e.mailboxes.map((x) => ({ mailbox: x.mailbox, newCopy: e.newCopies.some((n) => n.toLowerCase() === x.mailbox.toLowerCase()) })),
          unmappedIdentities: e.unmappedIdentities,
        };
      });
    },
    addMapping({ connectorId, externalId, mailbox }) {
      connectors.require(connectorId);
      const region = m.settings.get('routing.defaultRegion');
      const ext = readExternalId(externalId, region ? parseRegion(region) : null);
      if (typeof ext === 'string') throw configError(ext);
      const base = m.sets.latest(connectorId) ?? m.sets.latest(null);
      // The new row replaces undated rows for the same id; dated rows (a reassigned number) stay.
      const rows = (base ? m.sets.rows(base.version) : []).filter((r) => !(r.key === ext.key && !r.validFrom && !r.validTo));
      const line = rows.reduce((n, r) => Math.max(n, r.line), 1) + 1;
      rows.push({ line, externalId, kind: ext.kind, key: ext.key, aliases: ext.aliases, mailbox: mailbox.trim(), validFrom: null, validTo: null });
      const saved = m.sets.save({ file: base ? `${base.fileName ?? base.label} + ${externalId}` : `added in Unmapped: ${externalId}`, rows, errors: [] }, { connectorId, label: `${base?.label ?? 'mapping'} + ${externalId} → ${mailbox.trim()}` });
      deps.emit({ type: 'connectors-changed' });
      return setView(saved.set, true);
    },
    reimport({ connectorId, keys }) {
      const routing = routingRequestFor(engine, connectorOrNull(connectorId));
      return deps.reimports.run(connectorId ?? null, async ({ signal, onProgress }) => {
        const total: ReplyOf<'unmapped.reimport'> = { runs: [], counts: zeroCounts(), selected: 0, stillUnmapped: 0, refused: 0 };
        try {
          for (const identity of keys ?? [undefined]) {
            if (signal.aborted) break;
            const r = await m.reimport({ routing, signal, onProgress, ...(identity ? { identity } : {}) });
            total.runs.push(...r.runs);
            total.selected += r.selected;
            total.stillUnmapped += r.stillUnmapped;
            total.refused += r.refused;
          }
        } finally {
          deps.emit({ type: 'connectors-changed' });
        }
        for (const run of total.runs) for (const k of COUNT_KEYS) total.counts[k] += run.counts[k];
        return total;
      });
    },
  };
}
