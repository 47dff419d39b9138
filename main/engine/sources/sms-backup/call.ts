/**
 * `<call number duration date type presentation contact_name …/>` → event `Call`, with a sentence
 * for the body. `type`: 1 incoming, 2 outgoing, 3 missed, 4 voicemail, 5 rejected, 6 blocked,
 * 7 answered on another device. Only outgoing calls go FROM the owner.
 */
import type { Identity, Item, SourceRecord } from '../../item';
import { chatSubject, formatUtc, renderBody } from '../../convert/body';
import { type FileContext, SOURCE, badRecord, metaOf, position } from './context';
import { PLATFORM, isHidden, phone, readMillis, recordId, value } from './people';
import type { XmlRecord } from './xml-records';

const TYPES: Record<string, string> = {
  1: 'Incoming call', 2: 'Outgoing call', 3: 'Missed call', 4: 'Voicemail', 5: 'Rejected call', 6: 'Blocked call', 7: 'Call answered on another device',
};
const PRESENTATION: Record<string, string> = { 2: 'a withheld number', 3: 'an unknown number', 4: 'a payphone' };

function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function callRecord(r: XmlRecord, f: FileContext): SourceRecord {
  const a = r.attrs;
  const type = a.type?.trim() ?? '';
  const id = recordId('call', type, a.number, a.date, a.duration);
  if (r.incomplete) return badRecord(f, r, `the file ends inside this element: it is incomplete (the file is truncated)${r.error ? `; ${r.error}` : ''}`, id);
  if (r.error) return badRecord(f, r, r.error, id);
  const date = readMillis(a.date);
  if (!date) return badRecord(f, r, a.date === undefined ? 'no date attribute' : `date "${a.date}" is not a time in milliseconds`, id);
  const what = TYPES[type];
  if (!what) return badRecord(f, r, a.type === undefined ? 'no type attribute (incoming, outgoing…)' : `type "${a.type}" is not a call type Android knows (1 to 7)`, id);
  const secs = a.duration !== undefined && /^\d+$/.test(a.duration.trim()) ? Number(a.duration.trim()) : undefined;
  if (a.duration !== undefined && secs === undefined) return badRecord(f, r, `duration "${a.duration}" is not a number of seconds`, id);

  const hidden = isHidden(a.number);
  const how = PRESENTATION[a.presentation ?? ''] ?? (hidden ? 'a hidden number' : undefined);
  const other: Identity = hidden
    ? { id: 'hidden-number', kind: 'user-id', platform: PLATFORM, name: how ? `Caller with ${how}` : 'Hidden number' }
    : phone(a.number!, a.contact_name);
  const outgoing = type === '2';
  const from = outgoing ? f.owner : other;
  const to = outgoing ? other : f.owner;
  const label = other.name && !hidden ? `${other.name} (${other.id})` : hidden ? other.name! : other.id;
  const sentence = `${what} ${outgoing ? 'to' : 'from'} ${label}${secs !== undefined && secs > 0 ? `, ${duration(secs)} (${secs} s)` : ''}`;
  const meta = {
    'Call-Type': what,
    ...(secs !== undefined ? { 'Call-Duration-Seconds': String(secs) } : {}),
    ...metaOf(a, [['presentation', 'Call-Presentation'], ['readable_date', 'SMS-Readable-Date'], ['subscription_id', 'SMS-Sub-Id'], ['post_dial_digits', 'Call-Post-Dial-Digits']]),
  };
  const rendered = renderBody({ header: [['Call', what], ['Number', hidden ? how : other.id], ['Contact', value(a.contact_name)], ['Date', formatUtc(date)], ['Duration', secs !== undefined ? `${duration(secs)} (${secs} s)` : undefined]], text: sentence });
  return {
    source: SOURCE, event: 'Call', id, origin: { file: f.file, position: position(r) },
    from, to: [to], subject: chatSubject(undefined, sentence, 12), date,
    text: rendered.text, html: rendered.html, attachments: [],
    conversation: { id: other.id, ...(other.name ? { name: other.name } : {}) }, meta,
  } satisfies Item;
}
