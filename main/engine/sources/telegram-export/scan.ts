/**
 * The first pass over result.json. The export has no member lists, so the people of each chat are
 * gathered here (ids and names only: memory grows with the number of people, not of messages),
 * with each chat's name, type and id, its forum topics, and who the exporting account is. The second
 * pass (read) then knows every chat's recipients before it emits the chat's first message.
 */
import type { Readable } from 'node:stream';
import { FerryError, errorMessage } from '../../errors';
import { bareId, chatPeerId, identity, peerId } from './peers';
import { resultValues } from './result-stream';
import type { Identity } from '../../item';

export interface ChatInfo {
  /** `''` for a one-chat export, `chats.list[3]` in a full one. */
  key: string;
  name?: string | null;
  type?: string;
  id?: string;
  /** The `id` as written, when it is not a usable number. */
  rawId?: unknown;
  messages: number;
  /** Senders (`from_id`, `actor_id`) and reactors, in the order first seen, with the first name seen. */
  people: Map<string, string | undefined>;
  /** Users who sent messages (used to tell who the exporting account is). */
  senders: Set<string>;
  /** Forum topics: the id of the `topic_created` service message → its title. */
  topics: Map<number, string>;
}

export interface ExportInfo {
  /** The JSON's entry in the export tree. */
  entry: string;
  chats: Map<string, ChatInfo>;
  personal?: { userId?: string; name?: string };
  /** The file has the full-export `about` text. */
  about: boolean;
  /** Where the file broke off (truncated or malformed), when it did. */
  brokeOff?: string;
  /** Stopped before the end: the check's read budget ran out, or the run was cancelled. */
  partial: boolean;
  bytes: number;
}

type Rec = Record<string, unknown>;

const nameOf = (v: unknown) => (typeof v === 'string' && v.trim() ? v : undefined);

function chatOf(info: ExportInfo, key: string): ChatInfo {
  let c = info.chats.get(key);
  if (!c) {
    c = { key, messages: 0, people: new Map(), senders: new Set(), topics: new Map() };
    info.chats.set(key, c);
  }
  return c;
}

function addPerson(c: ChatInfo, id: string | undefined, name: unknown): void {
  if (!id) return;
  const known = c.people.get(id);
  if (known === undefined) c.people.set(id, nameOf(name));
}

function noteMessage(c: ChatInfo, m: Rec): void {
  c.messages++;
  const sender = m.type === 'service' ? peerId(m.actor_id) : peerId(m.from_id);
  addPerson(c, sender, m.type === 'service' ? m.actor : m.from);
  if (sender?.startsWith('user')) c.senders.add(sender);
  if (Array.isArray(m.reactions)) {
    for (const r of m.reactions) {
      const recent = r && typeof r === 'object' ? (r as Rec).recent : undefined;
      if (!Array.isArray(recent)) continue;
      for (const x of recent) if (x && typeof x === 'object') addPerson(c, peerId((x as Rec).from_id), (x as Rec).from);
    }
  }
  const id = bareId(m.id);
  if (m.type === 'service' && m.action === 'topic_created' && id) c.topics.set(Number(id), nameOf(m.title) ?? `topic ${id}`);
}

export interface ScanOptions {
  onBytes?: (n: number) => void;
  /** Stop after this many bytes (check reads just enough of a very large file). */
  maxBytes?: number;
  signal?: AbortSignal;
}

export async function scanResult(input: Readable, entry: string, describe: string, opts: ScanOptions = {}): Promise<ExportInfo> {
  const info: ExportInfo = { entry, chats: new Map(), about: false, partial: false, bytes: 0 };
  const onBytes = (n: number) => { info.bytes += n; opts.onBytes?.(n); };
  try {
    for await (const v of resultValues(input, describe, onBytes)) {
      if (v.kind === 'about') info.about = true;
      else if (v.kind === 'personal') {
        const p = (v.value && typeof v.value === 'object' ? v.value : {}) as Rec;
        const userId = bareId(p.user_id);
        const name = [nameOf(p.first_name), nameOf(p.last_name)].filter(Boolean).join(' ') || undefined;
        info.personal = { ...(userId ? { userId } : {}), ...(name ? { name } : {}) };
      } else if (v.kind === 'chat-field') {
        const c = chatOf(info, v.chat);
        if (v.field === 'name') c.name = typeof v.value === 'string' ? v.value : null;
        else if (v.field === 'type') c.type = typeof v.value === 'string' ? v.value : undefined;
        else {
          const id = bareId(v.value);
          if (id) c.id = id;
          else c.rawId = v.value;
        }
      } else {
        const c = chatOf(info, v.chat);
        if (v.value && typeof v.value === 'object' && !Array.isArray(v.value)) noteMessage(c, v.value as Rec);
        else c.messages++;
      }
      if ((opts.maxBytes !== undefined && info.bytes >= opts.maxBytes) || opts.signal?.aborted) { info.partial = true; break; }
    }
  } catch (err) {
    if (!(err instanceof FerryError) || err.errorClass !== 'data') throw err;
    info.brokeOff = errorMessage(err);
  }
  return info;
}

/** Who exported: the account whose personal chats these are. */
export interface Owner {
  id?: string;
  name?: string;
  /** How it was found, for notices. */
  how?: string;
}

/**
 * The exporting account: what the export says (`personal_information.user_id`, or the Saved
 * Messages chat, whose id is the account's), else the `accountId` setting, else the one user other
 * than the peer who wrote in the personal chats.
 */
export function findOwner(info: ExportInfo, setting: string | undefined): Owner {
  if (info.personal?.userId) return { id: info.personal.userId, ...(info.personal.name ? { name: info.personal.name } : {}), how: 'personal_information' };
  for (const c of info.chats.values()) {
    if (c.type === 'saved_messages' && c.id) return { id: c.id, how: 'the Saved Messages chat' };
  }
  if (setting) return { id: setting, how: 'the accountId setting' };
  const others = new Set<string>();
  for (const c of info.chats.values()) {
    if ((c.type === 'personal_chat' || c.type === 'bot_chat') && c.id) {
      for (const s of c.senders) if (s !== `user${c.id}`) others.add(s);
    }
  }
  if (others.size !== 1) return {};
  const id = [...others][0]!.slice('user'.length);
  let name: string | undefined;
  for (const c of info.chats.values()) name ??= c.people.get(`user${id}`);
  return { id, ...(name ? { name } : {}), how: 'the other sender of its personal chats' };
}

/** Everyone who takes part in a chat, the account and the chat's peer included, in a stable order. */
export function participants(c: ChatInfo, owner: Owner): Identity[] {
  const people = new Map(c.people);
  if (c.id && (c.type === 'personal_chat' || c.type === 'bot_chat')) {
    const peer = `user${c.id}`;
    if (!people.has(peer) || people.get(peer) === undefined) people.set(peer, nameOf(c.name));
  }
  if (owner.id && !people.has(`user${owner.id}`)) people.set(`user${owner.id}`, owner.name);
  return [...people].map(([id, name]) => identity(id, name));
}

export function chatIdentity(c: ChatInfo, displayName: string): Identity {
  return identity(chatPeerId(c.type, c.id ?? '0'), displayName);
}
