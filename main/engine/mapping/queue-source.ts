/**
 * A source that reads a re-import batch from the unmapped queue, so a re-import is a normal run
 * (its own run in the history, counted, cancellable, resumable). The batch is a fixed list made
 * before the run: items resolved during the run do not shift the order a resume replays.
 */
import type { Db } from '../store/db';
import type { Item, SourceRecord } from '../item';
import type { Source } from '../sources/types';
import { classify, configError } from '../errors';
import { UnmappedQueue } from './queue';

export const REIMPORT_KIND = 'unmapped-reimport';

export interface ReimportSource extends Source {
  /** The folder the item was queued for (a run has one folder; a batch mixes sources). */
  folderOf(item: Item): string | undefined;
}

export function reimportSource(db: Db): ReimportSource {
  const queue = new UnmappedQueue(db);
  const folders = new WeakMap<Item, string>();
  const batchOf = (settings: Record<string, unknown>) => {
    const batch = Number(settings.batch);
    if (!Number.isInteger(batch) || batch <= 0) throw configError(`re-import settings name no batch (got ${String(settings.batch)})`);
    return batch;
  };
  return {
    spec: {
      kind: REIMPORT_KIND, title: 'Unmapped queue re-import', platform: 'Ferry',
      description: 'Items of the unmapped queue imported again with the current mapping', settings: [],
    },
    async check(settings) {
      const n = db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM reimport_batch_items WHERE batch = ?').get(batchOf(settings))!.n;
      return n ? { ok: true, message: `${n} queued items` } : { ok: false, message: 'the re-import batch is empty or does not exist' };
    },
    async *read(settings, ctx): AsyncGenerator<SourceRecord> {
      const batch = batchOf(settings);
      const rows = db.prepare<[number], { seq: number; item: number; source_item_id: string; folder: string }>(
        `SELECT b.seq, b.item, u.source_item_id, u.folder FROM reimport_batch_items b JOIN unmapped_items u ON u.id = b.item
         WHERE b.batch = ? ORDER BY b.seq`).all(batch);
      if (!rows.length) throw configError(`re-import batch ${batch} is empty or does not exist`);
      for (const [i, r] of rows.entries()) {
        if (ctx.signal?.aborted) return;
        ctx.progress?.(i / rows.length);
        const origin = { file: 'unmapped queue', position: `queue item ${r.item}` };
        let item: Item;
        try {
          item = await queue.restore(r.item);
        } catch (err) {
          yield { bad: true, origin, id: r.source_item_id, reason: classify(err).message };
          continue;
        }
        folders.set(item, r.folder);
        yield item;
      }
    },
    folderOf: (item) => folders.get(item),
  };
}
