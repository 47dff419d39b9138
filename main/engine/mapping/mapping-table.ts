/**
 * A mapping set in memory: external id → mailbox, optionally valid between two dates (a phone
 * number reassigned to someone else maps by the item's date). Lookups by key; an alias (a weaker
 * reading of an id, see `ExternalId`) is used only when no row has the key itself.
 */
import type { IdentityKind } from '../item';
import { formatBound } from './dates';

export interface MappingRow {
  /** Line in the mapping file (1 = the header line). */
  line: number;
  /** The id as written in the file (cleaned of spreadsheet noise). */
  externalId: string;
  kind: IdentityKind;
  key: string;
  aliases: string[];
  mailbox: string;
  /** ISO instants; null = unbounded. Inclusive. */
  validFrom: string | null;
  validTo: string | null;
}

export interface MappingMatch {
  mailbox: string;
  row: MappingRow;
}

interface Entry {
  row: MappingRow;
  from: number;
  to: number;
}

const entryOf = (row: MappingRow): Entry => ({
  row,
  from: row.validFrom ? Date.parse(row.validFrom) : -Infinity,
  to: row.validTo ? Date.parse(row.validTo) : Infinity,
});

const sameMailbox = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function describeValidity(row: Pick<MappingRow, 'validFrom' | 'validTo'>): string {
  const from = row.validFrom ? formatBound(new Date(row.validFrom), 'from') : null;
  const to = row.validTo ? formatBound(new Date(row.validTo), 'to') : null;
  if (from && to) return `from ${from} to ${to}`;
  if (from) return `from ${from} on`;
  return to ? `until ${to}` : 'at all dates';
}

/** Collects rows and refuses one that maps an id already mapped to another mailbox over overlapping dates. */
export class ConflictChecker {
  private readonly byKey = new Map<string, Entry[]>();

  /** The earlier row this one contradicts, if any; otherwise the row is taken. */
  add(row: MappingRow): MappingRow | null {
    const e = entryOf(row);
    const list = this.byKey.get(row.key) ?? [];
    const clash = list.find((o) => !sameMailbox(o.row.mailbox, row.mailbox) && o.from <= e.to && e.from <= o.to);
    if (clash) return clash.row;
    list.push(e);
    this.byKey.set(row.key, list);
    return null;
  }
}

export class MappingTable {
  private readonly primary = new Map<string, Entry[]>();
  private readonly alias = new Map<string, Entry[]>();

  constructor(readonly rows: readonly MappingRow[]) {
    for (const row of rows) {
      const e = entryOf(row);
      push(this.primary, row.key, e);
      for (const a of row.aliases) push(this.alias, a, e);
    }
  }

  get size(): number {
    return this.rows.length;
  }

  /** The mailbox for the first key that maps at this date. Without a date, only rows valid at all dates apply. */
  lookup(keys: readonly string[], at: Date | undefined): MappingMatch | null {
    const t = at && !Number.isNaN(at.getTime()) ? at.getTime() : undefined;
    const covers = (e: Entry) => (t === undefined ? e.from === -Infinity && e.to === Infinity : e.from <= t && t <= e.to);
    for (const key of keys) {
      const hit = this.primary.get(key)?.find(covers);
      if (hit) return { mailbox: hit.row.mailbox, row: hit.row };
      const weak = (this.alias.get(key) ?? []).filter(covers);
      // An alias that two rows read differently is ambiguous: better unmapped than the wrong mailbox.
      if (weak.length && weak.every((w) => sameMailbox(w.row.mailbox, weak[0]!.row.mailbox))) {
        return { mailbox: weak[0]!.row.mailbox, row: weak[0]!.row };
      }
    }
    return null;
  }
}

function push(m: Map<string, Entry[]>, k: string, e: Entry): void {
  const list = m.get(k);
  if (list) list.push(e);
  else m.set(k, [e]);
}
