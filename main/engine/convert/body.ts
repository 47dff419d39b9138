/**
 * Bodies as the partner schema shows them: a short header block (`Author: … Date: … Tweet: …`) then
 * the content, in a text part and an HTML part. Sources give their fields; escaping happens here.
 */

const HTML_SPECIAL = /[&<>"']/;
const HTML_SPECIALS = /[&<>"']/g;
const HTML_ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  // One pass, and none for the usual text with nothing to escape (this runs several times per item).
  return HTML_SPECIAL.test(s) ? s.replace(HTML_SPECIALS, (c) => HTML_ENTITY[c]!) : s;
}

/** Plain text as HTML: escaped, line breaks kept. */
export function textToHtml(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>\n');
}

export interface BodyParts {
  /** Label/value pairs shown above the content; empty values are left out. */
  header: [string, string | undefined][];
  /** The content as plain text. */
  text: string;
  /** The content as an HTML fragment, when the source has formatting; otherwise derived from `text`. Must be safe HTML built by the source. */
  html?: string;
  /** Lines below the content: reactions, edits, omitted media. */
  footer?: string[];
}

export function renderBody(parts: BodyParts): { text: string; html: string } {
  const header = parts.header.filter((h): h is [string, string] => !!h[1]);
  const footer = parts.footer?.filter(Boolean) ?? [];
  const text = [
    ...header.map(([k, v]) => `${k}: ${v}`),
    header.length ? '' : undefined,
    parts.text,
    ...(footer.length ? ['', ...footer] : []),
  ].filter((l) => l !== undefined).join('\n');
  const html = [
    '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>',
    header.length
      ? `<table class="ferry-header">${header.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table><hr>`
      : '',
    `<div class="ferry-content">${parts.html ?? textToHtml(parts.text)}</div>`,
    footer.length ? `<hr><div class="ferry-footer">${footer.map((l) => `<p>${textToHtml(l)}</p>`).join('')}</div>` : '',
    '</body></html>',
  ].join('');
  return { text, html };
}

/** A short subject for chat messages: conversation name, then the first words of the text. */
export function chatSubject(conversation: string | undefined, text: string | undefined, maxWords = 8): string {
  // Only the first words are needed: a long message is not split whole.
  const words: string[] = [];
  const re = /\S+/g;
  for (let m = re.exec(text ?? ''); m && words.length <= maxWords; m = re.exec(text ?? '')) words.push(m[0]);
  let first = words.slice(0, maxWords).join(' ');
  if (first.length > 80) first = `${first.slice(0, 79)}…`;
  else if (words.length > maxWords) first += '…';
  if (conversation && first) return `${conversation}: ${first}`;
  return conversation || first || '(no text)';
}

/** An ISO-like UTC timestamp for header blocks: `2015-11-01 14:03:00 UTC`. */
export function formatUtc(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
