/**
 * One DiscordChatExporter JSON file is one channel: `guild`, `channel`, `dateRange`, then
 * `messages[]`. The export has no member list, so a first streaming pass gathers the channel's
 * people (authors, mentioned users, reactors) for TO; it keeps one map of people, never the messages.
 */
import type { Identity } from '../../item';
import { FerryError, errorMessage } from '../../errors';
import type { ExportTree } from '../shared/export-tree';
import { jsonValues } from '../shared/json-values';

type Rec = Record<string, unknown>;

export const PLATFORM = 'discord';
export const PATHS = ['$.guild', '$.channel', '$.exportedAt', '$.messages.*'];

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const rec = (v: unknown): Rec | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? v as Rec : undefined);

export interface ChannelInfo {
  entry: string;
  guild?: { id?: string; name?: string };
  channel?: { id?: string; name?: string; type?: string; category?: string; topic?: string };
  exportedAt?: string;
  messages: number;
  /** Everyone seen in the channel, by user id, in order of first appearance. */
  people: Map<string, string | undefined>;
  /** Why the file stopped being readable, when it did. */
  brokeOff?: string;
}

/** A Discord user (`author`, a mention, a reactor) as an identity: the server nickname when there is one. */
export function userIdentity(u: Rec): Identity | undefined {
  const id = str(u.id);
  if (!id) return undefined;
  const name = str(u.nickname) || str(u.name);
  return { id, kind: 'user-id', platform: PLATFORM, ...(name ? { name } : {}) };
}

function note(people: Map<string, string | undefined>, u: unknown): void {
  const r = rec(u);
  const who = r && userIdentity(r);
  if (who && (!people.has(who.id) || people.get(who.id) === undefined)) people.set(who.id, who.name);
}

/** Whose these are: the people a message brings into the channel. */
export function peopleOf(m: Rec): unknown[] {
  const out: unknown[] = [m.author];
  if (Array.isArray(m.mentions)) out.push(...m.mentions);
  if (Array.isArray(m.reactions)) for (const r of m.reactions) if (Array.isArray(rec(r)?.users)) out.push(...(rec(r)!.users as unknown[]));
  return out;
}

export function readHeader(info: ChannelInfo, key: string | number | undefined, value: unknown): void {
  const v = rec(value);
  if (key === 'guild' && v) info.guild = { ...(str(v.id) ? { id: str(v.id)! } : {}), ...(str(v.name) ? { name: str(v.name)! } : {}) };
  else if (key === 'channel' && v) {
    info.channel = {};
    for (const k of ['id', 'name', 'type', 'category', 'topic'] as const) if (str(v[k])) info.channel[k] = str(v[k])!;
  } else if (key === 'exportedAt' && str(value)) info.exportedAt = str(value)!;
}

export interface ScanOptions {
  onBytes?: (n: number) => void;
  signal?: AbortSignal;
  /** Stop after this many messages (check()). */
  maxMessages?: number;
}

export async function scanChannel(tree: ExportTree, entry: string, opts: ScanOptions = {}): Promise<ChannelInfo> {
  const info: ChannelInfo = { entry, messages: 0, people: new Map() };
  try {
    for await (const v of jsonValues(tree, entry, PATHS, opts.onBytes)) {
      if (v.path.length === 0) readHeader(info, v.key, v.value);
      else {
        info.messages++;
        const m = rec(v.value);
        if (m) for (const u of peopleOf(m)) note(info.people, u);
      }
      if (opts.signal?.aborted || (opts.maxMessages !== undefined && info.messages >= opts.maxMessages)) break;
    }
  } catch (err) {
    if (!(err instanceof FerryError) || err.errorClass !== 'data') throw err;
    info.brokeOff = errorMessage(err);
  }
  return info;
}

/** How the channel is named in subjects and headers: `Test Server #general`, or the DM's name. */
export function channelTitle(info: ChannelInfo): string {
  const name = info.channel?.name ?? (info.channel?.id ? `channel ${info.channel.id}` : 'channel');
  const type = info.channel?.type ?? '';
  if (/^Direct/.test(type) || info.guild?.id === '0' || !info.guild?.name) return name;
  return `${info.guild.name} #${name}`;
}

export const looksLikeDiscord = (info: ChannelInfo) => info.channel !== undefined && (info.guild !== undefined || info.messages > 0);
