/**
 * The transcript option of chat sources: instead of one message per chat message (the default), one
 * transcript message per conversation and local day, as compliance archives of chat often keep them.
 *
 * It streams: chat sources yield a conversation's messages together and in time order, so consecutive
 * items of the same (conversation, day) are gathered and the transcript is emitted when the next one
 * begins; memory holds one conversation-day. Items without a conversation or a date (tweets, broken
 * items) and bad records pass through unchanged.
 *
 * Decisions:
 * - FROM is the day's first speaker (a person, so that mapping routes the transcript like a message);
 *   TO is every other participant of the day (senders and recipients), or the speaker when alone.
 * - The id is `<conversation id>/<yyyy-mm-dd>/<hash of the message ids>`: a later export holding more
 *   messages of a day (an export taken mid-day, then a full one) gives a new transcript instead of
 *   being skipped as a duplicate, and a day split in two runs of the stream gives two transcripts,
 *   never one that hides the other.
 * - Each message's lines keep the source's body below its header block (the speaker and time are on
 *   the transcript line instead); headers that carry other facts (In reply to, Forwarded from) stay.
 */
import { createHash } from 'node:crypto';
import { IANAZone } from 'luxon';
import { configError } from '../../errors';
import type { Attachment, Identity, Item, SourceRecord } from '../../item';
import { isBadRecord } from '../../item';
import { escapeHtml, renderBody, textToHtml } from '../../convert/body';
import type { CheckResult, SettingSpec, Source, SourceSettings } from '../types';

export interface TranscriptOptions {
  /** IANA zone whose calendar days group the messages. */
  timeZone: string;
}

export const TRANSCRIPT_EVENT = 'Transcript';

/** Header labels a transcript line already shows (who, when, where), left out of each message's body. */
const SHOWN = new Set(['author', 'from', 'date', 'to', 'chat', 'channel', 'conversation', 'team', 'group', 'workspace', 'server', 'guild']);

/** A message's body without the header block that renderBody puts above it. */
export function messageContent(text: string | undefined): string {
  if (!text) return '';
  const blank = text.indexOf('\n\n');
  if (blank < 0) return text;
  const head = text.slice(0, blank).split('\n');
  if (!head.every((l) => /^[A-Z][A-Za-z -]{0,40}: /.test(l))) return text;
  const kept = head.filter((l) => !SHOWN.has(l.slice(0, l.indexOf(':')).toLowerCase()));
  const rest = text.slice(blank + 2);
  return kept.length ? `${kept.join('\n')}\n${rest}` : rest;
}

const identityKey = (p: Identity) => `${p.kind}:${p.id}`;
const nameOf = (p: Identity | undefined) => (p ? p.name || p.id : '(unknown sender)');

/** Calendar day and time of day in a zone, from one cached Intl formatter. */
function zoneClock(timeZone: string) {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  return (d: Date) => {
    const p: Record<string, string> = {};
    for (const x of f.formatToParts(d)) p[x.type] = x.value;
    return { day: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}:${p.second}` };
  };
}

interface Group {
  key: string;
  day: string;
  items: Item[];
}

function transcriptOf(g: Group, timeZone: string, clock: ReturnType<typeof zoneClock>): Item {
  const first = g.items[0]!;
  const last = g.items[g.items.length - 1]!;
  const conv = first.conversation!;
  const convName = conv.name || conv.id;
  const from = g.items.find((i) => i.from)?.from ?? first.from;
  const people = new Map<string, Identity>();
  for (const i of g.items) for (const p of [...(i.from ? [i.from] : []), ...i.to]) if (!people.has(identityKey(p))) people.set(identityKey(p), p);
  const to = [...people.values()].filter((p) => !from || identityKey(p) !== identityKey(from));
  const times = g.items.map((i) => i.date!.getTime());
  const n = g.items.length;

  const lines: string[] = [];
  const html: string[] = [];
  const attachments: Attachment[] = [];
  for (const i of g.items) {
    const t = clock(i.date!).time;
    const who = nameOf(i.from);
    const event = i.event !== 'Message' ? ` [${i.event}]` : '';
    const content = messageContent(i.text).trim();
    const files = i.attachments.map((a) => a.filename);
    lines.push(`[${t}] ${who}${event}: ${content.replace(/\r?\n/g, '\n    ')}`);
    for (const f of files) lines.push(`    [attachment: ${f}]`);
    html.push(`<div class="ferry-transcript-message"><p><span class="time">${t}</span> <b>${escapeHtml(who)}</b>${escapeHtml(event)}:</p>`
      + `<blockquote>${textToHtml(content)}${files.map((f) => `<br>\n[attachment: ${escapeHtml(f)}]`).join('')}</blockquote></div>`);
    attachments.push(...i.attachments);
  }
  const body = renderBody({
    header: [
      ['Conversation', convName],
      ['Day', `${g.day} (${timeZone})`],
      ['Participants', [...people.values()].map(nameOf).join(', ')],
      ['Messages', String(n)],
    ],
    text: lines.join('\n'),
    html: html.join('\n'),
  });
  const hash = createHash('sha256');
  for (const i of g.items) hash.update(i.id).update('\0');
  return {
    source: first.source,
    event: TRANSCRIPT_EVENT,
    id: `${conv.id}/${g.day}/${hash.digest('hex').slice(0, 12)}`,
    origin: { file: first.origin.file, position: first.origin.position === last.origin.position || !last.origin.position ? first.origin.position ?? '' : `${first.origin.position ?? ''} to ${last.origin.position}` },
    ...(from ? { from } : {}),
    to: to.length ? to : from ? [from] : [],
    subject: `${convName} — ${g.day} (${n} message${n === 1 ? '' : 's'})`,
    date: first.date!,
    text: body.text,
    html: body.html,
    attachments,
    conversation: conv,
    meta: {
      'Transcript-Day': g.day,
      'Transcript-Time-Zone': timeZone,
      'Transcript-Messages': String(n),
      'Transcript-First': new Date(Math.min(...times)).toISOString(),
      'Transcript-Last': new Date(Math.max(...times)).toISOString(),
      'Transcript-First-Id': first.id,
      'Transcript-Last-Id': last.id,
    },
  };
}

/** One transcript item per run of consecutive items of the same conversation and local day. */
export async function* transcriptRecords(records: AsyncIterable<SourceRecord>, o: TranscriptOptions): AsyncGenerator<SourceRecord> {
  if (!IANAZone.isValidZone(o.timeZone)) throw configError(`transcript time zone "${o.timeZone}" is not an IANA time zone (e.g. Europe/London, UTC)`);
  const clock = zoneClock(o.timeZone);
  let group: Group | undefined;
  for await (const r of records) {
    if (isBadRecord(r) || !r.conversation || !r.date || Number.isNaN(r.date.getTime())) { yield r; continue; }
    const day = clock(r.date).day;
    const key = `${r.source}\0${r.conversation.id}\0${day}`;
    if (group && group.key !== key) { yield transcriptOf(group, o.timeZone, clock); group = undefined; }
    if (!group) group = { key, day, items: [] };
    group.items.push(r);
  }
  if (group) yield transcriptOf(group, o.timeZone, clock);
}

export const MESSAGE_MODE_SETTING: SettingSpec = {
  key: 'messageMode', label: 'Messages', type: 'select', default: 'message',
  options: [
    { value: 'message', label: 'One message per chat message' },
    { value: 'transcript-per-day', label: 'One transcript per conversation and day' },
  ],
  help: 'A transcript gathers a conversation\'s messages of one calendar day (in the transcript time zone) into one message, with every participant of the day as a recipient and every attachment.',
};

export const TRANSCRIPT_ZONE_SETTING: SettingSpec = {
  key: 'transcriptTimeZone', label: 'Transcript time zone', type: 'timezone',
  help: 'The zone whose days the transcripts follow. Default: the source\'s own time zone setting when it has one, else UTC.',
};

const MINE = [MESSAGE_MODE_SETTING.key, TRANSCRIPT_ZONE_SETTING.key];

interface Mode {
  transcript: boolean;
  timeZone: string;
  inner: SourceSettings;
}

function modeOf(settings: SourceSettings): Mode {
  const mode = settings.messageMode ?? 'message';
  if (mode !== 'message' && mode !== 'transcript-per-day') throw configError(`messageMode "${String(mode)}" must be message or transcript-per-day`);
  const own = settings.transcriptTimeZone;
  const fallback = typeof settings.timeZone === 'string' && settings.timeZone ? settings.timeZone : 'UTC';
  const timeZone = typeof own === 'string' && own.trim() ? own.trim() : fallback;
  if (mode === 'transcript-per-day' && !IANAZone.isValidZone(timeZone)) throw configError(`transcriptTimeZone "${timeZone}" is not an IANA time zone (e.g. Europe/London, UTC)`);
  const inner = { ...settings };
  for (const k of MINE) delete inner[k];
  return { transcript: mode === 'transcript-per-day', timeZone, inner };
}

const WRAPPED = Symbol('ferry.transcriptOption');

/**
 * Gives a chat source the `messageMode` setting (and `transcriptTimeZone`). The source object is
 * changed in place and returned, so a kind keeps one Source object (`getSource(kind)` is the module's
 * export); applying it twice changes nothing.
 */
export function withTranscriptOption<S extends Source>(source: S): S {
  const marked = source as S & { [WRAPPED]?: true };
  if (marked[WRAPPED]) return source;
  const { check, read } = source;
  source.spec = { ...source.spec, settings: [...source.spec.settings, MESSAGE_MODE_SETTING, TRANSCRIPT_ZONE_SETTING] };
  source.check = async (settings): Promise<CheckResult> => {
    let m: Mode;
    try {
      m = modeOf(settings);
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
    const r = await check.call(source, m.inner);
    return m.transcript && r.ok ? { ...r, message: `${r.message}; imported as one transcript per conversation and day (${m.timeZone})` } : r;
  };
  source.read = async function* (settings, ctx) {
    const m = modeOf(settings);
    const inner = read.call(source, m.inner, ctx);
    yield* m.transcript ? transcriptRecords(inner, { timeZone: m.timeZone }) : inner;
  };
  marked[WRAPPED] = true;
  return source;
}
