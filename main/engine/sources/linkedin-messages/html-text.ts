/**
 * LinkedIn's CONTENT is "HTML-ish": plain text for most messages, HTML fragments for InMail and
 * some newer messages. The text body gets the words without tags; the HTML body shows the content
 * as written, escaped (a message body is data, never markup to render).
 */

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ndash: '–', mdash: '—', hellip: '…',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', bull: '•', middot: '·', copy: '©', reg: '®', trade: '™', euro: '€',
};

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

const looksLikeHtml = (s: string) => /<\/?[a-z][a-z0-9]*(\s[^<>]*)?\/?>/i.test(s) || /&(#\d+|#x[0-9a-f]+|[a-z]+);/i.test(s);

/** The content as plain text: tags dropped (block ends and <br> become line breaks), entities decoded. */
export function htmlToPlain(content: string): string {
  if (!looksLikeHtml(content)) return content;
  const text = content
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|tr|blockquote)\s*>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '• ')
    .replace(/<[a-z/!][^<>]*>/gi, '');
  return decodeEntities(text).replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}
