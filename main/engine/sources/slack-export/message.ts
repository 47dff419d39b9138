/**
 * One Slack message → one item. Events (message class `IPM.NOTE.Slack.<Event>`):
 * - `Message`: a person's message; `ThreadReply`: a reply in a thread (`thread_ts` ≠ `ts`, including
 *   replies also sent to the channel); `FileShare`: a top-level message that shares files;
 * - `BotMessage`: posted by an app, integration or bot user (`bot_message`, or `bot_id` without a person);
 * - `ChannelJoin` / `ChannelLeave`: `channel_join`/`group_join`, `channel_leave`/`group_leave`;
 * - `System`: every other subtype (topic, purpose, rename, archive, pins, integrations added,
 *   tombstones of deleted thread parents…), the subtype kept in `X-Ferry-Slack-Subtype`.
 * Nothing is dropped: a message Ferry cannot place still becomes `System` with its text.
 */
import type { Identity, Item, Origin, SourceRecord } from '../../item';
import { chatSubject, formatUtc, renderBody } from '../../convert/body';
import { type Piece, isBlank, joinPieces, piecesToHtml, piecesToText } from '../shared/pieces';
import { type NameLookup, parseMrkdwn } from '../shared/mrkdwn';
import { blocksToPieces } from './blocks';
import { legacyAttachmentsToPieces } from '../shared/legacy-attachments';
import { type FileLocator, messageFiles } from './files';
import { type Workspace, PLATFORM } from './workspace';

export const SOURCE = 'Slack';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** Subtypes that carry what someone wrote (the rest are events in the conversation). */
const CONTENT_SUBTYPES = new Set(['thread_broadcast', 'reply_broadcast', 'me_message', 'file_share', 'file_comment',
  'file_mention', 'bot_message', 'slackbot_response']);
const JOIN = new Set(['channel_join', 'group_join']);
const LEAVE = new Set(['channel_leave', 'group_leave']);

/** `1452845865.000008` (epoch seconds, microseconds) → a UTC date, to the millisecond. */
export function parseTs(ts: string | undefined): Date | undefined {
  if (!ts || !/^\d+(\.\d+)?$/.test(ts)) return undefined;
  const [sec, frac = ''] = ts.split('.');
  const d = new Date(Number(sec) * 1000 + Number(frac.padEnd(3, '0').slice(0, 3)));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export interface ConversationContext {
  /** Channel, DM or MPIM id: scopes message ids (`<id>/<ts>`). */
  id: string;
  /** `#general`, `Direct message: Ann Lee, Bob Stone`. */
  title: string;
  /** Path of the conversation folder in the tree, with a trailing `/`. */
  dir: string;
  /** User ids who receive the conversation's messages: its members, or the participants seen in it. */
  audience: string[];
}

export interface MessageContext {
  ws: Workspace;
  conv: ConversationContext;
  files: FileLocator;
  origin: Origin;
}

function senderOf(m: Obj, ws: Workspace): { from: Identity; bot: boolean; botId?: string } | undefined {
  // Old `file_comment` messages name the commenter only inside `comment`.
  const user = str(m.user) ?? (isObj(m.comment) ? str(m.comment.user) : undefined);
  const botId = str(m.bot_id);
  const botProfile = isObj(m.bot_profile) ? m.bot_profile : {};
  const userProfile = isObj(m.user_profile) ? m.user_profile : {};
  const botName = str(m.username) ?? str(botProfile.name) ?? (botId ? ws.botNames.get(botId) : undefined);
  const bot = m.subtype === 'bot_message' || (!!botId && !user) || (!!user && ws.users.get(user)?.isBot === true);
  if (user) {
    return { from: ws.identity(user, str(userProfile.real_name) ?? str(userProfile.display_name) ?? botName), bot, ...(botId ? { botId } : {}) };
  }
  if (botId) return { from: { id: botId, kind: 'user-id', platform: PLATFORM, name: botName ?? botId }, bot: true, botId };
  return undefined;
}

function eventOf(subtype: string | undefined, bot: boolean, reply: boolean, hasFiles: boolean): string {
  if (subtype && JOIN.has(subtype)) return 'ChannelJoin';
  if (subtype && LEAVE.has(subtype)) return 'ChannelLeave';
  if (subtype && !CONTENT_SUBTYPES.has(subtype)) return 'System';
  if (bot) return 'BotMessage';
  if (reply) return 'ThreadReply';
  if (hasFiles) return 'FileShare';
  return 'Message';
}

function content(m: Obj, names: NameLookup): { pieces: Piece[]; mentions: string[] } {
  const text = typeof m.text === 'string' ? parseMrkdwn(m.text, names) : { pieces: [], mentions: [] };
  const main = isBlank(text.pieces) ? blocksToPieces(m.blocks, names) : text;
  const extra = legacyAttachmentsToPieces(m.attachments, names);
  return { pieces: joinPieces([main.pieces, extra.pieces]), mentions: [...main.mentions, ...extra.mentions] };
}

function reactionsOf(m: Obj, ws: Workspace): { line?: string; meta?: string } {
  const list = (Array.isArray(m.reactions) ? m.reactions : []).filter(isObj);
  if (!list.length) return {};
  const parts = list.map((r) => {
    const users = (Array.isArray(r.users) ? r.users : []).filter((u): u is string => typeof u === 'string');
    const count = typeof r.count === 'number' ? r.count : users.length;
    return { name: str(r.name) ?? '?', count, users };
  });
  return {
    line: `Reactions: ${parts.map((p) => `:${p.name}: ×${p.count}${p.users.length ? ` (${p.users.map((u) => ws.displayName(u) ?? u).join(', ')})` : ''}`).join('; ')}`,
    meta: parts.map((p) => `${p.name}=${p.count}${p.users.length ? ` (${p.users.join(',')})` : ''}`).join('; '),
  };
}

/** Links count by their label in subjects: a URL is noise in a subject line. */
function subjectText(pieces: Piece[]): string {
  return pieces.map((p) => (p.kind === 'link' ? p.label?.trim() || p.url : p.text)).join('');
}

function describePerson(i: Identity): string {
  const name = i.name ?? i.id;
  return i.email ? `${name} <${i.email}>` : name === i.id ? i.id : `${name} (${i.id})`;
}

export function messageRecord(raw: unknown, ctx: MessageContext): SourceRecord {
  const { ws, conv, origin } = ctx;
  const bad = (reason: string, id?: string): SourceRecord => ({ bad: true, origin, reason, ...(id ? { id } : {}) });
  if (!isObj(raw)) return bad('not a message object');
  const ts = str(raw.ts);
  const date = parseTs(ts);
  if (!ts || !date) return bad(`message has no valid "ts" timestamp (${JSON.stringify(raw.ts ?? null)})`);
  const id = `${conv.id}/${ts}`;
  const sender = senderOf(raw, ws);
  if (!sender) return bad('message has neither "user" nor "bot_id": its author is unknown', id);
  const { from } = sender;
  const subtype = str(raw.subtype);
  const threadTs = str(raw.thread_ts);
  const reply = !!threadTs && threadTs !== ts;

  const names: NameLookup = { user: (u) => ws.displayName(u), channel: (c) => ws.channelName(c) };
  const body = content(raw, names);
  const files = ctx.files.resolve(messageFiles(raw), conv.dir);
  // A file comment carries the file it comments on: it is a message, not a share.
  const event = eventOf(subtype, sender.bot, reply, files.ids.length > 0 && subtype !== 'file_comment');

  // TO: the conversation's audience and anyone mentioned, minus the sender; the sender alone when nobody else is known.
  const toIds = [...new Set([...conv.audience, ...body.mentions.filter((u) => /^[UW][A-Z0-9]+$/.test(u))])].filter((u) => u !== from.id);
  const to = toIds.length ? toIds.map((u) => ws.identity(u)) : [from];

  const meta: Record<string, string> = { 'Slack-Ts': ts };
  if (threadTs) meta['Slack-Thread-Ts'] = threadTs;
  if (subtype) meta['Slack-Subtype'] = subtype;
  if (sender.botId) meta['Slack-Bot-Id'] = sender.botId;
  const footer: string[] = [];
  const edited = isObj(raw.edited) ? raw.edited : undefined;
  if (edited) {
    const at = parseTs(str(edited.ts));
    const by = str(edited.user);
    footer.push(`Edited${at ? ` ${formatUtc(at)}` : ''}${by && by !== from.id ? ` by ${ws.displayName(by) ?? by}` : ''}`);
    if (at) meta['Edited-At'] = at.toISOString();
    if (by) meta['Edited-By'] = by;
  }
  const reactions = reactionsOf(raw, ws);
  if (reactions.line) { footer.push(reactions.line); meta.Reactions = reactions.meta!; }
  footer.push(...files.listed);
  if (files.ids.length) meta.Files = files.ids.join('; ');
  const replyCount = typeof raw.reply_count === 'number' ? raw.reply_count : undefined;
  if (replyCount && !reply) footer.push(`Thread: ${replyCount} ${replyCount === 1 ? 'reply' : 'replies'}`);

  const text = piecesToText(body.pieces);
  const rendered = renderBody({
    header: [
      ['Author', describePerson(from)],
      ['Date', formatUtc(date)],
      ['Conversation', conv.title],
      ['In reply to', reply ? `thread started ${formatUtc(parseTs(threadTs) ?? date)}` : undefined],
      ['Event', event === 'System' ? subtype : undefined],
    ],
    text,
    html: piecesToHtml(body.pieces),
    footer,
  });
  const item: Item = {
    source: SOURCE, event, id, origin, from, to,
    subject: chatSubject(conv.title, subjectText(body.pieces) || files.ids.map((f) => f.slice(f.indexOf(' ') + 1)).join(', ')),
    date, text: rendered.text, html: rendered.html, attachments: files.attachments,
    conversation: { id: conv.id, name: conv.title }, meta,
    ...(reply ? { replyTo: `${conv.id}/${threadTs}` } : {}),
  };
  return item;
}
