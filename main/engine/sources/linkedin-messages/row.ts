/**
 * One row of messages.csv → one item, or a bad record naming the line and the reason.
 */
import { createHash } from 'node:crypto';
import type { BadRecord, Item, SourceRecord } from '../../item';
import { chatSubject, formatUtc, renderBody, textToHtml } from '../../convert/body';
import { parseLinkedInDate } from './dates';
import { htmlToPlain } from './html-text';
import { person, recipients } from './people';

export const SOURCE = 'LinkedIn';

/** The columns LinkedIn writes, as header names (upper case). */
export const COLUMNS = {
  conversationId: 'CONVERSATION ID', conversationTitle: 'CONVERSATION TITLE', from: 'FROM', senderUrl: 'SENDER PROFILE URL',
  to: 'TO', recipientUrls: 'RECIPIENT PROFILE URLS', date: 'DATE', subject: 'SUBJECT', content: 'CONTENT', folder: 'FOLDER',
} as const;
export const REQUIRED = [COLUMNS.conversationId, COLUMNS.from, COLUMNS.date, COLUMNS.content] as const;
const KNOWN = new Set<string>(Object.values(COLUMNS));

/** Header name → column index. */
export type Header = Map<string, number>;

export function readHeader(cells: string[]): Header {
  const h: Header = new Map();
  cells.forEach((c, i) => { const k = c.trim().toUpperCase(); if (k && !h.has(k)) h.set(k, i); });
  return h;
}

/** Folders whose messages are InMail (paid messages from outside the member's network). */
export const isInMail = (folder: string) => /inmail|sponsored/i.test(folder);

/**
 * LinkedIn gives messages no id. The id is derived from what identifies a message (conversation,
 * sender, second, content), so the same message in a later, overlapping export gets the same id;
 * `seen` tells apart rows that are identical in all of these (a message sent twice).
 */
export class Ids {
  private seen = new Map<string, number>();
  next(conversationId: string, key: string): string {
    const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
    // A copy: the CSV cell is a slice of a parser chunk that the map would otherwise keep alive.
    const base = Buffer.from(`${conversationId}/${hash}`, 'utf8').toString('utf8');
    const n = (this.seen.get(base) ?? 0) + 1;
    // Bounded: identical rows sit next to each other, so the recent ids are enough.
    if (this.seen.size >= 10_000) this.seen.delete(this.seen.keys().next().value!);
    this.seen.delete(base);
    this.seen.set(base, n);
    return n === 1 ? base : `${base}/${n}`;
  }
}

export interface RowContext {
  file: string;
  header: Header;
  ids: Ids;
}

export function rowRecord(cells: string[], line: number, ctx: RowContext): SourceRecord {
  const cell = (name: string) => {
    const i = ctx.header.get(name);
    return i === undefined ? '' : (cells[i] ?? '');
  };
  const origin = { file: ctx.file, position: `line ${line}` };
  const bad = (reason: string): BadRecord => ({ bad: true, origin, reason });
  if (cells.length === 1 && cells[0] === '') return bad('empty line');
  if (cells.length < ctx.header.size) {
    return bad(`the row has ${cells.length} field(s), the header ${ctx.header.size}: a quote is probably not closed`);
  }

  const conversationId = cell(COLUMNS.conversationId).trim();
  if (!conversationId) return bad('no CONVERSATION ID');
  const dateCell = cell(COLUMNS.date);
  const date = parseLinkedInDate(dateCell);
  if (!date) return bad(dateCell.trim() ? `DATE "${dateCell}" is not a date (expected like 2023-05-01 14:03:22 UTC)` : 'no DATE');
  const fromName = cell(COLUMNS.from);
  const senderUrl = cell(COLUMNS.senderUrl);
  const from = person(fromName, senderUrl);
  if (!from) return bad('no sender: FROM and SENDER PROFILE URL are empty');
  const toCell = cell(COLUMNS.to);
  const urlCell = cell(COLUMNS.recipientUrls);
  const to = recipients(toCell, urlCell).filter((t) => t.id !== from.id);
  if (!to.length) return bad('no recipient: TO and RECIPIENT PROFILE URLS name nobody but the sender');

  const raw = cell(COLUMNS.content);
  const text = htmlToPlain(raw);
  const folder = cell(COLUMNS.folder).trim();
  const title = cell(COLUMNS.conversationTitle).trim();
  const subjectCell = cell(COLUMNS.subject).trim();
  const conversationName = title || [fromName.trim(), toCell.trim()].filter(Boolean).join(', ');

  const meta: Record<string, string> = { 'LinkedIn-Conversation-Id': conversationId };
  if (folder) meta['LinkedIn-Folder'] = folder;
  if (senderUrl.trim()) meta['LinkedIn-Sender-Profile'] = senderUrl.trim();
  if (urlCell.trim()) meta['LinkedIn-Recipient-Profiles'] = urlCell.trim().replace(/\s+/g, ' ');
  if (toCell.trim()) meta['LinkedIn-To'] = toCell.trim().replace(/\s+/g, ' ');
  // Columns of newer exports (ATTACHMENTS, IS MESSAGE DRAFT…) are kept in the footer as written.
  const extra: string[] = [];
  for (const [name, i] of ctx.header) {
    if (KNOWN.has(name)) continue;
    const v = (cells[i] ?? '').trim();
    if (!v) continue;
    extra.push(`${name}: ${v}`);
    meta[`LinkedIn-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`] = v.replace(/\s+/g, ' ');
  }

  const body = renderBody({
    header: [
      ['Conversation', title || undefined],
      ['From', senderUrl.trim() ? `${fromName.trim() || from.id} (${senderUrl.trim()})` : fromName.trim()],
      ['To', toCell.trim() || to.map((t) => t.name ?? t.id).join(', ')],
      ['Date', formatUtc(date)],
      ['Subject', subjectCell || undefined],
      ['Folder', folder || undefined],
    ],
    text,
    html: textToHtml(raw),
    footer: extra,
  });

  const item: Item = {
    source: SOURCE,
    event: isInMail(folder) ? 'InMail' : 'Message',
    id: ctx.ids.next(conversationId, [date.toISOString(), from.id, raw].join('\u0000')),
    origin,
    from, to,
    subject: subjectCell || chatSubject(conversationName, text),
    date,
    text: body.text,
    html: body.html,
    attachments: [],
    conversation: { id: conversationId, ...(conversationName ? { name: conversationName } : {}) },
    meta,
  };
  return item;
}
