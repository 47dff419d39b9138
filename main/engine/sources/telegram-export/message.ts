/**
 * One message (or service message) of result.json → one item, or a bad record saying why not.
 */
import type { BadRecord, Identity, Item, SourceRecord } from '../../item';
import { chatSubject, escapeHtml, formatUtc, renderBody, textToHtml } from '../../convert/body';
import type { ExportFiles } from './export-files';
import { readDate } from './dates';
import { readMedia, summarise } from './media';
import { bareId, identity, isChannelScoped, peerId } from './peers';
import type { ChatInfo } from './scan';
import { describeService, serviceEvent } from './service';
import { renderText } from './text';

type Rec = Record<string, unknown>;

export const SOURCE = 'Telegram';

/** What every message of one chat shares. */
export interface ChatContext {
  info: ChatInfo;
  /** Display name: the chat's name, `Saved Messages`, `Deleted Account`… */
  name: string;
  /** The chat as an identity (`user…`, `chat…`, `channel…`): TO when nobody else is there. */
  self: Identity;
  /** Everyone in the chat (senders, reactors, the peer, the account), for TO. */
  people: Identity[];
  /** Scope of per-account ids (`user<owner>/`), undefined when the account is unknown. */
  ownerScope?: string;
  /** Why per-account ids cannot be made, when they cannot. */
  noOwnerReason: string;
}

/** What every message of one result.json shares. */
export interface FileContext {
  files: ExportFiles;
  /** The JSON's entry in the tree, and how to name it in messages. */
  entry: string;
  file: string;
  zone: string;
  /** Counters for notices given once at the end, not once per message. */
  counts: { localDates: number; noSender: number };
}

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();

function position(chat: ChatContext, index: number, id?: string): string {
  const where = chat.info.key ? `${chat.info.key}.messages[${index}]` : `messages[${index}]`;
  return `chat "${chat.name}"${id ? `, message ${id}` : ''} (${where})`;
}

/** `<chatId>/<messageId>` for per-channel numbering, `user<owner>/<chatId>/<messageId>` otherwise. */
function scopedId(chat: ChatContext, chatId: string, msgId: string): string | undefined {
  const channel = isChannelScoped(chat.info.type) && !msgId.startsWith('-');
  // Negative ids in a supergroup are the history of the basic group it was converted from: per account.
  if (channel) return `${chatId}/${msgId}`;
  return chat.ownerScope === undefined ? undefined : `${chat.ownerScope}${chatId}/${msgId}`;
}

function replyTarget(chat: ChatContext, m: Rec): string | undefined {
  const rid = bareId(m.reply_to_message_id);
  if (!rid) return undefined;
  const other = str(m.reply_to_peer_id);
  const peer = other ? /^(user|chat|channel)(\d+)$/.exec(other) : null;
  if (!peer) return scopedId(chat, chat.info.id!, rid);
  // A reply to a message of another chat (comments, cross-chat replies).
  if (peer[1] === 'channel' && !rid.startsWith('-')) return `${peer[2]}/${rid}`;
  return chat.ownerScope === undefined ? undefined : `${chat.ownerScope}${peer[2]}/${rid}`;
}

function reactionsText(v: unknown): string | undefined {
  if (!Array.isArray(v) || !v.length) return undefined;
  return v.map((r) => {
    const o = (r && typeof r === 'object' ? r : {}) as Rec;
    const what = str(o.emoji) ?? (o.type === 'custom_emoji' ? 'custom emoji' : o.type === 'paid' ? 'paid (stars)' : str(o.type) ?? '?');
    const who = Array.isArray(o.recent)
      ? o.recent.map((x) => str((x as Rec | null)?.from) ?? str((x as Rec | null)?.from_id)).filter(Boolean).join(', ')
      : '';
    return `${what} ×${str(o.count) ?? '?'}${who ? ` (${who})` : ''}`;
  }).join(', ');
}

function buttonsText(v: unknown): string | undefined {
  if (!Array.isArray(v)) return undefined;
  const labels = v.flatMap((row) => (Array.isArray(row) ? row : [])).map((b) => {
    const o = (b && typeof b === 'object' ? b : {}) as Rec;
    const data = o.type === 'url' || o.type === 'auth' ? str(o.data) : undefined;
    return `[${str(o.text) ?? str(o.type) ?? 'button'}${data ? ` → ${data}` : ''}]`;
  });
  return labels.length ? `Buttons: ${labels.join(' ')}` : undefined;
}

export async function messageRecord(value: unknown, index: number, chat: ChatContext, f: FileContext): Promise<SourceRecord> {
  const bad = (reason: string, id?: string): BadRecord => ({
    bad: true, origin: { file: f.file, position: position(chat, index, id) }, reason, ...(id ? { id } : {}),
  });
  if (!value || typeof value !== 'object' || Array.isArray(value)) return bad(`message is ${Array.isArray(value) ? 'an array' : typeof value}, not an object`);
  const m = value as Rec;
  const msgId = bareId(m.id);
  if (!msgId) return bad(m.id === undefined ? 'message has no id' : `message id ${JSON.stringify(m.id)} is not a number`);
  const chatId = chat.info.id;
  if (!chatId) {
    return bad(`the chat has ${chat.info.rawId === undefined ? 'no id' : `an unusable id ${JSON.stringify(chat.info.rawId)}`}, so its messages cannot get ids that stay unique across exports`, msgId);
  }
  if (m.type === 'unsupported') return bad('Telegram Desktop could not export this message (type "unsupported"): it holds nothing to import', msgId);
  if (m.type !== 'message' && m.type !== 'service') return bad(`unknown message type ${JSON.stringify(m.type)}`, msgId);
  const id = scopedId(chat, chatId, msgId);
  if (!id) return bad(chat.noOwnerReason, msgId);

  const when = readDate(m, 'date', f.zone);
  if (when === 'absent') return bad('message has no date (neither date_unixtime nor date)', msgId);
  if ('error' in when) return bad(when.error, msgId);
  if (when.fromLocal) f.counts.localDates++;

  const rendered = renderText(m.text, m.text_entities);
  if (typeof rendered === 'string') return bad(rendered, msgId);

  const service = m.type === 'service';
  const senderId = peerId(service ? m.actor_id : m.from_id);
  const senderName = str(service ? m.actor : m.from) ?? (senderId ? chat.people.find((p) => p.id === senderId)?.name : undefined);
  let from: Identity;
  if (senderId) from = identity(senderId, senderName);
  else {
    // No sender id (payments, some old or hand-made exports): the chat itself sent it; the name, if any, stays in the body.
    from = { ...chat.self };
    f.counts.noSender++;
  }
  // Telegram writes `"from": null` for a deleted account.
  const deleted = (service ? m.actor : m.from) === null ? 'Deleted Account' : undefined;
  const who = senderName ?? deleted ?? senderId ?? chat.name;

  const seen = new Set([from.id]);
  const to: Identity[] = [];
  for (const p of [...chat.people, ...rendered.mentions]) {
    if (seen.has(p.id)) continue;
    seen.add(p.id);
    to.push(p);
  }
  if (!to.length) to.push({ ...chat.self });

  const media = await readMedia(m, f.files, f.entry);
  const sentence = service ? describeService(m, who, (x) => (bareId(x) ? `message ${bareId(x)}` : 'a message')) : undefined;

  const replyTo = replyTarget(chat, m);
  const replyId = bareId(m.reply_to_message_id);
  const topic = replyId ? chat.info.topics.get(Number(replyId)) : undefined;
  const edited = readDate(m, 'edited', f.zone);
  const editedAt = edited !== 'absent' && 'date' in edited ? edited.date : undefined;
  const forwarded = 'forwarded_from' in m ? str(m.forwarded_from) ?? '(hidden account)' : undefined;
  const savedFrom = str(m.saved_from);
  const author = str(m.author);
  const viaBot = str(m.via_bot);
  const reactions = reactionsText(m.reactions);

  const meta: Record<string, string> = {
    'Telegram-Chat-Id': chatId,
    'Telegram-Chat-Type': chat.info.type ?? 'unknown',
    'Telegram-Message-Id': msgId,
  };
  if (chat.ownerScope && id.startsWith(chat.ownerScope)) meta['Telegram-Account'] = chat.ownerScope.slice(0, -1);
  if (service && str(m.action)) meta.Action = str(m.action)!;
  const pinned = m.action === 'pin_message' && bareId(m.message_id) ? scopedId(chat, chatId, bareId(m.message_id)!) : undefined;
  if (pinned) meta['Pinned-Message'] = pinned;
  if (forwarded !== undefined) meta['Forwarded-From'] = oneLine(forwarded);
  if (savedFrom) meta['Saved-From'] = oneLine(savedFrom);
  if (editedAt) meta.Edited = editedAt.toISOString();
  else if (edited !== 'absent' && 'error' in edited) meta.Edited = oneLine(`${str(m.edited) ?? str(m.edited_unixtime) ?? ''} (unreadable)`);
  if (reactions) meta.Reactions = oneLine(reactions);
  if (viaBot) meta['Via-Bot'] = viaBot;
  if (author) meta.Author = oneLine(author);
  if (topic) meta.Topic = oneLine(topic);
  if (media.omitted.length) meta['Omitted-Media'] = oneLine(media.omitted.join('; '));
  if (media.missing.length) meta['Missing-Attachment'] = oneLine(media.missing.join('; '));
  if (when.fromLocal) meta['Date-Read-As'] = `local time in ${f.zone} (the message has no date_unixtime)`;
  if (service && (m.action === 'phone_call' || m.action === 'group_call')) {
    const secs = str(m.duration_seconds) ?? str(m.duration);
    if (secs) meta['Call-Duration-Seconds'] = secs;
    if (str(m.discard_reason)) meta['Call-Discard-Reason'] = str(m.discard_reason)!;
  }

  const footer = [
    editedAt ? `Edited: ${formatUtc(editedAt)}` : meta.Edited ? `Edited: ${meta.Edited}` : undefined,
    reactions ? `Reactions: ${reactions}` : undefined,
    buttonsText(m.inline_bot_buttons),
    ...media.footer,
  ].filter((l): l is string => !!l);

  const contentLines = [...(sentence ? [sentence] : []), ...(rendered.text ? [rendered.text] : []), ...media.lines];
  const text = contentLines.join('\n');
  const html = [
    sentence ? `<p class="tg-service"><i>${escapeHtml(sentence)}</i></p>` : '',
    rendered.html ? `<div class="tg-text">${rendered.html}</div>` : '',
    ...media.lines.map((l) => `<p class="tg-media">${textToHtml(l)}</p>`),
  ].join('');

  const body = renderBody({
    header: [
      ['Chat', chat.name],
      ['From', senderId ? `${who} (${senderId})` : `${who} (no sender id in the export)`],
      ['Date', formatUtc(when.date)],
      ['Forwarded from', forwarded],
      ['Saved from', savedFrom],
      ['In reply to', replyId ? `message ${replyId}` : undefined],
      ['Topic', topic],
      ['Signed', author],
      ['Via bot', viaBot],
    ],
    text, html, footer,
  });

  const item: Item = {
    source: SOURCE,
    event: service ? serviceEvent(m.action) : 'Message',
    id,
    origin: { file: f.file, position: position(chat, index, msgId) },
    from, to,
    subject: chatSubject(chat.name, rendered.plain.trim() || sentence || media.lines[0] || (service ? summarise({ action: m.action }) : '')),
    date: when.date,
    text: body.text,
    html: body.html,
    attachments: media.attachments,
    ...(replyTo ? { replyTo } : {}),
    conversation: { id: isChannelScoped(chat.info.type) ? chatId : `${chat.ownerScope ?? ''}${chatId}`, name: chat.name },
    meta,
  };
  return item;
}
