/**
 * Message content as a list of pieces (plain text, links, mentions), so one walk over Slack's
 * markup gives both bodies: decoded plain text, and HTML where only links are markup and every
 * piece of source text is escaped.
 */
import { escapeHtml, textToHtml } from '../../convert/body';

export type Piece =
  | { kind: 'text'; text: string }
  | { kind: 'link'; url: string; label?: string }
  | { kind: 'mention'; text: string };

/** Schemes that may become a clickable link in the HTML body; anything else stays text. */
const SAFE_SCHEME = /^(https?|mailto|ftp|tel|slack):/i;

export function linkText(p: { url: string; label?: string }): string {
  const label = p.label?.trim();
  if (!label || label === p.url || `mailto:${label}` === p.url || `tel:${label}` === p.url) return label || p.url;
  return `${label} (${p.url})`;
}

export function piecesToText(pieces: Piece[]): string {
  return pieces.map((p) => (p.kind === 'link' ? linkText(p) : p.text)).join('');
}

export function piecesToHtml(pieces: Piece[]): string {
  return pieces.map((p) => {
    if (p.kind === 'text') return textToHtml(p.text);
    if (p.kind === 'mention') return `<span class="mention">${escapeHtml(p.text)}</span>`;
    const label = p.label?.trim() || p.url;
    if (!SAFE_SCHEME.test(p.url)) return textToHtml(linkText(p));
    return `<a href="${escapeHtml(p.url)}">${escapeHtml(label)}</a>`;
  }).join('');
}

/** Joins groups of pieces with a separator (a blank line between paragraphs or attachments). */
export function joinPieces(groups: Piece[][], separator = '\n\n'): Piece[] {
  const out: Piece[] = [];
  for (const g of groups) {
    if (!g.length) continue;
    if (out.length) out.push({ kind: 'text', text: separator });
    out.push(...g);
  }
  return out;
}

export function isBlank(pieces: Piece[]): boolean {
  return pieces.every((p) => p.kind === 'text' && !p.text.trim());
}
