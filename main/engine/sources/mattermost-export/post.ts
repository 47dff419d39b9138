/**
 * One `post` or `direct_post` line → its items: the post (`Message` in a channel, `DirectMessage`
 * in a direct or group channel) and each of its `replies[]` (`Reply`, answering the post). The bulk
 * format has no post ids, so ids are built from what identifies a post in it: the channel, the
 * creation time in milliseconds and the author (`<team>/<channel>/<create_at>/<user>`; replies add
 * `/reply/<create_at>/<user>` to their post's id), the same in every export of the same server.
 */
import type { Item, Origin, SourceRecord } from '../../item';
import { chatSubject, formatUtc, renderBody } from '../../convert/body';
import { type Piece, joinPieces, piecesToHtml, piecesToText } from '../shared/pieces';
import { legacyAttachmentsToPieces } from '../shared/legacy-attachments';
import type { AttachmentFiles } from './export-files';
import { type Directory, channelKey, directKey, isObj, str, strList } from './directory';

export const SOURCE = 'Mattermost';

type Obj = Record<string, unknown>;

export interface PostContext {
  dir: Directory;
  files: AttachmentFiles;
  /** The JSONL file, for origins. */
  file: string;
  line: number;
  notice(message: string): void;
}

interface Conversation {
  key: string;
  title: string;
  team?: string;
  audience: string[];
}

function createdAt(v: unknown): Date | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function reactionsOf(p: Obj, dir: Directory): { line?: string; meta?: string } {
  const byEmoji = new Map<string, string[]>();
  for (const r of Array.isArray(p.reactions) ? p.reactions.filter(isObj) : []) {
    const emoji = str(r.emoji_name) ?? '?';
    const list = byEmoji.get(emoji) ?? [];
    list.push(str(r.user) ?? '?');
    byEmoji.set(emoji, list);
  }
  if (!byEmoji.size) return {};
  const parts = [...byEmoji];
  return {
    line: `Reactions: ${parts.map(([e, users]) => `:${e}: ×${users.length} (${users.map((u) => dir.displayName(u)).join(', ')})`).join('; ')}`,
    meta: parts.map(([e, users]) => `${e}=${users.length} (${users.join(',')})`).join('; '),
  };
}

/** `@username` mentions of known users, for TO. */
function mentionsOf(text: string, dir: Directory): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|[^\w@])@([a-z0-9][a-z0-9._-]*)/gi)) {
    const name = m[1]!.replace(/[._-]+$/, '').toLowerCase();
    if (dir.users.has(name) && !out.includes(name)) out.push(name);
  }
  return out;
}

function teamLabel(team: string, dir: Directory): string {
  const display = dir.teams.get(team);
  return display && display !== team ? `${display} (${team})` : team;
}

async function buildItem(p: Obj, o: {
  ctx: PostContext; conv: Conversation; event: string; id: string; origin: Origin; user: string; date: Date;
  replyTo?: string; parentDate?: Date;
}): Promise<Item> {
  const { ctx, conv } = o;
  const { dir } = ctx;
  const message = typeof p.message === 'string' ? p.message : '';
  const props = isObj(p.props) ? p.props : {};
  const extra = legacyAttachmentsToPieces(props.attachments, { user: () => undefined, channel: () => undefined }, 'plain');
  const pieces: Piece[] = joinPieces([message ? [{ kind: 'text', text: message }] : [], extra.pieces]);

  const from = dir.identity(o.user);
  const toNames = [...new Set([...conv.audience, ...mentionsOf(message, dir)])].filter((u) => u !== o.user);
  const to = toNames.length ? toNames.map((u) => dir.identity(u)) : [from];

  const meta: Record<string, string> = { 'Mattermost-User': o.user, 'Mattermost-Create-At': String(p.create_at) };
  if (conv.team) meta['Mattermost-Team'] = conv.team;
  meta['Mattermost-Channel'] = conv.key;
  if (str(p.type)) meta['Mattermost-Post-Type'] = str(p.type)!;
  const footer: string[] = [];
  const edited = createdAt(p.edit_at);
  if (edited) { footer.push(`Edited ${formatUtc(edited)}`); meta['Edited-At'] = edited.toISOString(); }
  const reactions = reactionsOf(p, dir);
  if (reactions.line) { footer.push(reactions.line); meta.Reactions = reactions.meta!; }
  const attachments = [];
  const paths: string[] = [];
  for (const a of Array.isArray(p.attachments) ? p.attachments.filter(isObj) : []) {
    const ap = str(a.path);
    if (!ap) continue;
    paths.push(ap);
    const found = await ctx.files.find(ap);
    if (found) attachments.push(found);
    else footer.push(`Attachment not in the export: ${ap}`);
  }
  if (paths.length) meta.Attachments = paths.join('; ');
  if (p.is_pinned === true) { footer.push('Pinned'); meta.Pinned = 'true'; }
  const flagged = strList(p.flagged_by);
  if (flagged.length) meta['Flagged-By'] = flagged.join(', ');

  const text = piecesToText(pieces);
  const rendered = renderBody({
    header: [
      ['Author', from.email ? `${from.name} <${from.email}>` : from.name ?? o.user],
      ['Date', formatUtc(o.date)],
      ['Team', conv.team ? teamLabel(conv.team, dir) : undefined],
      ['Conversation', conv.title],
      ['In reply to', o.parentDate ? `post of ${formatUtc(o.parentDate)}` : undefined],
    ],
    text, html: piecesToHtml(pieces), footer,
  });
  return {
    source: SOURCE, event: o.event, id: o.id, origin: o.origin, from, to,
    subject: chatSubject(conv.title, text || paths.map((x) => x.split('/').pop()).join(', ')),
    date: o.date, text: rendered.text, html: rendered.html, attachments,
    conversation: { id: conv.key, name: conv.title }, meta,
    ...(o.replyTo ? { replyTo: o.replyTo } : {}),
  };
}

function conversationOf(kind: 'post' | 'direct_post', p: Obj, ctx: PostContext): Conversation | string {
  const { dir } = ctx;
  if (kind === 'post') {
    const team = str(p.team);
    const channel = str(p.channel);
    if (!team || !channel) return `post has no ${team ? '"channel"' : '"team"'}`;
    const key = channelKey(team, channel);
    const info = dir.channels.get(key);
    if (!info) ctx.notice(`${ctx.file}: channel "${channel}" of team "${team}" is not defined in the export (first used at line ${ctx.line}); its members are unknown`);
    return { key, team, title: info?.displayName ?? channel, audience: dir.audience(key) };
  }
  const members = strList(p.channel_members);
  if (!members.length) return 'direct post has no "channel_members"';
  const people = members.map((m) => dir.displayName(m)).join(', ');
  return { key: directKey(members), title: `${members.length > 2 ? 'Group message' : 'Direct message'}: ${people}`, audience: [...new Set(members)] };
}

/** The records of one post line: the post, then its replies in the order written. */
export async function postRecords(kind: 'post' | 'direct_post', p: Obj, ctx: PostContext): Promise<SourceRecord[]> {
  const origin: Origin = { file: ctx.file, position: `line ${ctx.line}` };
  const conv = conversationOf(kind, p, ctx);
  if (typeof conv === 'string') return [{ bad: true, origin, reason: conv }];
  const user = str(p.user);
  const date = createdAt(p.create_at);
  if (!user || !date) return [{ bad: true, origin, reason: `${kind} has no ${user ? 'valid "create_at"' : '"user"'}` }];
  const id = `${conv.key}/${p.create_at}/${user}`;
  const out: SourceRecord[] = [await buildItem(p, { ctx, conv, event: kind === 'post' ? 'Message' : 'DirectMessage', id, origin, user, date })];
  const replies = Array.isArray(p.replies) ? p.replies : [];
  for (let i = 0; i < replies.length; i++) {
    const r = replies[i];
    const rOrigin: Origin = { file: ctx.file, position: `line ${ctx.line}, reply ${i + 1}` };
    const rUser = isObj(r) ? str(r.user) : undefined;
    const rDate = isObj(r) ? createdAt(r.create_at) : undefined;
    if (!isObj(r) || !rUser || !rDate) {
      out.push({ bad: true, origin: rOrigin, reason: `reply ${i + 1} of the post ${id} has no ${!isObj(r) ? 'content' : rUser ? 'valid "create_at"' : '"user"'}` });
      continue;
    }
    out.push(await buildItem(r, { ctx, conv, event: 'Reply', id: `${id}/reply/${r.create_at}/${rUser}`, origin: rOrigin,
      user: rUser, date: rDate, replyTo: id, parentDate: date }));
  }
  return out;
}
