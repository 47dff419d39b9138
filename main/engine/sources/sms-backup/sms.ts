/**
 * `<sms address date type body contact_name …/>`. `type` is Android's message box: 1 received (FROM
 * the address, TO the owner), 2 sent, 3 draft, 4 outbox, 5 failed, 6 queued (FROM the owner, TO the address).
 */
import type { Item, SourceRecord } from '../../item';
import { chatSubject, formatUtc, renderBody } from '../../convert/body';
import { type FileContext, SOURCE, badRecord, conversationOf, metaOf, others, position } from './context';
import { numbers, readMillis, recordId, value } from './people';
import type { XmlRecord } from './xml-records';

export const BOXES: Record<string, string> = { 1: 'received', 2: 'sent', 3: 'draft', 4: 'outbox', 5: 'failed', 6: 'queued' };

export function smsRecord(r: XmlRecord, f: FileContext): SourceRecord {
  const a = r.attrs;
  const type = a.type?.trim() ?? '';
  const id = recordId('sms', type, a.address, a.date, a.body);
  if (r.incomplete) return badRecord(f, r, `the file ends inside this element: it is incomplete (the file is truncated)${r.error ? `; ${r.error}` : ''}`, id);
  if (r.error) return badRecord(f, r, r.error, id);
  const date = readMillis(a.date);
  if (!date) return badRecord(f, r, a.date === undefined ? 'no date attribute' : `date "${a.date}" is not a time in milliseconds`, id);
  const box = BOXES[type];
  if (!box) return badRecord(f, r, a.type === undefined ? 'no type attribute (received, sent…)' : `type "${a.type}" is not an SMS box Android knows (1 to 6)`, id);
  const party = numbers(a.address, a.contact_name);
  if (!party.length) return badRecord(f, r, a.address === undefined ? 'no address attribute' : `address "${a.address}" holds no phone number`, id);

  const received = type === '1';
  const from = received ? party[0]! : f.owner;
  const to = received ? others(from, [...party.slice(1), f.owner]) : others(from, party);
  const body = a.body ?? '';
  const who = (p: typeof from) => (p.name ? `${p.name} (${p.id})` : p.id);
  const meta = {
    'SMS-Box': box,
    ...metaOf(a, [['date_sent', 'SMS-Date-Sent-Ms'], ['service_center', 'SMS-Service-Center'], ['readable_date', 'SMS-Readable-Date'], ['read', 'SMS-Read'], ['status', 'SMS-Status'], ['locked', 'SMS-Locked'], ['sub_id', 'SMS-Sub-Id']]),
  };
  const sent = readMillis(a.date_sent);
  const rendered = renderBody({
    header: [
      ['From', who(from)], ['To', to.map(who).join(', ')], ['Date', formatUtc(date)],
      ['Sent', sent && sent.getTime() !== date.getTime() ? formatUtc(sent) : undefined],
      ['Box', box === 'received' || box === 'sent' ? undefined : box],
      ['Subject', value(a.subject)],
    ],
    text: body,
  });
  const conversation = conversationOf(party, f.owner);
  return {
    source: SOURCE, event: 'SMS', id, origin: { file: f.file, position: position(r) },
    from, to, subject: chatSubject(conversation.name, value(a.subject) ?? body), date,
    text: rendered.text, html: rendered.html, attachments: [], conversation, meta,
  } satisfies Item;
}
