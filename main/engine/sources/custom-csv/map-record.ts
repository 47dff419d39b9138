/**
 * One record of a mapped file (a CSV row, an XML element) to an item, following the admin's field
 * mapping. Shared by the custom delimited-text and XML sources: each gives a way to read the values
 * at a column or path, and where attachments are found.
 */
import { createHash } from 'node:crypto';
import type { Attachment, BadRecord, Identity, Item, Origin } from '../../item';
import { chatSubject, escapeHtml, formatUtc, renderBody } from '../../convert/body';
import { looksLikeEmail } from '../../convert/addresses';
import type { AttachmentResolver } from './attachments';
import { parseMappedDate } from './date-format';
import type { FieldMap, FieldRef, IdentityField } from './field-map';
import { htmlToText } from './html-text';

/** The values of a record at a column or path: one for a CSV cell, one per element for XML; [] when absent. */
export type RecordValues = (name: string) => string[];

export interface MapContext {
  fieldMap: FieldMap;
  origin: Origin;
  attachments?: AttachmentResolver;
}

const refName = (f: FieldRef) => (f.column ?? f.path)!;
const label = (f: FieldRef) => (f.column !== undefined ? `column "${f.column}"` : `path "${f.path}"`);

/** Splits on the separator, except inside double quotes or angle brackets (`"Diaz, Carol" <carol@x>`). */
function splitList(v: string, separator: string): string[] {
  if (!v.includes('"') && !v.includes('<')) return v.split(separator);
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  let angle = false;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '"' && !angle) quoted = !quoted;
    else if (c === '<' && !quoted) angle = true;
    else if (c === '>' && !quoted) angle = false;
    else if (!quoted && !angle && v.startsWith(separator, i)) { out.push(v.slice(start, i)); start = i + separator.length; i = start - 1; }
  }
  out.push(v.slice(start));
  return out;
}

/** A value's pieces: split on the separator, trimmed, empty ones left out. */
function pieces(values: string[], separator: string | undefined): string[] {
  const out: string[] = [];
  for (const v of values) for (const p of separator ? splitList(v, separator) : [v]) if (p.trim()) out.push(p.trim());
  return out;
}

/** `Ann Lee <ann@contoso.com>` or `ann@contoso.com`. */
function emailParts(v: string): { address: string; name?: string } | null {
  const m = /^(?:"?([^"<]*?)"?\s*)<([^<>]+)>$/.exec(v);
  const address = (m ? m[2]! : v).trim();
  if (!looksLikeEmail(address)) return null;
  const name = m?.[1]?.trim();
  return name ? { address, name } : { address };
}

function identities(field: IdentityField, get: RecordValues, platform: string, role: 'FROM' | 'TO', defaultSep: string | undefined,
  problems: string[]): Identity[] {
  const sep = field.separator ?? defaultSep;
  const ids = pieces(get(refName(field)), sep);
  const nameRef = field.nameColumn ?? field.namePath;
  const names = nameRef ? pieces(get(nameRef), sep) : [];
  const out: Identity[] = [];
  for (const [i, raw] of ids.entries()) {
    const name = names.length === ids.length ? names[i] : ids.length === 1 ? names.join(' ') || undefined : undefined;
    if (field.kind === 'email') {
      const e = emailParts(raw);
      if (!e) { problems.push(`${role} "${raw}" is not an email address (${role === 'FROM' ? 'from' : 'to'}.kind is email)`); continue; }
      const shown = name ?? e.name;
      out.push({ id: e.address, kind: 'email', platform, email: e.address, ...(shown ? { name: shown } : {}) });
    } else {
      out.push({ id: raw, kind: field.kind, platform, ...(name ? { name } : {}) });
    }
  }
  if (!ids.length) problems.push(`${role} is empty (${label(field)})`);
  return out;
}

const who = (p: Identity) => (p.name && p.name !== p.id ? `${p.name} <${p.id}>` : p.id);

/** Ids without an id column: a hash of the mapped values, so the same message read again gets the same id. */
function contentId(fm: FieldMap, get: RecordValues): string {
  const h = createHash('sha256');
  for (const f of [fm.from, fm.to, fm.date, fm.subject, fm.body, fm.attachments, fm.conversation, fm.replyTo]) {
    h.update(JSON.stringify(f ? get(refName(f)) : null)).update('\0');
  }
  return `sha256-${h.digest('hex').slice(0, 32)}`;
}

export async function mapRecord(get: RecordValues, ctx: MapContext): Promise<Item | BadRecord> {
  const fm = ctx.fieldMap;
  const platform = fm.source.toLowerCase();
  const problems: string[] = [];
  const one = (f: FieldRef | undefined) => (f ? get(refName(f)).join('\n') : '');

  const fromList = identities(fm.from, get, platform, 'FROM', fm.from.separator, problems);
  if (fromList.length > 1) problems.push(`FROM has ${fromList.length} values (${fromList.map((f) => f.id).join(', ')}); a message has one sender`);
  const to = identities(fm.to, get, platform, 'TO', ';', problems);

  const rawDate = get(refName(fm.date));
  let date: Date | undefined;
  let dateNote: string | undefined;
  if (rawDate.length > 1) problems.push(`DATE has ${rawDate.length} values (${label(fm.date)})`);
  else {
    const parsed = parseMappedDate(rawDate[0] ?? '', fm.date.format, fm.date.timeZone ?? 'UTC');
    if ('error' in parsed) problems.push(`DATE ${rawDate.length ? parsed.error : `is missing (${label(fm.date)})`}`);
    else { date = parsed.date; dateNote = parsed.note; }
  }

  let id: string;
  if (fm.id) {
    id = one(fm.id).trim();
    if (!id) problems.push(`the id is empty (${label(fm.id)})`);
  } else id = contentId(fm, get);

  if (problems.length) return { bad: true, origin: ctx.origin, reason: problems.join('; '), ...(id ? { id } : {}) };

  const from = fromList[0]!;
  const body = one(fm.body);
  const text = fm.bodyIsHtml ? htmlToText(body) : body;
  const convId = fm.conversation ? one(fm.conversation).trim() : '';
  const convNameRef = fm.conversation?.nameColumn ?? fm.conversation?.namePath;
  const convName = (convNameRef ? get(convNameRef).join(' ').trim() : '') || convId;
  const subject = one(fm.subject).trim() || chatSubject(convName || undefined, text);
  const replyTo = fm.replyTo ? one(fm.replyTo).trim() : '';

  const attachments: Attachment[] = [];
  const footer: string[] = [];
  const missing: string[] = [];
  const refused: string[] = [];
  if (fm.attachments) {
    for (const ref of pieces(get(refName(fm.attachments)), fm.attachments.separator ?? ';')) {
      const r = ctx.attachments ? await ctx.attachments.resolve(ref) : { missing: 'no attachment folder' };
      if ('attachment' in r) attachments.push(r.attachment);
      else if ('missing' in r) { missing.push(ref); footer.push(`Attachment not in the export: ${ref} (${r.missing})`); }
      else { refused.push(ref); footer.push(`Attachment refused: ${ref} (${r.refused})`); }
    }
  }
  if (dateNote) footer.push(`Date: ${dateNote}`);

  const meta: Record<string, string> = { 'Original-Date': rawDate[0]!.trim() };
  if (dateNote) meta['Date-Read-As'] = dateNote;
  if (missing.length) meta['Missing-Attachment'] = missing.join('; ');
  if (refused.length) meta['Refused-Attachment'] = refused.join('; ');

  const rendered = renderBody({
    header: [
      ['From', who(from)],
      ['To', to.map(who).join(', ')],
      ['Date', formatUtc(date!)],
      ['Conversation', convName || undefined],
      ['In reply to', replyTo || undefined],
    ],
    text,
    ...(fm.bodyIsHtml ? { html: body } : { html: escapeHtml(text).replace(/\r?\n/g, '<br>\n') }),
    footer,
  });

  return {
    source: fm.source, event: fm.event, id, origin: ctx.origin,
    from, to, subject, date: date!,
    text: rendered.text, html: rendered.html,
    attachments,
    ...(replyTo ? { replyTo } : {}),
    ...(convId ? { conversation: { id: convId, ...(convName ? { name: convName } : {}) } } : {}),
    meta,
  };
}
