/** What every record of one backup file shares, and the helpers every record kind uses. */
import type { BadRecord, Identity } from '../../item';
import type { XmlRecord } from './xml-records';

export const SOURCE = 'SMS';

export interface FileContext {
  /** The file, as named in messages. */
  file: string;
  /** The `owner` setting, or a stand-in when it is not set. */
  owner: Identity;
}

export function position(r: XmlRecord): string {
  return `element ${r.index} <${r.name}>, line ${r.line}`;
}

export function badRecord(f: FileContext, r: XmlRecord, reason: string, id?: string): BadRecord {
  return { bad: true, origin: { file: f.file, position: position(r) }, reason, ...(id ? { id } : {}) };
}

const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();

/** Everyone but the sender, each number once; the sender alone for a note to self (TO is mandatory). */
export function others(from: Identity, people: Identity[]): Identity[] {
  const seen = new Set([from.id]);
  const out: Identity[] = [];
  for (const p of people) {
    if (seen.has(p.id)) continue;
    seen.add(p.id);
    out.push(p);
  }
  return out.length ? out : [from];
}

/** The attributes worth keeping as headers, when present. */
export function metaOf(attrs: Record<string, string>, keys: [string, string][]): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const [attr, header] of keys) {
    const v = attrs[attr];
    if (v !== undefined && v !== 'null' && v !== '') meta[header] = oneLine(v);
  }
  return meta;
}

/** A conversation: the numbers other than the owner, sorted, so both directions of a thread share it. */
export function conversationOf(people: Identity[], owner: Identity): { id: string; name?: string } {
  const parties = people.filter((p) => p.id !== owner.id);
  const id = [...new Set(parties.map((p) => p.id))].sort().join(',') || owner.id;
  const names = parties.map((p) => p.name ?? p.id);
  return { id, ...(names.length ? { name: names.join(', ') } : {}) };
}
