/** Reads a whole source into arrays, for tests over small fixtures. */
import { expect } from 'vitest';
import type { BadRecord, Item } from '../../main/engine/item';
import { isBadRecord } from '../../main/engine/item';
import type { Source, SourceSettings } from '../../main/engine/sources/types';

export interface Collected {
  items: Item[];
  bad: BadRecord[];
  notices: string[];
}

export async function collect(source: Source, settings: SourceSettings): Promise<Collected> {
  const out: Collected = { items: [], bad: [], notices: [] };
  for await (const r of source.read(settings, { notice: (m) => out.notices.push(m) })) {
    if (isBadRecord(r)) out.bad.push(r);
    else out.items.push(r);
  }
  return out;
}

/** Reads every attachment of an item (to check the lazy readers really work). */
export async function attachmentContents(item: Item): Promise<Map<string, Buffer>> {
  const m = new Map<string, Buffer>();
  for (const a of item.attachments) m.set(a.filename, await a.read());
  return m;
}

/** The item with this id; failing with the ids there are. */
export function byId(items: Item[], id: string): Item {
  const it = items.find((x) => x.id === id);
  if (!it) throw new Error(`no item ${id}; have ${items.map((i) => i.id).join(', ')}`);
  return it;
}

/** How many items of each event. */
export function eventCounts(items: Item[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const i of items) c[i.event] = (c[i.event] ?? 0) + 1;
  return c;
}

/** Reading reports progress up to 1, never going back, and stops after the record it was cancelled on. */
export async function expectProgressAndCancellation(source: Source, settings: SourceSettings): Promise<void> {
  const seen: number[] = [];
  let all = 0;
  for await (const _ of source.read(settings, { progress: (f) => seen.push(f) })) all++;
  expect(seen.length).toBeGreaterThan(0);
  expect(seen[seen.length - 1]).toBe(1);
  expect(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= seen[i - 1]!))).toBe(true);
  const ac = new AbortController();
  let read = 0;
  for await (const _ of source.read(settings, { signal: ac.signal })) { read++; ac.abort(); }
  expect(all).toBeGreaterThan(1);
  expect(read).toBe(1);
}
