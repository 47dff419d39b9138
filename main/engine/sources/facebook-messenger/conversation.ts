/**
 * One conversation, over its `message_<n>.json` files. A first streaming pass gathers what the
 * messages need (participants — also senders and reactors the list leaves out — title, thread_path,
 * each file's time range); the second loads one file at a time (Meta cuts them at 10,000 messages)
 * and puts its messages in time order, since Meta writes them newest first.
 */
import { FerryError, errorMessage } from '../../errors';
import type { ExportTree } from '../shared/export-tree';
import { jsonValues } from '../shared/json-values';
import { repairDeep, repairMojibake } from './mojibake';

type Rec = Record<string, unknown>;

export const PATHS = ['$.participants.*', '$.title', '$.thread_path', '$.messages.*'];

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const rec = (v: unknown): Rec | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? v as Rec : undefined);

export interface FileScan {
  entry: string;
  messages: number;
  first?: number;
  last?: number;
  brokeOff?: string;
}

export interface ConversationScan {
  title?: string;
  threadPath?: string;
  /** Names from `participants` (new: `[{name}]`, 2018: plain strings), then senders and reactors, in order of appearance. */
  people: string[];
  files: FileScan[];
  messages: number;
}

export function timestampOf(m: Rec): number | undefined {
  if (typeof m.timestamp_ms === 'number' && Number.isFinite(m.timestamp_ms)) return m.timestamp_ms;
  // Exports from before 2018 wrote seconds.
  if (typeof m.timestamp === 'number' && Number.isFinite(m.timestamp)) return m.timestamp * 1000;
  return undefined;
}

export async function scanConversation(tree: ExportTree, entries: string[], onBytes?: (n: number) => void, signal?: AbortSignal): Promise<ConversationScan> {
  const scan: ConversationScan = { people: [], files: [], messages: 0 };
  const seen = new Set<string>();
  const person = (v: unknown) => {
    const name = str(v) !== undefined ? repairMojibake(str(v)!) : undefined;
    if (name && !seen.has(name)) { seen.add(name); scan.people.push(name); }
  };
  for (const entry of entries) {
    const f: FileScan = { entry, messages: 0 };
    scan.files.push(f);
    try {
      for await (const v of jsonValues(tree, entry, PATHS, onBytes)) {
        if (signal?.aborted) return scan;
        const top = v.path[0] ?? v.key;
        if (top === 'participants') person(rec(v.value)?.name ?? v.value);
        else if (v.key === 'title' && str(v.value)) scan.title ??= repairMojibake(str(v.value)!);
        else if (v.key === 'thread_path' && str(v.value)) scan.threadPath ??= repairMojibake(str(v.value)!);
        else if (top === 'messages') {
          f.messages++;
          const m = rec(v.value);
          if (!m) continue;
          person(m.sender_name);
          if (Array.isArray(m.reactions)) for (const r of m.reactions) person(rec(r)?.actor);
          const ts = timestampOf(m);
          if (ts !== undefined) {
            f.first ??= ts;
            f.last = ts;
          }
        }
      }
    } catch (err) {
      if (!(err instanceof FerryError) || err.errorClass !== 'data') throw err;
      f.brokeOff = errorMessage(err);
    }
    scan.messages += f.messages;
  }
  return scan;
}

/** Oldest file first: Meta numbers them newest first (message_1 holds the latest messages). */
export function fileOrder(scan: ConversationScan): FileScan[] {
  const low = (f: FileScan) => Math.min(f.first ?? Infinity, f.last ?? Infinity);
  return scan.files.map((f, i) => ({ f, i })).sort((a, b) => low(a.f) - low(b.f) || b.i - a.i).map((x) => x.f);
}

export interface LoadedFile {
  /** Messages in time order, each with its index in the file. */
  messages: { value: unknown; index: number }[];
  /** Why reading stopped early, when it did. */
  brokeOff?: string;
}

/** One file's messages, repaired, oldest first. */
export async function loadFile(tree: ExportTree, entry: string, onBytes?: (n: number) => void): Promise<LoadedFile> {
  const messages: { value: unknown; index: number }[] = [];
  let brokeOff: string | undefined;
  try {
    for await (const v of jsonValues(tree, entry, ['$.messages.*'], onBytes)) {
      messages.push({ value: repairDeep(v.value), index: typeof v.key === 'number' ? v.key : messages.length });
    }
  } catch (err) {
    if (!(err instanceof FerryError) || err.errorClass !== 'data') throw err;
    brokeOff = errorMessage(err);
  }
  const ts = (x: { value: unknown } | undefined) => (rec(x?.value) ? timestampOf(rec(x!.value)!) : undefined);
  const first = messages.find((m) => ts(m) !== undefined);
  const last = [...messages].reverse().find((m) => ts(m) !== undefined);
  if (first && last && ts(first)! > ts(last)!) messages.reverse();
  return { messages, ...(brokeOff ? { brokeOff } : {}) };
}

/**
 * Files larger than this (Meta cuts at 10,000 messages, but 2018 exports wrote one `message.json` per
 * conversation, of any size) are streamed in file order instead of loaded and reversed: memory stays
 * bounded, and a notice says their items come newest first.
 */
export const MAX_BUFFERED = 50_000;

/** One file's messages, repaired, in file order, streamed. A break mid-way throws the data error after them. */
export async function* streamFile(tree: ExportTree, entry: string, onBytes?: (n: number) => void): AsyncGenerator<{ value: unknown; index: number }> {
  let i = 0;
  for await (const v of jsonValues(tree, entry, ['$.messages.*'], onBytes)) {
    yield { value: repairDeep(v.value), index: typeof v.key === 'number' ? v.key : i };
    i++;
  }
}
