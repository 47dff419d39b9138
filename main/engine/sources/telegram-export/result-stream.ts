/**
 * Streams the parts of result.json Ferry needs, one value at a time, in file order: each chat's
 * `name`/`type`/`id`, each message, and `personal_information`. Only these paths are selected and
 * the parser keeps no stack, so memory holds one message at a time however large a chat is.
 *
 * Two layouts: one chat (`{ name, type, id, messages: [...] }`) and a full export
 * (`{ about, personal_information, chats: { list: [...] }, left_chats: { list: [...] } }`).
 */
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { dataError } from '../../errors';
import { streamJson } from '../shared/json-stream';

const CHAT_FIELDS = ['name', 'type', 'id'] as const;
type ChatField = (typeof CHAT_FIELDS)[number];
const LISTS = ['chats', 'left_chats'] as const;

const PATHS = [
  '$.about', '$.personal_information',
  ...CHAT_FIELDS.map((f) => `$.${f}`), '$.messages.*',
  ...LISTS.flatMap((l) => [...CHAT_FIELDS.map((f) => `$.${l}.list.*.${f}`), `$.${l}.list.*.messages.*`]),
];

export type ResultValue =
  | { kind: 'about' }
  | { kind: 'personal'; value: unknown }
  /** `chat` is `''` for a one-chat export, `chats.list[3]` / `left_chats.list[0]` in a full one. */
  | { kind: 'chat-field'; chat: string; field: ChatField; value: unknown }
  | { kind: 'message'; chat: string; index: number; value: unknown };

function route(path: (string | number)[], key: string | number | undefined, value: unknown): ResultValue | undefined {
  if (path.length === 0) {
    if (key === 'about') return { kind: 'about' };
    if (key === 'personal_information') return { kind: 'personal', value };
    if (CHAT_FIELDS.includes(key as ChatField)) return { kind: 'chat-field', chat: '', field: key as ChatField, value };
    return undefined;
  }
  if (path.length === 1 && path[0] === 'messages' && typeof key === 'number') return { kind: 'message', chat: '', index: key, value };
  const [list, l, i, m] = path;
  if (!LISTS.includes(list as (typeof LISTS)[number]) || l !== 'list' || typeof i !== 'number') return undefined;
  const chat = `${list}.list[${i}]`;
  if (path.length === 3 && CHAT_FIELDS.includes(key as ChatField)) return { kind: 'chat-field', chat, field: key as ChatField, value };
  if (path.length === 4 && m === 'messages' && typeof key === 'number') return { kind: 'message', chat, index: key, value };
  return undefined;
}

/**
 * Counts bytes as they pass, for progress and for the check's read budget. A read error mid-way (a
 * damaged ZIP entry, a vanished file) becomes a data error naming the file and offset, like a truncation.
 */
function counted(input: Readable, describe: string, onBytes: (n: number) => void): Readable {
  let offset = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) { offset += chunk.length; onBytes(chunk.length); cb(null, chunk); },
  });
  input.on('error', (err) => t.destroy(dataError(`${describe}: cannot be read past byte ${offset} (${err.message})`, err)));
  t.on('close', () => input.destroy());
  return input.pipe(t);
}

/**
 * Yields the selected values. A syntax error or a truncated file throws a FerryError('data') naming
 * the file and byte offset, after every complete value before it.
 */
export async function* resultValues(input: Readable, describe: string, onBytes: (n: number) => void = () => {}): AsyncGenerator<ResultValue> {
  for await (const v of streamJson(counted(input, describe, onBytes), { paths: PATHS, describe })) {
    const r = route(v.path, v.key, v.value);
    if (r) yield r;
  }
}
