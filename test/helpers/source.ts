/** Reads a whole source into arrays, for tests over small fixtures. */
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
