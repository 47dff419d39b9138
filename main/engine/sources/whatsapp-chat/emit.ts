/**
 * The second pass over a chat file: each message becomes an item (or a bad record naming the file,
 * the line and the reason), with the date order the first pass decided.
 *
 * Ids: `<chat key>/<hash>`, the hash over (chat name, local timestamp, sender, text, occurrence of
 * that same tuple so far). A line number would shift when the chat is exported again with more
 * history; the tuple does not, so re-importing a later export of the chat finds the same ids.
 */
import { createHash } from 'node:crypto';
import type { Attachment, Identity, Item, SourceRecord } from '../../item';
import { chatSubject, formatUtc, renderBody } from '../../convert/body';
import type { LayoutDecision } from './date-order';
import { type ChatExport, type ChatFile, mediaSize } from './chat-files';
import { MAX_MESSAGE_CHARS, groupMessages } from './chat-lines';
import { interpretText } from './content';
import type { ZoneClock } from './local-time';
import { chatIdentity, identityKey, identityOf, splitAuthor } from './sender';
import { readLines } from './text-lines';
import { type WallTime, clockOf, localIso, ymdOf } from './timestamp';

export const SOURCE_NAME = 'WhatsApp';

export interface ChatPlan {
  chat: ChatFile;
  exp: ChatExport;
  chatName: string;
  chatKey: string;
  zone: ZoneClock;
  /** Layout key → how its dates read. */
  layouts: Map<string, LayoutDecision>;
  /** Sender labels from the first pass (to read `Name:text` with no space). */
  senderLabels: ReadonlySet<string>;
  /** Every participant: the senders, then the owner if set and not one of them. */
  participants: Identity[];
  owner?: Identity;
}

const trimEndLines = (s: string) => s.replace(/(?:\n[ \t]*)+$/, '');

function digest(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

function position(from: number, to = from): string {
  return from === to ? `line ${from}` : `lines ${from}-${to}`;
}

export async function* emitChat(plan: ChatPlan, onBytes?: (n: number) => void): AsyncGenerator<SourceRecord> {
  const { chat, chatName, chatKey } = plan;
  const chatId = chatIdentity(chatName);
  const conversation = { id: chatKey, name: chatName };
  // Occurrences of each (timestamp, sender, text) so far. Bounded by WhatsApp's own export cap
  // (at most 100,000 messages per chat), about 100 bytes each.
  const occurrences = new Map<string, number>();
  let previous: number | undefined;
  const stream = await chat.tree.open(chat.path);

  for await (const g of groupMessages(readLines(stream, onBytes), true)) {
    if (g.kind === 'preamble') {
      yield { bad: true, origin: { file: chat.label, position: position(g.from, g.to) },
        reason: `text before the first message is not a WhatsApp message line: "${g.sample}"` };
      continue;
    }
    const origin = { file: chat.label, position: position(g.line) };
    const stamp = g.stamp;
    if (g.oversize) {
      yield { bad: true, origin, reason: `message "${stamp.raw}" runs over ${MAX_MESSAGE_CHARS / 1024 / 1024} MB of text: the lines after it are not recognised as messages` };
      continue;
    }
    const layout = plan.layouts.get(stamp.key)!;
    if (!layout.order) {
      yield { bad: true, origin, reason: `date "${stamp.raw}" (layout ${layout.layout}): ${layout.problem}` };
      continue;
    }
    const ymd = ymdOf(stamp, layout.order);
    const clock = clockOf(stamp);
    if (!ymd || typeof clock === 'string') {
      yield { bad: true, origin, reason: `"${stamp.raw}" is not a valid ${ymd ? 'time' : 'date'} in layout ${layout.layout}${typeof clock === 'string' && ymd ? ` (${clock})` : ''}` };
      continue;
    }
    const wall: WallTime = { ...ymd, ...clock };
    const instant = plan.zone.toUtc(wall, previous);
    previous = instant.date.getTime();
    const local = localIso(wall, stamp.shape.seconds);

    const author = splitAuthor(stamp.rest, plan.senderLabels);
    // A system line is kept whole: an iOS one's label (`Chat name: ‎…`) is part of what was exported.
    const rawText = trimEndLines([author.system ? stamp.rest : author.text, ...g.more].join('\n'));
    const tuple = [chatName, local, author.system ? '' : author.sender!, rawText];
    const tupleKey = digest(tuple);
    const occurrence = occurrences.get(tupleKey) ?? 0;
    occurrences.set(tupleKey, occurrence + 1);
    const id = `${chatKey}/${digest([...tuple, occurrence])}`;

    const meta: Record<string, string> = {
      'Local-Time': local, 'Time-Zone': plan.zone.name, 'Export-Timestamp': stamp.raw,
    };
    if (instant.note) meta['Time-Note'] = instant.note;
    const dateRows: [string, string][] = [['Date', formatUtc(instant.date)], ['Local time', `${stamp.raw} (${plan.zone.name})`], ['Chat', chatName]];

    if (author.system) {
      const text = rawText;
      const body = renderBody({ header: [['Author', 'WhatsApp (system message)'], ...dateRows], text });
      yield {
        source: SOURCE_NAME, event: 'System', id, origin, from: chatId,
        to: plan.participants.length ? plan.participants : [chatId],
        subject: chatSubject(chatName, text.replace(/\u200e/g, '')), date: instant.date, text: body.text, html: body.html,
        attachments: [], conversation, meta: { ...meta, System: 'true' },
      } satisfies Item;
      continue;
    }

    const sender = author.sender!;
    const from = sender === 'You' && plan.owner ? plan.owner : identityOf(sender);
    const fromKey = identityKey(from);
    const to = plan.participants.filter((p) => identityKey(p) !== fromKey);
    const content = interpretText(rawText);
    const attachments: Attachment[] = [];
    const missing: string[] = [];
    const footer = [...content.footer];
    for (const name of content.attached) {
      const found = await mediaSize(chat, name);
      if (!found) {
        missing.push(name);
        footer.push(`Attachment ${name} is not in the export: the chat was exported without media, or the file was removed from ${chat.looseDir ? 'the folder' : chat.tree.isZip ? 'the ZIP' : 'the folder'}.`);
        continue;
      }
      attachments.push({ filename: name, size: found.size, read: () => plan.exp.readEntry(chat, found.entry) });
    }
    if (missing.length) meta['Missing-Attachment'] = missing.join(', ');
    const body = renderBody({
      header: [['Author', from.name && from.name !== from.id ? `${from.name} (${from.id})` : from.id], ...dateRows], text: content.body, footer,
    });
    yield {
      source: SOURCE_NAME, event: content.event, id, origin, from,
      to: to.length ? to : [chatId],
      subject: chatSubject(chatName, content.body.replace(/\u200e/g, '')), date: instant.date, text: body.text, html: body.html,
      attachments, conversation, meta: { ...meta, ...content.meta },
    } satisfies Item;
  }
}
