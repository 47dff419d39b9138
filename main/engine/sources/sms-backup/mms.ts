/**
 * `<mms msg_box date address …><parts><part ct name text data/>…</parts><addrs><addr address type/>…</addrs></mms>`.
 * `msg_box` 1 is received, 2 sent (3 draft, 4 outbox). `<addr type>` says who: 137 from, 151 to,
 * 130 cc, 129 bcc. Text parts make the body, `application/smil` (the layout) is left out, every other
 * part with content is an attachment: base64 `data`, or `text` for text-like parts (vCards…).
 */
import type { Attachment, Identity, Item, SourceRecord } from '../../item';
import { chatSubject, formatUtc, renderBody } from '../../convert/body';
import { type FileContext, SOURCE, badRecord, conversationOf, metaOf, others, position } from './context';
import { BOXES } from './sms';
import { isHidden, numbers, phone, readMillis, recordId, value } from './people';
import type { Attrs, XmlRecord } from './xml-records';

const FROM = '137';
const TO = ['151', '130', '129'];
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

const EXT: Record<string, string> = {
  'image/jpeg': 'jpg', 'image/jpg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'image/heic': 'heic',
  'video/mp4': 'mp4', 'video/3gpp': '3gp', 'audio/amr': 'amr', 'audio/mpeg': 'mp3', 'audio/mp3': 'mp3', 'audio/mp4': 'm4a',
  'text/x-vcard': 'vcf', 'text/vcard': 'vcf', 'application/pdf': 'pdf', 'text/plain': 'txt',
};

interface Parts {
  text: string[];
  attachments: Attachment[];
  footer: string[];
  unreadable: string[];
}

function partName(p: Attrs, n: number): string {
  const name = value(p.name) ?? value(p.cl) ?? value(p.fn);
  if (name) return name.replace(/[\\/]/g, '_');
  const ct = value(p.ct)?.toLowerCase() ?? '';
  return `part-${value(p.seq) ?? n}.${EXT[ct] ?? 'bin'}`;
}

function readParts(parts: Attrs[]): Parts {
  const out: Parts = { text: [], attachments: [], footer: [], unreadable: [] };
  const names = new Set<string>();
  const unique = (name: string) => {
    let n = name;
    for (let i = 2; names.has(n); i++) n = name.replace(/(\.[^.]*)?$/, (ext) => ` (${i})${ext}`);
    names.add(n);
    return n;
  };
  parts.forEach((p, i) => {
    const ct = value(p.ct)?.toLowerCase() ?? 'application/octet-stream';
    if (ct === 'application/smil') return;
    const data = value(p.data);
    const text = value(p.text);
    const name = partName(p, i);
    if (ct === 'text/plain' && data === undefined) {
      if (text !== undefined) out.text.push(text);
      return;
    }
    if (data !== undefined) {
      if (!BASE64.test(data) || data.replace(/\s/g, '').length % 4 === 1) {
        // Not base64: the content cannot be recovered, but the evidence is kept as it was written.
        const raw = Buffer.from(data, 'utf8');
        const kept = unique(`${name}.undecodable-base64.txt`);
        out.attachments.push({ filename: kept, contentType: 'text/plain', size: raw.length, read: async () => raw });
        out.unreadable.push(`${name} (${ct})`);
        out.footer.push(`Attachment ${name} (${ct}) could not be decoded: its data is not base64; kept as written in ${kept}`);
        return;
      }
      const content = Buffer.from(data, 'base64');
      out.attachments.push({ filename: unique(name), contentType: ct, size: content.length, read: async () => content });
      return;
    }
    if (text !== undefined) {
      const content = Buffer.from(text, 'utf8');
      out.attachments.push({ filename: unique(name), contentType: ct, size: content.length, read: async () => content });
      return;
    }
    out.footer.push(`Attachment ${name} (${ct}) is not in the backup (it was made without MMS attachments, or the part is empty)`);
  });
  return out;
}

export function mmsRecord(r: XmlRecord, f: FileContext): SourceRecord {
  const a = r.attrs;
  const parts = r.children.filter((c) => c.name === 'part').map((c) => c.attrs);
  const addrs = r.children.filter((c) => c.name === 'addr').map((c) => c.attrs);
  const texts = parts.filter((p) => value(p.ct)?.toLowerCase() === 'text/plain').map((p) => value(p.text) ?? '');
  const box = a.msg_box?.trim() ?? '';
  const id = recordId('mms', box, a.address, a.date, value(a.m_id) ?? '', texts.join('\n'));
  if (r.incomplete) return badRecord(f, r, `the file ends inside this element: it is incomplete (the file is truncated)${r.error ? `; ${r.error}` : ''}`, id);
  if (r.error) return badRecord(f, r, r.error, id);
  const date = readMillis(a.date);
  if (!date) return badRecord(f, r, a.date === undefined ? 'no date attribute' : `date "${a.date}" is not a time in milliseconds`, id);
  const boxName = BOXES[box];
  if (!boxName || Number(box) > 4) return badRecord(f, r, a.msg_box === undefined ? 'no msg_box attribute (received, sent…)' : `msg_box "${a.msg_box}" is not an MMS box Android knows (1 to 4)`, id);
  const received = box === '1';

  // Who: the <addrs> when the backup has them, else the address attribute (`~` between group members).
  const named = numbers(a.address, a.contact_name);
  const nameOf = (n: string) => named.find((p) => p.id === n.trim())?.name;
  const usable = addrs.filter((x) => !isHidden(x.address) && x.address !== 'insert-address-token');
  const fromAddr = usable.find((x) => x.type === FROM)?.address;
  // The owner's own number among the recipients is the owner (with the owner's name).
  const toAddrs = usable.filter((x) => TO.includes(x.type ?? ''))
    .map((x) => (x.address!.trim() === f.owner.id ? f.owner : phone(x.address!, nameOf(x.address!))));
  let from: Identity | undefined;
  let people: Identity[];
  if (received) {
    from = fromAddr ? phone(fromAddr, nameOf(fromAddr)) : named[0];
    people = [...toAddrs, ...named, f.owner];
  } else {
    from = f.owner;
    people = toAddrs.length ? toAddrs : named;
  }
  if (!from) return badRecord(f, r, 'a received MMS whose sender is not in the backup (no <addr type="137"> and no address)', id);
  const to = others(from, people);

  const content = readParts(parts);
  const subject = value(a.sub);
  const body = content.text.join('\n');
  const who = (p: Identity) => (p.name ? `${p.name} (${p.id})` : p.id);
  const meta = {
    'SMS-Box': boxName,
    ...metaOf(a, [['m_id', 'MMS-Message-Id'], ['tr_id', 'MMS-Transaction-Id'], ['ct_t', 'MMS-Content-Type'], ['readable_date', 'SMS-Readable-Date'], ['read', 'SMS-Read'], ['locked', 'SMS-Locked'], ['sub_id', 'SMS-Sub-Id']]),
    ...(content.unreadable.length ? { 'Undecodable-Attachment': content.unreadable.join('; ') } : {}),
  };
  const sent = readMillis(a.date_sent);
  const rendered = renderBody({
    header: [
      ['From', who(from)], ['To', to.map(who).join(', ')], ['Date', formatUtc(date)],
      ['Sent', sent && sent.getTime() !== date.getTime() ? formatUtc(sent) : undefined],
      ['Box', boxName === 'received' || boxName === 'sent' ? undefined : boxName],
      ['Subject', subject],
    ],
    text: body || (content.attachments.length ? `(${content.attachments.length} attachment${content.attachments.length === 1 ? '' : 's'})` : ''),
    footer: content.footer,
  });
  const conversation = conversationOf([from, ...to], f.owner);
  return {
    source: SOURCE, event: 'MMS', id, origin: { file: f.file, position: position(r) },
    from, to, subject: chatSubject(conversation.name, subject ?? (body || content.attachments[0]?.filename)), date,
    text: rendered.text, html: rendered.html, attachments: content.attachments, conversation, meta,
  } satisfies Item;
}
