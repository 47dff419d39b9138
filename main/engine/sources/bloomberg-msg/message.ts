/**
 * One `<Message>` of a Bloomberg MSG dump → one item: sender, TO/CC/BCC recipients, subject, the
 * greeting, body and disclaimer, attachments (attached when their files are beside the dump).
 */
import type { Attachment, BadRecord, Identity, Item, SourceRecord } from '../../item';
import { formatUtc, renderBody } from '../../convert/body';
import { type AttachmentFinder, type ListedFile, sizeText } from '../bloomberg-ib/attachments';
import { readBbgDate } from '../bloomberg-ib/dates';
import { People, bloombergUser, describeUser } from '../bloomberg-ib/users';
import { type XNode, child, childrenNamed, field } from '../bloomberg-ib/xml-records';

export const SOURCE = 'Bloomberg';

export interface MsgContext {
  file: string;
  entry: string;
  zone: string;
  finder: AttachmentFinder;
}

const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
type Delivery = 'TO' | 'CC' | 'BCC';

function personOf(n: XNode | undefined): Identity | undefined {
  if (!n) return undefined;
  return bloombergUser(child(n, 'UserInfo')) ?? bloombergUser(child(n, 'User')) ?? bloombergUser(n);
}

function listed(n: XNode): ListedFile[] {
  return [...childrenNamed(n, 'Attachment'), ...childrenNamed(child(n, 'Attachments'), 'Attachment')].map((a) => {
    const size = field(a, 'FileSize');
    const id = field(a, 'Reference', 'FileID');
    const index = field(a, 'Index');
    return {
      name: field(a, 'Name', 'FileName') ?? (index ? `attachment-${index}` : id ?? 'attachment'),
      ...(id ? { id } : {}), ...(size && /^\d+$/.test(size) ? { size: Number(size) } : {}),
    };
  });
}

/** Greeting, body and disclaimer, as the recipient saw them. */
function bodyText(n: XNode): { text: string; disclaimer?: string } {
  const greeting = field(n, 'Greeting');
  const body = child(n, 'MsgBody')?.text ?? '';
  const d = child(n, 'Disclaimer');
  const disclaimer = (d && (field(d, 'DisclaimerText', 'Text') ?? (d.text.trim() || undefined))) || undefined;
  const text = [greeting, body.replace(/^\s*\n|\s+$/g, '')].filter((x) => x !== undefined && x !== '').join('\n\n');
  return { text, ...(disclaimer ? { disclaimer } : {}) };
}

export async function messageRecord(n: XNode, index: number, ctx: MsgContext): Promise<SourceRecord> {
  const msgId = field(n, 'MsgID');
  const pos = `Message[${index}] (line ${n.line})${msgId ? `, MsgID ${msgId}` : ''}`;
  const bad = (reason: string): BadRecord => ({ bad: true, origin: { file: ctx.file, position: pos }, reason, ...(msgId ? { id: msgId } : {}) });
  if (!msgId) return bad('the message has no MsgID, so it cannot get an id that stays the same across dumps');
  const when = readBbgDate(n, ['MsgTimeUTC'], ['MsgTime'], ctx.zone);
  if (when === 'absent') return bad('the message has no MsgTimeUTC or MsgTime');
  if ('error' in when) return bad(when.error);
  const from = personOf(child(n, 'Sender'));
  if (!from) return bad('the message names no sender (<Sender><UserInfo> with a login name or an email address)');

  const by: Record<Delivery, Identity[]> = { TO: [], CC: [], BCC: [] };
  const people = new People();
  const unnamed: string[] = [];
  childrenNamed(n, 'Recipient').forEach((r, i) => {
    const type = (r.attrs.DeliveryType ?? field(r, 'DeliveryType') ?? 'TO').toUpperCase();
    const p = personOf(r);
    if (!p) { unnamed.push(`recipient ${i + 1} (${type})`); return; }
    by[type === 'CC' ? 'CC' : type === 'BCC' ? 'BCC' : 'TO'].push(p);
    people.add(p);
  });
  if (!people.list.length) return bad(unnamed.length ? `no recipient can be read (${unnamed.join(', ')} name nobody)` : 'the message has no <Recipient>');

  const onBehalf = personOf(child(n, 'OnBehalfOf'));
  const files = listed(n);
  const attachments: Attachment[] = [];
  const footer: string[] = [];
  const missing: string[] = [];
  for (const f of files) {
    const found = await ctx.finder.find(f, ctx.entry);
    if (found) { attachments.push(found); continue; }
    const desc = [f.id && `Reference ${f.id}`, f.size !== undefined && sizeText(f.size)].filter(Boolean).join(', ');
    missing.push(`${f.name}${desc ? ` (${desc})` : ''}`);
    footer.push(`Attachment ${f.name}${desc ? ` (${desc})` : ''}: listed in the dump, its file is not in the export (Bloomberg delivers attachment files separately; put them beside the XML, named by their reference)`);
  }
  const { text, disclaimer } = bodyText(n);
  const subject = field(n, 'Subject') ?? '';
  const list = (ps: Identity[]) => (ps.length ? ps.map(describeUser).join(', ') : undefined);
  const body = renderBody({
    header: [
      ['From', describeUser(from)],
      ['On behalf of', onBehalf ? describeUser(onBehalf) : undefined],
      ['To', list(by.TO)],
      ['Cc', list(by.CC)],
      ['Bcc', list(by.BCC)],
      ['Date', formatUtc(when.date)],
      ['Subject', subject || undefined],
    ],
    text,
    footer: [...(disclaimer ? [`Disclaimer: ${disclaimer}`] : []), ...footer],
  });

  const meta: Record<string, string> = { 'Bloomberg-Msg-Id': msgId };
  if (onBehalf) meta['On-Behalf-Of'] = oneLine(describeUser(onBehalf));
  const lang = field(n, 'MsgLang');
  if (lang) meta['Bloomberg-Language'] = oneLine(lang);
  if (missing.length) meta['Listed-Attachment'] = oneLine(missing.join('; '));
  if (unnamed.length) meta['Bloomberg-Unreadable-Recipients'] = unnamed.join(', ');
  if (when.fromLocal) meta['Date-Read-As'] = `local time in ${ctx.zone} (no MsgTimeUTC)`;

  const item: Item = {
    source: SOURCE, event: 'Message', id: `msg/${msgId}`,
    origin: { file: ctx.file, position: pos },
    from,
    // Each recipient once, in the first of TO, CC, BCC that names them (as the dump delivered it).
    ...recipientLists(by),
    subject,
    date: when.date,
    text: body.text, html: body.html,
    attachments,
    meta,
  };
  return item;
}

function recipientLists(by: Record<Delivery, Identity[]>): Pick<Item, 'to' | 'cc' | 'bcc'> {
  const seen = new Set<string>();
  const once = (ps: Identity[]) => ps.filter((p) => !seen.has(p.id) && seen.add(p.id));
  const to = once(by.TO);
  const cc = once(by.CC);
  const bcc = once(by.BCC);
  return { to, ...(cc.length ? { cc } : {}), ...(bcc.length ? { bcc } : {}) };
}
