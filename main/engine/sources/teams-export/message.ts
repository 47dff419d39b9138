/**
 * One Graph `chatMessage` → one item, or a bad record saying why not.
 *
 * Events: `message` → Message, or Reply when it answers another (`replyToId`); system events
 * (`systemEventMessage`, `chatEvent`, and the export's `unknownFutureValue` with an `eventDetail` or a
 * `<systemEventMessage/>` body) → System. Ids are `<chat or channel id>/<message id>`: Teams numbers
 * messages per conversation.
 */
import type { BadRecord, Identity, Item, SourceRecord } from '../../item';
import { chatSubject, formatUtc, renderBody } from '../../convert/body';
import { readTimestamp } from '../shared/timestamp';
import { type Rec, list, rec, str } from './graph-keys';
import { htmlToText } from './html-text';
import { PLATFORM, type Users, userIdentity } from './users';

export const SOURCE = 'Teams';

const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();

/** Where a message belongs: a team channel or a chat. */
export function conversationOf(m: Rec): { id: string; name: string; kind: 'channel' | 'chat' } | undefined {
  const channel = rec(m.channelIdentity);
  const channelId = str(channel?.channelId);
  if (channelId) return { id: channelId, name: 'Teams channel', kind: 'channel' };
  const chatId = str(m.chatId);
  if (chatId) return { id: chatId, name: 'Teams chat', kind: 'chat' };
  return undefined;
}

/** An identity set (`{ user | application | device }`) as the people it names. */
export function identitySet(v: unknown, users: Users): Identity | undefined {
  const set = rec(v);
  const user = rec(set?.user);
  if (str(user?.id)) return userIdentity(users, str(user!.id)!, str(user!.displayName));
  const app = rec(set?.application) ?? rec(set?.device);
  if (str(app?.id)) return { id: str(app!.id)!, kind: 'user-id', platform: PLATFORM, name: str(app!.displayName) ?? `Application ${str(app!.id)}` };
  return undefined;
}

/** Everyone a message names: sender, initiator, mentioned people, reactors, members added or removed. */
export function peopleOf(m: Rec, users: Users): Identity[] {
  const out: (Identity | undefined)[] = [identitySet(m.from, users), identitySet(rec(m.eventDetail)?.initiator, users)];
  for (const x of list(m.mentions)) out.push(identitySet(x.mentioned, users));
  for (const x of list(m.reactions)) out.push(identitySet(x.user, users));
  for (const member of list(rec(m.eventDetail)?.members)) if (str(member.id)) out.push(userIdentity(users, str(member.id)!, str(member.displayName)));
  return out.filter((x): x is Identity => !!x);
}

export function isSystem(m: Rec): boolean {
  const type = str(m.messageType);
  if (type === 'systemEventMessage' || type === 'chatEvent') return true;
  const body = str(rec(m.body)?.content) ?? '';
  return rec(m.eventDetail) !== undefined || /^\s*<systemEventMessage\s*\/>\s*$/i.test(body);
}

/** The system event in a sentence: which event it is (the one non-null field of the export's eventDetail), and who did it. */
function describeEvent(m: Rec, who: string): string {
  const detail = rec(m.eventDetail);
  if (!detail) return `${who}: system event`;
  const odata = str(detail['@odata.type'])?.replace(/^#microsoft\.graph\./, '');
  const set = Object.entries(detail).filter(([k, v]) => v !== null && v !== undefined && !['initiator', 'eventType', '@odata.type'].includes(k));
  const what = odata ?? str(detail.eventType) ?? set[0]?.[0];
  const words = what ? what.replace(/EventMessageDetail$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : 'system event';
  const members = list(detail.members).map((x) => str(x.displayName) ?? str(x.id)).filter(Boolean);
  const extra = [members.length ? members.join(', ') : undefined, str(detail.channelDisplayName), str(detail.chatDisplayName)].filter(Boolean).join(', ');
  return `${who}: ${words}${extra ? ` (${extra})` : ''}`;
}

function attachmentLines(m: Rec): string[] {
  return list(m.attachments).map((a) => {
    const type = str(a.contentType) ?? 'attachment';
    const name = str(a.name);
    const url = str(a.contentUrl);
    if (type === 'messageReference') return `Quoted message ${str(a.id) ?? ''}`.trim();
    if (type === 'reference') return `File (a link, not in the export): ${name ?? '(no name)'}${url ? ` ${url}` : ''}`;
    return `Attachment (${type}, not in the export): ${[name, url].filter(Boolean).join(' ') || str(a.id) || ''}`.trim();
  });
}

/** What every message of one file shares. */
export interface FileContext {
  file: string;
  users: Users;
  /** Per conversation, everyone seen in it (first pass), with the folder's own user for per-user chat files. */
  people: Map<string, Identity[]>;
  /** Per conversation, its name when the first pass could make one (chats: their people). */
  names: Map<string, string>;
  counts: { noOffset: number };
}

export function messageRecord(value: Rec, index: number, f: FileContext): SourceRecord {
  const msgId = str(value.id);
  const found = conversationOf(value);
  const conv = found && { ...found, name: f.names.get(found.id) ?? found.name };
  const position = `messages[${index}]${msgId ? `, message ${msgId}` : ''}`;
  const bad = (reason: string): BadRecord => ({
    bad: true, origin: { file: f.file, position }, reason, ...(msgId && conv ? { id: `${conv.id}/${msgId}` } : {}),
  });
  if (!msgId) return bad('message has no id');
  if (!conv) return bad('message names neither a channel (channelIdentity) nor a chat (chatId), so it cannot get an id that stays unique');
  const when = readTimestamp(value.createdDateTime, 'createdDateTime');
  if ('error' in when) return bad(when.error);
  if (when.noOffset) f.counts.noOffset++;

  const system = isSystem(value);
  const conversationSelf: Identity = { id: conv.id, kind: 'user-id', platform: PLATFORM, name: conv.name };
  const from = identitySet(value.from, f.users) ?? (system ? identitySet(rec(value.eventDetail)?.initiator, f.users) : undefined);
  if (!from && !system) return bad('message has no sender (from.user or from.application)');
  const known = from && !from.name ? f.people.get(conv.id)?.find((p) => p.id.toLowerCase() === from.id.toLowerCase() && p.name) : undefined;
  const sender = known ?? from ?? conversationSelf;
  const seen = new Set([sender.id.toLowerCase()]);
  const to: Identity[] = [];
  for (const p of [...(f.people.get(conv.id) ?? []), ...peopleOf(value, f.users)]) {
    if (seen.has(p.id.toLowerCase())) continue;
    seen.add(p.id.toLowerCase());
    to.push(p);
  }
  if (!to.length) to.push(conversationSelf);

  const replyToId = str(value.replyToId);
  const event = system ? 'System' : replyToId ? 'Reply' : 'Message';
  const body = rec(value.body);
  const content = str(body?.content) ?? '';
  const isHtml = (str(body?.contentType) ?? 'html').toLowerCase() === 'html';
  const who = sender.name ?? sender.id;
  const text = system ? describeEvent(value, who) : isHtml ? htmlToText(content) : content;
  const subject = str(value.subject)?.trim();
  const edited = value.lastEditedDateTime ? readTimestamp(value.lastEditedDateTime, 'lastEditedDateTime') : undefined;
  const editedAt = edited && 'date' in edited ? edited.date : undefined;
  const deleted = value.deletedDateTime ? readTimestamp(value.deletedDateTime, 'deletedDateTime') : undefined;
  const deletedAt = deleted && 'date' in deleted ? deleted.date : undefined;
  const reactions = list(value.reactions).map((r) => {
    const by = identitySet(r.user, f.users);
    return `${str(r.displayName) ?? str(r.reactionType) ?? '?'}${by ? ` ${by.name ?? by.id}` : ''}`;
  });
  const mentions = list(value.mentions).map((x) => str(x.mentionText)).filter(Boolean) as string[];
  const files = attachmentLines(value);

  const meta: Record<string, string> = {
    'Teams-Message-Id': msgId,
    [conv.kind === 'channel' ? 'Teams-Channel-Id' : 'Teams-Chat-Id']: conv.id,
  };
  const teamId = str(rec(value.channelIdentity)?.teamId);
  if (teamId) meta['Teams-Team-Id'] = teamId;
  if (str(value.messageType)) meta['Teams-Message-Type'] = str(value.messageType)!;
  if (str(value.webUrl)) meta['Web-Url'] = str(value.webUrl)!;
  if (str(value.importance) && value.importance !== 'normal') meta.Importance = str(value.importance)!;
  if (editedAt) meta.Edited = editedAt.toISOString();
  if (deletedAt) meta.Deleted = deletedAt.toISOString();
  if (reactions.length) meta.Reactions = oneLine(reactions.join(', '));
  if (mentions.length) meta.Mentions = oneLine(mentions.join(', '));
  if (files.length) meta['Linked-Attachment'] = oneLine(files.join('; '));
  if (when.noOffset) meta['Date-Read-As'] = 'UTC (createdDateTime has no offset)';

  const footer = [
    editedAt ? `Edited: ${formatUtc(editedAt)}` : undefined,
    deletedAt ? `Deleted in Teams: ${formatUtc(deletedAt)}` : undefined,
    reactions.length ? `Reactions: ${reactions.join(', ')}` : undefined,
    ...files,
  ].filter((l): l is string => !!l);
  const rendered = renderBody({
    header: [
      ['Conversation', conv.name], ['From', sender.email ? `${who} <${sender.email}>` : who], ['Date', formatUtc(when.date)],
      ['Subject', subject], ['In reply to', replyToId ? `message ${replyToId}` : undefined],
    ],
    text, footer,
  });
  return {
    source: SOURCE, event, id: `${conv.id}/${msgId}`,
    origin: { file: f.file, position },
    from: sender, to,
    subject: subject ? chatSubject(conv.name, subject) : chatSubject(conv.name, text),
    date: when.date, text: rendered.text, html: rendered.html, attachments: [],
    ...(replyToId && replyToId !== msgId ? { replyTo: `${conv.id}/${replyToId}` } : {}),
    conversation: { id: conv.id, name: conv.name }, meta,
  } satisfies Item;
}
