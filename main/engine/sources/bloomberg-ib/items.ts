/**
 * A read conversation → items: one transcript per `<Conversation>` (the default: "one conversation
 * per room per day"), or one item per event.
 */
import type { Attachment, BadRecord, Identity, Item, SourceRecord } from '../../item';
import { chatSubject, escapeHtml, formatUtc, renderBody, textToHtml } from '../../convert/body';
import { type AttachmentFinder, type ListedFile, sizeText } from './attachments';
import { type IbConversation, type IbEvent, sentence } from './conversation';
import { PLATFORM, describeUser } from './users';

export const SOURCE = 'Bloomberg';

export interface FileContext {
  /** The XML as named in messages, and its entry in the tree. */
  file: string;
  entry: string;
  zone: string;
  finder: AttachmentFinder;
  /** Transcript ids given so far in this read, to keep a repeated room and day apart. */
  transcriptIds: Set<string>;
  notice(message: string): void;
}

const EVENT_NAMES = { Message: 'IBMessage', Join: 'IBJoin', Leave: 'IBLeave', Invite: 'IBInvite', History: 'IBHistory', System: 'IBSystem' } as const;

const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
const dateOf = (e: IbEvent) => (typeof e.date === 'object' && 'date' in e.date ? e.date.date : undefined);
const timeOf = (d: Date) => d.toISOString().slice(11, 19);

export function roomIdentity(c: IbConversation): Identity {
  return { id: c.roomId, kind: 'user-id', platform: PLATFORM, name: c.name };
}

/** Attachments present beside the dump, and footer lines for those listed only. */
async function resolveFiles(files: ListedFile[], ctx: FileContext, who?: string): Promise<{ attachments: Attachment[]; footer: string[]; listed: string[] }> {
  const out = { attachments: [] as Attachment[], footer: [] as string[], listed: [] as string[] };
  for (const f of files) {
    const desc = [f.id && `FileID ${f.id}`, f.size !== undefined && sizeText(f.size)].filter(Boolean).join(', ');
    const found = await ctx.finder.find(f, ctx.entry);
    if (found) out.attachments.push(found);
    else {
      out.listed.push(`${f.name}${desc ? ` (${desc})` : ''}`);
      out.footer.push(`Attachment ${f.name}${desc ? ` (${desc})` : ''}${who ? ` from ${who}` : ''}: listed in the dump, its file is not in the export (Bloomberg delivers attachment files separately; put them beside the XML, named by FileID)`);
    }
  }
  return out;
}

function eventLine(e: IbEvent): string {
  const who = describeUser(e.user);
  const what = e.kind === 'System' ? `[system] ${e.content.trim()}`
    : sentence(e, who, describeUser(e.invitee)) ?? `${who}${e.kind === 'History' ? ' [history]' : ''}: ${e.content.trim().replace(/\r?\n/g, '\n    ')}`;
  const facts = e.facts.length ? ` (${e.facts.join('; ')})` : '';
  const files = e.files.length ? ` [${e.files.map((f) => f.name).join(', ')}]` : '';
  return `${what}${facts}${files}`;
}

/** The event's time; with the date when it is not the conversation's day (history from earlier days). */
function when(e: IbEvent, day: string): string {
  const d = dateOf(e);
  if (d) return d.toISOString().slice(0, 10) === day ? timeOf(d) : `${d.toISOString().slice(0, 10)} ${timeOf(d)}`;
  return typeof e.date === 'object' && 'error' in e.date ? `(time unreadable: ${e.date.error})` : '(no time)';
}

function position(c: IbConversation, index: number, line: number): string {
  return `Conversation[${index}] (line ${line})${c.roomId ? `, room ${c.roomId}` : ''}`;
}

export async function transcriptRecord(c: IbConversation, index: number, line: number, ctx: FileContext): Promise<SourceRecord> {
  const pos = position(c, index, line);
  const bad = (reason: string): BadRecord => ({ bad: true, origin: { file: ctx.file, position: pos }, reason });
  if (!c.roomId) return bad('the conversation has no RoomID, so it cannot get an id that stays the same across dumps');
  const startDate = typeof c.start === 'object' && 'date' in c.start ? c.start.date : undefined;
  const firstEventDate = c.events.map(dateOf).find((d): d is Date => !!d);
  const date = startDate ?? firstEventDate;
  if (!date) {
    const why = typeof c.start === 'object' && 'error' in c.start ? c.start.error : 'no StartTimeUTC or StartTime, and no event has a time';
    return bad(why);
  }
  const endDate = typeof c.end === 'object' && 'date' in c.end ? c.end.date : undefined;
  const day = date.toISOString().slice(0, 10);
  let id = `${c.roomId}/${day}`;
  if (ctx.transcriptIds.has(id)) {
    // The same room and day twice in one read (a split or re-sent dump): both are kept.
    const again = `${id}/${Math.floor(date.getTime() / 1000)}`;
    ctx.notice(`${ctx.file}: room ${c.roomId} has a second conversation for ${day} (${pos}); it is imported as ${again}`);
    id = again;
  }
  ctx.transcriptIds.add(id);

  const speakers = c.events.filter((e) => e.kind === 'Message' && e.user);
  const room = roomIdentity(c);
  const from = speakers[0]?.user ?? c.people.list[0] ?? room;
  const to = c.people.others(from.id);
  if (!to.length) to.push(room);

  const files = await resolveFiles(c.events.flatMap((e) => e.files), ctx);
  const messages = c.events.filter((e) => e.kind === 'Message').length;
  const unreadable = c.events.filter((e) => typeof e.date === 'object' && 'error' in e.date).length;
  const local = c.events.filter((e) => typeof e.date === 'object' && 'date' in e.date && e.date.fromLocal).length;
  const lines = c.events.map((e) => `${when(e, day)}  ${eventLine(e)}`);
  const body = renderBody({
    header: [
      ['Room', c.name !== c.roomId ? `${c.name} (${c.roomId})` : c.roomId],
      ['Participants', c.people.list.map(describeUser).join(', ')],
      ['Start', formatUtc(date)],
      ['End', endDate ? formatUtc(endDate) : undefined],
      ['Messages', String(messages)],
    ],
    text: lines.join('\n'),
    html: `<table class="ferry-transcript">${c.events.map((e) => `<tr><td valign="top">${escapeHtml(when(e, day))}</td><td>${textToHtml(eventLine(e))}</td></tr>`).join('')}</table>`,
    footer: files.footer,
  });

  const meta: Record<string, string> = { 'Bloomberg-Room-Id': c.roomId, 'Bloomberg-Message-Count': String(messages), 'Bloomberg-Event-Count': String(c.events.length) };
  if (c.name !== c.roomId) meta['Bloomberg-Room-Name'] = oneLine(c.name);
  if (c.perspective) meta['Bloomberg-Perspective'] = oneLine(c.perspective);
  if (endDate) meta['Bloomberg-End-Time'] = endDate.toISOString();
  if (files.listed.length) meta['Listed-Attachment'] = oneLine(files.listed.join('; '));
  if (unreadable) meta['Bloomberg-Unreadable-Times'] = String(unreadable);
  if (local || (startDate && typeof c.start === 'object' && 'fromLocal' in c.start && c.start.fromLocal)) meta['Date-Read-As'] = `local time in ${ctx.zone} (no DateTimeUTC)`;

  const first = speakers[0]?.content ?? '';
  const item: Item = {
    source: SOURCE, event: 'IBConversation', id,
    origin: { file: ctx.file, position: pos },
    from, to,
    subject: chatSubject(`${c.name} (${day})`, first),
    date,
    text: body.text, html: body.html,
    attachments: files.attachments,
    conversation: { id: c.roomId, name: c.name },
    meta,
  };
  return item;
}

/** Per-event mode: `<RoomID>/<seconds>/<n>`, n counting events of the same second in the conversation (`h<n>` for history). */
export async function* eventRecords(c: IbConversation, index: number, line: number, ctx: FileContext): AsyncGenerator<SourceRecord> {
  const room = roomIdentity(c);
  const perSecond = new Map<number, number>();
  let i = 0;
  for (const e of c.events) {
    const pos = `${position(c, index, line)}, event ${i++} <${e.node.name}> (line ${e.node.line})`;
    const bad = (reason: string): BadRecord => ({ bad: true, origin: { file: ctx.file, position: pos }, reason });
    if (!c.roomId) { yield bad('the conversation has no RoomID, so its events cannot get ids that stay the same across dumps'); continue; }
    if (e.date === 'absent') { yield bad(`${e.node.name} has no DateTimeUTC or DateTime`); continue; }
    if ('error' in e.date) { yield bad(e.date.error); continue; }
    const date = e.date.date;
    const seconds = Math.floor(date.getTime() / 1000);
    // History replays earlier messages: its own counter, so it never takes a live message's id.
    const key = e.kind === 'History' ? -seconds - 1 : seconds;
    const n = perSecond.get(key) ?? 0;
    perSecond.set(key, n + 1);

    const from = e.user ?? room;
    const to = c.people.others(from.id);
    if (!to.length) to.push(room);
    const who = describeUser(e.user);
    const said = sentence(e, who, describeUser(e.invitee));
    const files = await resolveFiles(e.files, ctx);
    const text = e.kind === 'System' ? e.content.trim() : said ?? e.content;
    const body = renderBody({
      header: [
        ['Room', c.name !== c.roomId ? `${c.name} (${c.roomId})` : c.roomId],
        ['From', e.user ? who : `${c.name} (system)`],
        ['Date', formatUtc(date)],
        ['History', e.kind === 'History' ? 'shown from the room\'s history' : undefined],
      ],
      text: [text, ...e.files.map((f) => `[Attachment ${f.name}]`)].filter(Boolean).join('\n'),
      footer: [...e.facts, ...files.footer],
    });
    const meta: Record<string, string> = { 'Bloomberg-Room-Id': c.roomId };
    if (c.name !== c.roomId) meta['Bloomberg-Room-Name'] = oneLine(c.name);
    if (c.perspective) meta['Bloomberg-Perspective'] = oneLine(c.perspective);
    if (e.invitee) meta['Bloomberg-Invitee'] = e.invitee.id;
    if (files.listed.length) meta['Listed-Attachment'] = oneLine(files.listed.join('; '));
    if (e.date.fromLocal) meta['Date-Read-As'] = `local time in ${ctx.zone} (no DateTimeUTC)`;
    for (const f of e.facts) { const [k, ...v] = f.split(': '); meta[`Bloomberg-${k!.replace(/[^A-Za-z0-9-]+/g, '-')}`] = oneLine(v.join(': ')); }

    yield {
      source: SOURCE, event: EVENT_NAMES[e.kind], id: `${c.roomId}/${seconds}/${e.kind === 'History' ? `h${n}` : n}`,
      origin: { file: ctx.file, position: pos },
      from, to,
      subject: chatSubject(c.name, text || e.files[0]?.name),
      date,
      text: body.text, html: body.html,
      attachments: files.attachments,
      conversation: { id: c.roomId, name: c.name },
      meta,
    } satisfies Item;
  }
}
