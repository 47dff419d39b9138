/**
 * The unmapped queue: items that mapped to nobody (or were refused because their sender did not
 * map), kept per destination with the identities that failed to map, so an admin can review them
 * offline, fix the mapping, see where they would now go, and import them again without the export.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/db';
import { nowIso } from '../store/db';
import { digestBytes } from '../convert/digest';
import { Ledger } from '../store/ledger';
import type { AfterItemContext } from '../runs/run';
import type { RunMode } from '../store/runs';
import type { IdentityKind, Item } from '../item';
import { configError, dataError } from '../errors';
import { type Region, cleanCell, keyFor, normalisePhone, queueKey, splitQueueKey } from './identity';
import { type StoredItem, restoreFields, restoreItem, storeItem } from './stored-item';
import type { MappingRouter } from './router';

export type QueueStatus = 'open' | 'resolved';

export interface QueueItem {
  queueId: number;
  destination: string;
  messageId: string;
  /** Source kind of the run that queued it. */
  kind: string;
  source: string;
  itemId: string;
  subject: string | null;
  date: string | null;
  folder: string;
  reason: 'unmapped' | 'refused';
  detail: string | null;
  status: QueueStatus;
  runId: number;
  lastRunId: number;
  resolvedRunId: number | null;
  queuedAt: string;
  identities: QueueIdentity[];
}

export interface QueueIdentity {
  key: string;
  kind: IdentityKind;
  platform: string;
  id: string;
  name: string | null;
  sender: boolean;
}

export interface UnmappedIdentitySummary {
  key: string;
  kind: IdentityKind;
  /** For handles and user ids: the platform they belong to. */
  platform: string;
  /** As the source wrote it (one of the spellings seen). */
  id: string;
  name: string | null;
  /** Open items this identity appears in (as sender or recipient). */
  items: number;
  firstDate: string | null;
  lastDate: string | null;
  sample: QueueItem;
}

export interface QueueFilter {
  /** Only items this identity (a queue key) appears in. */
  identity?: string;
  destination?: string;
  status?: QueueStatus;
  limit?: number;
  offset?: number;
}

/** Where a queued item would go now: the mailboxes, and which of them do not have it yet. */
export interface QueuePreviewEntry {
  queueId: number;
  itemId: string;
  source: string;
  subject: string | null;
  date: string | null;
  destination: string;
  /** The mailboxes it maps to now (each once), by participant. */
  mailboxes: { mailbox: string; participants: string[]; via: ('mapping' | 'automatic')[] }[];
  /** Mailboxes that would receive a new copy (the others already have it, e.g. the catch-all). */
  newCopies: string[];
  stillUnmapped: boolean;
  /** Identities that still map to nobody. */
  unmappedIdentities: string[];
  refusal?: string;
}

interface RawItem {
  id: number; destination: string; destination_config: string; message_id: string; kind: string; source: string;
  source_item_id: string; folder: string; subject: string | null; item_date: string | null; reason: 'unmapped' | 'refused';
  detail: string | null; identities: string; status: QueueStatus; run_id: number; seq: number;
  last_run_id: number; resolved_run_id: number | null; resolved_at: string | null; queued_at: string;
}

/** What the queue needs to know about the run whose items it records. */
export interface QueueRunContext {
  mode: RunMode;
  destination: string;
  destinationConfig: Record<string, unknown>;
  kind: string;
  /** The run's folder per source (a catch-all copy goes to the Inbox; a re-import goes here). */
  folder: string;
  /** The local archive holds each message's MIME: the queue refers to it instead of keeping a second copy. */
  archiveHoldsMime: boolean;
  defaultRegion: Region | null;
}

/** The queue's lookup key for a message in a destination (64 bits of SHA-256; the text columns confirm a match). */
export function queueHash(destination: string, messageId: string): bigint {
  return digestBytes('sha256', `${destination}\u0000${messageId}`).readBigInt64BE(0);
}

/** SQLite's default limit is 32,766 bound parameters; 6 per identity. */
const MAX_LINKS_PER_STATEMENT = 100;

const ITEM_COLUMNS = `id, destination, destination_config, message_id, kind, source, source_item_id, folder, subject, item_date,
  reason, detail, identities, status, run_id, seq, last_run_id, resolved_run_id, resolved_at, queued_at`;

export class UnmappedQueue {
  constructor(private readonly db: Db) {}

  /** The afterItem hook of a run: queues unmapped and refused items, resolves queued ones that now reached a mailbox. */
  recorder(ctx: QueueRunContext): (c: AfterItemContext) => void {
    if (ctx.mode !== 'import') return () => {};
    const find = this.db.prepare<[bigint, string, string], { id: number; identities: string }>(
      'SELECT id, identities FROM unmapped_items WHERE msg_hash = ? AND destination = ? AND message_id = ?');
    const insert = this.db.prepare<unknown[]>(`INSERT INTO unmapped_items
      (destination, destination_config, message_id, msg_hash, kind, source, source_item_id, folder, subject, item_date, reason, detail,
       item, identities, mime, pass_through, status, run_id, seq, last_run_id, queued_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)`);
    // Queued again (a later run, still unmapped): the item and its message stay as first kept.
    const requeue = this.db.prepare(`UPDATE unmapped_items SET reason = ?, detail = ?, identities = ?, status = 'open', last_run_id = ?,
      resolved_run_id = NULL, resolved_at = NULL WHERE id = ?`);
    const inArchive = this.db.prepare<[string], { one: number }>('SELECT 1 AS one FROM messages WHERE message_id = ?');
    // One statement for all of an item's identities (a group chat's item has one per member).
    const links: Statement[] = [];
    const linkAll = (queueId: number, ids: QueueIdentity[]) => {
      for (let from = 0; from < ids.length; from += MAX_LINKS_PER_STATEMENT) {
        const part = ids.slice(from, from + MAX_LINKS_PER_STATEMENT);
        const st = links[part.length] ??= this.db.prepare(
          `INSERT OR IGNORE INTO unmapped_identities (key, item, kind, platform, id, name) VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`);
        st.run(part.flatMap((i) => [i.key, queueId, i.kind, i.platform, i.id, i.name]));
      }
    };
    const unlink = this.db.prepare('DELETE FROM unmapped_identities WHERE key = ? AND item = ?');
    const resolve = this.db.prepare(`UPDATE unmapped_items SET status = 'resolved', resolved_run_id = ?, resolved_at = ?, last_run_id = ?
      WHERE msg_hash = ? AND destination = ? AND message_id = ? AND status = 'open'`);
    const destConfig = JSON.stringify(ctx.destinationConfig);

    return (c) => {
      const { item, route, message } = c;
      if (!route.unmapped && !route.refusal) {
        if (c.status !== 'failed') resolve.run(c.runId, nowIso(), c.runId, queueHash(ctx.destination, message.messageId), ctx.destination, message.messageId);
        return;
      }
      const ids: QueueIdentity[] = route.unmappedIdentities.map((p) => ({
        key: queueKey(p, ctx.defaultRegion), kind: p.kind, platform: p.platform, id: p.id, name: p.name ?? null, sender: p === item.from,
      }));
      const reason = route.refusal ? 'refused' : 'unmapped';
      const hash = queueHash(ctx.destination, message.messageId);
      const existing = find.get(hash, ctx.destination, message.messageId);
      let queueId: number;
      if (existing) {
        queueId = existing.id;
        for (const old of JSON.parse(existing.identities) as QueueIdentity[]) unlink.run(old.key, queueId);
        requeue.run(reason, route.refusal ?? null, JSON.stringify(ids), c.runId, queueId);
      } else {
        // Imported into the local archive: this very transaction stored the message there, no need to look.
        const delivered = c.status === 'imported' || c.status === 'partial';
        const archived = ctx.archiveHoldsMime && (delivered || inArchive.get(message.messageId) !== undefined);
        queueId = Number(insert.run(ctx.destination, destConfig, message.messageId, hash, ctx.kind, item.source, item.id, ctx.folder, message.subject,
          item.date?.toISOString() ?? null, reason, route.refusal ?? null, JSON.stringify(storeItem(item, message.omitted, { withBody: !archived })),
          JSON.stringify(ids), archived ? null : message.mime, item.mime ? 1 : 0, c.runId, c.seq, c.runId, nowIso()).lastInsertRowid);
      }
      linkAll(queueId, ids);
    };
  }

  counts(destination?: string): { open: number; resolved: number } {
    const rows = this.db.prepare<[string | null, string | null], { status: QueueStatus; n: number }>(
      'SELECT status, COUNT(*) AS n FROM unmapped_items WHERE (? IS NULL OR destination = ?) GROUP BY status').all(destination ?? null, destination ?? null);
    return { open: rows.find((r) => r.status === 'open')?.n ?? 0, resolved: rows.find((r) => r.status === 'resolved')?.n ?? 0 };
  }

  /** Identities that failed to map, with how many open items each appears in and a sample item. */
  identities(f: Omit<QueueFilter, 'identity' | 'status'> = {}): UnmappedIdentitySummary[] {
    const rows = this.db.prepare<[string | null, string | null, number, number], {
      key: string; kind: IdentityKind; platform: string; id: string; name: string | null; items: number; first: string | null; last: string | null; sample: number;
    }>(`SELECT i.key, MIN(i.kind) AS kind, MIN(i.platform) AS platform, MIN(i.id) AS id, MAX(i.name) AS name, COUNT(*) AS items,
        MIN(u.item_date) AS first, MAX(u.item_date) AS last, MIN(u.id) AS sample
      FROM unmapped_identities i JOIN unmapped_items u ON u.id = i.item
      WHERE u.status = 'open' AND (? IS NULL OR u.destination = ?)
      GROUP BY i.key ORDER BY items DESC, i.key LIMIT ? OFFSET ?`).all(f.destination ?? null, f.destination ?? null, f.limit ?? -1, f.offset ?? 0);
    return rows.map((r) => ({
      key: r.key, kind: r.kind, platform: r.platform, id: r.id, name: r.name, items: r.items, firstDate: r.first, lastDate: r.last,
      sample: this.get(r.sample)!,
    }));
  }

  /** Queued items, oldest first; with `identity`, only the items that identity appears in. */
  items(f: QueueFilter = {}): QueueItem[] {
    const where = ['u.status = ?'];
    const args: (string | number)[] = [f.status ?? 'open'];
    if (f.destination) { where.push('u.destination = ?'); args.push(f.destination); }
    if (f.identity) { where.push('u.id IN (SELECT item FROM unmapped_identities WHERE key = ?)'); args.push(f.identity); }
    args.push(f.limit ?? -1, f.offset ?? 0);
    const rows = this.db.prepare<(string | number)[], RawItem>(`SELECT ${ITEM_COLUMNS} FROM unmapped_items u WHERE ${where.join(' AND ')}
      ORDER BY u.item_date, u.id LIMIT ? OFFSET ?`).all(...args);
    return rows.map((r) => this.toItem(r));
  }

  /** Open items one at a time (id, folder and fields), for selections over a large queue. */
  *iterateOpen(f: Pick<QueueFilter, 'destination' | 'identity'> = {}): Generator<{ queueId: number; folder: string; item: Item }> {
    const where = [`u.status = 'open'`];
    const args: string[] = [];
    if (f.destination) { where.push('u.destination = ?'); args.push(f.destination); }
    if (f.identity) { where.push('u.id IN (SELECT item FROM unmapped_identities WHERE key = ?)'); args.push(f.identity); }
    const rows = this.db.prepare<string[], { id: number; folder: string; item: string }>(
      `SELECT u.id, u.folder, u.item FROM unmapped_items u WHERE ${where.join(' AND ')} ORDER BY u.id`).iterate(...args);
    for (const r of rows) yield { queueId: r.id, folder: r.folder, item: restoreFields(JSON.parse(r.item) as StoredItem) };
  }

  get(queueId: number): QueueItem | undefined {
    const r = this.db.prepare<[number], RawItem>(`SELECT ${ITEM_COLUMNS} FROM unmapped_items WHERE id = ?`).get(queueId);
    return r && this.toItem(r);
  }

  /** The keys of open items an admin's text may mean: a key as listed, or an id as written (`+44 7911…`, `@bob`, `U123`). */
  findIdentity(text: string, region?: Region | null): string[] {
    const s = cleanCell(text);
    const candidates = new Set<string>([s]);
    if (splitQueueKey(s)) candidates.add(s);
    const phone = normalisePhone(s, region);
    if (phone) candidates.add(`phone:${phone.e164}`);
    candidates.add(keyFor('email', s));
    const platforms = this.db.prepare<[], { platform: string }>('SELECT DISTINCT platform FROM unmapped_identities').all();
    for (const { platform } of platforms) {
      const p = platform.toLowerCase();
      candidates.add(`handle:${p}:${keyFor('handle', s).slice('handle:'.length)}`);
      candidates.add(`user-id:${p}:${s}`);
    }
    const list = [...candidates];
    return this.db.prepare<string[], { key: string }>(`SELECT DISTINCT i.key FROM unmapped_identities i JOIN unmapped_items u ON u.id = i.item
      WHERE u.status = 'open' AND i.key IN (${list.map(() => '?').join(',')}) ORDER BY i.key`).all(...list).map((r) => r.key);
  }

  /** The item with its body and attachments recoverable from the stored message, for a re-import. */
  async restore(queueId: number): Promise<Item> {
    const r = this.db.prepare<[number], { item: string; message_id: string; mime: Buffer | null }>('SELECT item, message_id, mime FROM unmapped_items WHERE id = ?').get(queueId);
    if (!r) throw configError(`unmapped queue item ${queueId} does not exist`);
    const stored = JSON.parse(r.item) as StoredItem;
    const load = () => {
      if (r.mime) return r.mime;
      const a = this.db.prepare<[string], { mime: Buffer }>('SELECT mime FROM messages WHERE message_id = ?').get(r.message_id);
      if (!a) throw dataError(`unmapped item ${stored.id}: its message ${r.message_id} is no longer in the local archive`);
      return a.mime;
    };
    return restoreItem(stored, load);
  }

  /** The item's fields only (no attachment contents): enough to route it. */
  fields(queueId: number): Item {
    const r = this.db.prepare<[number], { item: string }>('SELECT item FROM unmapped_items WHERE id = ?').get(queueId);
    if (!r) throw configError(`unmapped queue item ${queueId} does not exist`);
    return restoreFields(JSON.parse(r.item) as StoredItem);
  }

  /** Where open items would go with this router, and which mailboxes would get a new copy. */
  preview(router: MappingRouter, f: Omit<QueueFilter, 'status'> = {}): QueuePreviewEntry[] {
    const ledger = new Ledger(this.db);
    return this.items({ ...f, status: 'open' }).map((q) => {
      const item = this.fields(q.queueId);
      const route = router.route(item, q.folder);
      const boxes = new Map<string, QueuePreviewEntry['mailboxes'][number]>();
      if (!route.unmapped) {
        for (const p of [...(item.from ? [item.from] : []), ...item.to, ...(item.cc ?? []), ...(item.bcc ?? [])]) {
          const m = router.match(p, item.date);
          if (!m) continue;
          const k = m.mailbox.toLowerCase();
          const e = boxes.get(k) ?? { mailbox: m.mailbox, participants: [], via: [] };
          if (!e.participants.includes(p.id)) e.participants.push(p.id);
          if (!e.via.includes(m.via)) e.via.push(m.via);
          boxes.set(k, e);
        }
      }
      const newCopies = route.unmapped || route.refusal ? []
        : route.targets.filter((t) => !ledger.isDelivered({ destination: q.destination, mailbox: t.mailbox, messageId: q.messageId })).map((t) => t.mailbox);
      return {
        queueId: q.queueId, itemId: q.itemId, source: q.source, subject: q.subject, date: q.date, destination: q.destination,
        mailboxes: [...boxes.values()], newCopies, stillUnmapped: route.unmapped,
        unmappedIdentities: route.unmappedIdentities.map((i) => queueKey(i, router.options.defaultRegion)),
        ...(route.refusal ? { refusal: route.refusal } : {}),
      };
    });
  }

  /** The stored destination configuration of the queue's items for one destination. */
  destinationConfig(destination: string): Record<string, unknown> | undefined {
    const r = this.db.prepare<[string], { c: string }>('SELECT destination_config AS c FROM unmapped_items WHERE destination = ? ORDER BY id DESC LIMIT 1').get(destination);
    return r && (JSON.parse(r.c) as Record<string, unknown>);
  }

  destinations(status: QueueStatus = 'open'): string[] {
    return this.db.prepare<[string], { d: string }>('SELECT DISTINCT destination AS d FROM unmapped_items WHERE status = ? ORDER BY d').all(status).map((r) => r.d);
  }

  private toItem(r: RawItem): QueueItem {
    return {
      queueId: r.id, destination: r.destination, messageId: r.message_id, kind: r.kind, source: r.source, itemId: r.source_item_id,
      subject: r.subject, date: r.item_date, folder: r.folder, reason: r.reason, detail: r.detail, status: r.status, runId: r.run_id,
      lastRunId: r.last_run_id, resolvedRunId: r.resolved_run_id, queuedAt: r.queued_at,
      identities: JSON.parse(r.identities) as QueueIdentity[],
    };
  }
}
