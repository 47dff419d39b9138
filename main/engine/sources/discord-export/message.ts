/**
 * One DiscordChatExporter message → one item, or a bad record saying why not.
 *
 * Events: `Default` → Message, `Reply` → Reply (threaded to the message it answers), `Call` → Call,
 * every other type (ChannelNameChange, GuildMemberJoin, ChannelPinnedMessage, ThreadCreated,
 * RecipientAdd…) → System, with DCE's own sentence ("Pinned a message.") kept as the content.
 */
import type { Attachment, BadRecord, Identity, Item, SourceRecord } from '../../item';
import { chatSubject, formatUtc, renderBody } from '../../convert/body';
import { type ChannelInfo, PLATFORM, channelTitle, userIdentity } from './channel';
import { readTimestamp } from '../shared/timestamp';
import type { ExportFiles } from '../shared/export-files';

type Rec = Record<string, unknown>;

export const SOURCE = 'Discord';

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const rec = (v: unknown): Rec | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? v as Rec : undefined);
const list = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(rec).filter((x): x is Rec => !!x) : []);
const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
const bytes = (n: number) => `${n.toLocaleString('en-US')} bytes`;

/** What every message of one channel file shares. */
export interface ChannelContext {
  info: ChannelInfo;
  channelId: string;
  title: string;
  /** The channel as an identity: TO when nobody else is in it. */
  self: Identity;
  people: Identity[];
  files: ExportFiles;
  /** The file, as named in messages. */
  file: string;
  counts: { noOffset: number };
}

export function channelContext(info: ChannelInfo, files: ExportFiles, file: string): ChannelContext | string {
  const channelId = info.channel?.id;
  if (!channelId) return 'the file names no channel id, so its messages cannot get ids that stay unique across exports';
  const title = channelTitle(info);
  return {
    info, channelId, title, files, file, counts: { noOffset: 0 },
    self: { id: `channel-${channelId}`, kind: 'user-id', platform: PLATFORM, name: title },
    people: [...info.people].map(([id, name]) => ({ id, kind: 'user-id' as const, platform: PLATFORM, ...(name ? { name } : {}) })),
  };
}

/** A `Default` message that references another is a reply (older DCE versions), unless it forwards it. */
export function eventOf(type: string | undefined, reference?: Rec): 'Message' | 'Reply' | 'Call' | 'System' {
  const answers = !!str(reference?.messageId) && reference?.type !== 'Forward';
  if (type === 'Reply') return 'Reply';
  if (type === undefined || type === 'Default') return answers ? 'Reply' : 'Message';
  if (type === 'Call') return 'Call';
  return 'System';
}

function reactionsText(v: unknown): string | undefined {
  const rs = list(v);
  if (!rs.length) return undefined;
  return rs.map((r) => {
    const e = rec(r.emoji) ?? {};
    const name = str(e.name) ?? '?';
    const what = str(e.id) ? `:${name}:` : name;
    const who = list(r.users).map((u) => str(u.nickname) || str(u.name)).filter(Boolean).join(', ');
    return `${what} ×${str(r.count) ?? '?'}${who ? ` (${who})` : ''}`;
  }).join(', ');
}

function embedLines(v: unknown): string[] {
  return list(v).map((e) => {
    const parts = [str(e.title), str(e.description) && oneLine(str(e.description)!).slice(0, 200), str(e.url)].filter(Boolean);
    return `Embed: ${parts.join(' — ') || '(empty)'}`;
  });
}

interface Files {
  attachments: Attachment[];
  footer: string[];
  missing: string[];
  remote: string[];
}

async function readAttachments(m: Rec, ctx: ChannelContext): Promise<Files> {
  const out: Files = { attachments: [], footer: [], missing: [], remote: [] };
  const names = new Set<string>();
  for (const a of list(m.attachments)) {
    const url = str(a.url);
    const fileName = str(a.fileName) ?? (url ? url.split(/[\\/]/).pop()!.split('?')[0]! : 'attachment');
    const size = typeof a.fileSizeBytes === 'number' ? a.fileSizeBytes : undefined;
    const label = `${fileName}${size !== undefined ? ` (${bytes(size)})` : ''}`;
    if (!url) {
      out.missing.push(`${label}: no url in the export`);
      out.footer.push(`Attachment not in the export: ${label}, the export gives no location`);
      continue;
    }
    const ref = await ctx.files.resolve(ctx.info.entry, url);
    if (ref.state === 'present') {
      // Two attachments with one name would overwrite each other in a mail client: number the later ones.
      let name = fileName;
      for (let i = 2; names.has(name); i++) name = fileName.replace(/(\.[^.]*)?$/, (ext) => ` (${i})${ext}`);
      names.add(name);
      const entry = ref.entry;
      out.attachments.push({ filename: name, size: ref.size, read: () => ctx.files.read(entry) });
    } else if (ref.state === 'remote') {
      out.remote.push(`${label}: ${ref.url}`);
      out.footer.push(`Attachment not downloaded in the export (Discord link): ${label} ${ref.url}`);
    } else {
      out.missing.push(`${label}: ${ref.path}`);
      out.footer.push(`Attachment missing from the export: ${label}, expected at ${ref.path}`);
    }
  }
  for (const s of list(m.stickers)) out.footer.push(`Sticker: ${str(s.name) ?? str(s.id) ?? '?'}${str(s.sourceUrl) ? ` ${str(s.sourceUrl)}` : ''}`);
  return out;
}

/** Raw `<@123>` / `<@!123>` user mentions (hand-made and API-shaped files) read as `@name` when the person is known. */
function readableMentions(content: string, ctx: ChannelContext): string {
  return content.replace(/<@!?([A-Za-z0-9_]+)>/g, (all, id: string) => {
    const name = ctx.info.people.get(id);
    return name ? `@${name}` : all;
  });
}

function position(ctx: ChannelContext, index: number, id?: string): string {
  return `channel "${ctx.title}"${id ? `, message ${id}` : ''} (messages[${index}])`;
}

export async function messageRecord(value: unknown, index: number, ctx: ChannelContext): Promise<SourceRecord> {
  const bad = (reason: string, id?: string): BadRecord => ({
    bad: true, origin: { file: ctx.file, position: position(ctx, index, id) }, reason, ...(id ? { id: `${ctx.channelId}/${id}` } : {}),
  });
  const m = rec(value);
  if (!m) return bad(`message is ${Array.isArray(value) ? 'an array' : typeof value}, not an object`);
  const msgId = str(m.id);
  if (!msgId) return bad('message has no id');
  const when = readTimestamp(m.timestamp, 'timestamp');
  if ('error' in when) return bad(when.error, msgId);
  if (when.noOffset) ctx.counts.noOffset++;
  const author = rec(m.author);
  const from = author && userIdentity(author);
  if (!from) return bad('message has no author id', msgId);
  if (m.content !== undefined && m.content !== null && typeof m.content !== 'string') return bad(`content is ${typeof m.content}, not text`, msgId);
  const content = readableMentions((m.content as string | undefined) ?? '', ctx);

  const type = str(m.type);
  const reference = rec(m.reference);
  const event = eventOf(type, reference);
  const refMessage = str(reference?.messageId);
  const refChannel = str(reference?.channelId) ?? ctx.channelId;
  const replyTo = event === 'Reply' && refMessage ? `${refChannel}/${refMessage}` : undefined;

  const seen = new Set([from.id]);
  const to: Identity[] = [];
  const mentioned = list(m.mentions).map(userIdentity).filter((x): x is Identity => !!x);
  for (const p of [...ctx.people, ...mentioned]) {
    if (seen.has(p.id)) continue;
    seen.add(p.id);
    to.push(p);
  }
  if (!to.length) to.push({ ...ctx.self });

  const files = await readAttachments(m, ctx);
  const edited = m.timestampEdited ? readTimestamp(m.timestampEdited, 'timestampEdited') : undefined;
  const editedAt = edited && 'date' in edited ? edited.date : undefined;
  const callEnded = m.callEndedTimestamp ? readTimestamp(m.callEndedTimestamp, 'callEndedTimestamp') : undefined;
  const callEndedAt = callEnded && 'date' in callEnded ? callEnded.date : undefined;
  const reactions = reactionsText(m.reactions);
  const bot = author!.isBot === true;
  const who = from.name ?? from.id;

  const meta: Record<string, string> = {
    'Discord-Channel-Id': ctx.channelId,
    'Discord-Message-Id': msgId,
  };
  if (ctx.info.guild?.id) meta['Discord-Guild-Id'] = ctx.info.guild.id;
  if (type) meta['Discord-Message-Type'] = type;
  if (bot) meta['Discord-Bot'] = 'true';
  if (m.isPinned === true) meta.Pinned = 'true';
  if (editedAt) meta.Edited = editedAt.toISOString();
  if (reactions) meta.Reactions = oneLine(reactions);
  if (refMessage && !replyTo) meta[type === 'ChannelPinnedMessage' ? 'Pinned-Message' : 'Reference'] = `${refChannel}/${refMessage}`;
  if (type === 'ThreadCreated' && str(reference?.channelId)) meta['Discord-Thread-Id'] = str(reference!.channelId)!;
  if (callEndedAt) {
    meta['Call-Ended'] = callEndedAt.toISOString();
    meta['Call-Duration-Seconds'] = String(Math.max(0, Math.round((callEndedAt.getTime() - when.date.getTime()) / 1000)));
  }
  if (files.missing.length) meta['Missing-Attachment'] = oneLine(files.missing.join('; '));
  if (files.remote.length) meta['Remote-Attachment'] = oneLine(files.remote.join('; '));
  if (when.noOffset) meta['Date-Read-As'] = 'UTC (the timestamp has no offset)';

  const footer = [
    editedAt ? `Edited: ${formatUtc(editedAt)}` : undefined,
    reactions ? `Reactions: ${reactions}` : undefined,
    m.isPinned === true ? 'Pinned in the channel' : undefined,
    ...embedLines(m.embeds),
    ...files.footer,
  ].filter((l): l is string => !!l);

  const text = event === 'System' || event === 'Call' ? `${who}: ${content || type || 'system message'}` : content;
  const body = renderBody({
    header: [
      ['Channel', ctx.title],
      ['From', `${who}${str(author!.name) && str(author!.name) !== who ? ` (${str(author!.name)})` : ''}${bot ? ' [bot]' : ''}`],
      ['Date', formatUtc(when.date)],
      ['In reply to', refMessage && event === 'Reply' ? `message ${refMessage}` : undefined],
      ['Call ended', callEndedAt ? formatUtc(callEndedAt) : undefined],
    ],
    text, footer,
  });

  return {
    source: SOURCE,
    event,
    id: `${ctx.channelId}/${msgId}`,
    origin: { file: ctx.file, position: position(ctx, index, msgId) },
    from, to,
    subject: chatSubject(ctx.title, text || files.attachments[0]?.filename || footer[0]),
    date: when.date,
    text: body.text,
    html: body.html,
    attachments: files.attachments,
    ...(replyTo ? { replyTo } : {}),
    conversation: { id: ctx.channelId, name: ctx.title },
    meta,
  } satisfies Item;
}
