/**
 * Teams message bodies are HTML written by the Teams client — and by anyone who posts through the
 * Graph API, so they are untrusted. They are rendered to plain text (block elements and <br> become
 * line breaks, links keep their target, images and emoji their alt text, <at> mentions their text,
 * script/style contents dropped) with htmlparser2; the HTML part of the message is that text escaped,
 * so no markup from the source ever reaches a mail client.
 */
import { Parser } from 'htmlparser2';

const BLOCK = new Set(['p', 'div', 'li', 'tr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'table', 'ul', 'ol', 'hr']);
const SKIP = new Set(['script', 'style', 'head', 'title', 'template', 'noscript']);

export function htmlToText(html: string): string {
  let out = '';
  let skip = 0;
  const links: { href: string; start: number }[] = [];
  const newline = () => { if (out && !out.endsWith('\n')) out += '\n'; };
  const parser = new Parser({
    onopentag(name, attrs) {
      if (SKIP.has(name)) { skip++; return; }
      if (skip) return;
      if (name === 'br') out += '\n';
      else if (BLOCK.has(name)) newline();
      if (name === 'li') out += '• ';
      if (name === 'a' && attrs.href) links.push({ href: attrs.href, start: out.length });
      if (name === 'img') out += `[${attrs.alt || 'image'}${attrs.src && /^https?:/i.test(attrs.src) ? `: ${attrs.src}` : ''}]`;
      if (name === 'emoji' && attrs.alt) out += attrs.alt;
      if (name === 'attachment') out += `[attachment ${attrs.id ?? ''}]`.replace(' ]', ']');
    },
    ontext(text) {
      if (!skip) out += text.replace(/[ \t\r\n]+/g, ' ');
    },
    onclosetag(name) {
      if (SKIP.has(name)) { skip = Math.max(0, skip - 1); return; }
      if (skip) return;
      if (name === 'a') {
        const link = links.pop();
        const shown = link ? out.slice(link.start).trim() : '';
        if (link && shown !== link.href && !/^mailto:/i.test(link.href)) out += ` (${link.href})`;
      }
      if (BLOCK.has(name)) newline();
    },
  }, { decodeEntities: true, lowerCaseTags: true });
  parser.write(html);
  parser.end();
  return out.split('\n').map((l) => l.replace(/^ +| +$/g, '')).join('\n').replace(/\n{3,}/g, '\n\n').trim();
}
