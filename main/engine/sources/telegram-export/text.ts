/**
 * Telegram message text: a string, or an array of strings and entity objects
 * (`{ type, text, href?, user_id?, language? }`). Rendered twice: HTML that keeps links, mentions,
 * hashtags and formatting (every piece of source text escaped; links only http(s), mailto and tg),
 * and plain text with the formatting flattened away (link targets kept in brackets).
 */
import type { Identity } from '../../item';
import { escapeHtml, textToHtml } from '../../convert/body';
import { PLATFORM, identity } from './peers';

export interface RenderedText {
  text: string;
  /** The words only, without link targets: for subjects. */
  plain: string;
  html: string;
  /** People the text mentions: `mention_name` (a user id) and `@username` mentions (handles). */
  mentions: Identity[];
}

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'tg:']);

/** A link target that is safe to put in href, or undefined. Bare `example.com` links get http://. */
export function safeHref(raw: string | undefined, assumeHttp = false): string | undefined {
  if (!raw) return undefined;
  const s = raw.trim();
  const candidates = assumeHttp && !/^[a-z][a-z0-9+.-]*:/i.test(s) ? [`http://${s}`] : [s];
  for (const c of candidates) {
    try {
      const u = new URL(c);
      if (SAFE_PROTOCOLS.has(u.protocol)) return u.href;
    } catch {
      // not a URL: shown as text
    }
  }
  return undefined;
}

const link = (href: string, inner: string) => `<a href="${escapeHtml(href)}">${inner}</a>`;
const span = (cls: string, inner: string, title?: string) =>
  `<span class="${cls}"${title ? ` title="${escapeHtml(title)}"` : ''}>${inner}</span>`;

interface Part {
  type: string;
  text: string;
  href?: string;
  userId?: string;
  language?: string;
}

function entityHtml(p: Part): string {
  const inner = textToHtml(p.text);
  switch (p.type) {
    case 'plain': return inner;
    case 'bold': return `<b>${inner}</b>`;
    case 'italic': return `<i>${inner}</i>`;
    case 'underline': return `<u>${inner}</u>`;
    case 'strikethrough': return `<s>${inner}</s>`;
    case 'spoiler': return span('tg-spoiler', inner, 'spoiler');
    case 'code': return `<code>${escapeHtml(p.text)}</code>`;
    case 'pre': {
      const lang = p.language?.replace(/[^A-Za-z0-9_+#.-]/g, '');
      return `<pre><code${lang ? ` class="language-${lang}"` : ''}>${escapeHtml(p.text)}</code></pre>`;
    }
    case 'blockquote': return `<blockquote>${inner}</blockquote>`;
    case 'link': {
      const href = safeHref(p.text, true);
      return href ? link(href, inner) : inner;
    }
    case 'text_link': {
      const href = safeHref(p.href);
      if (href) return link(href, inner);
      // An unsafe or unreadable target is shown, never linked: the evidence keeps it.
      return p.href ? `${inner} [${escapeHtml(p.href)}]` : inner;
    }
    case 'email': {
      const href = safeHref(`mailto:${p.text.trim()}`);
      return href ? link(href, inner) : inner;
    }
    case 'mention': {
      const name = p.text.replace(/^@/, '');
      return /^[A-Za-z0-9_]{3,64}$/.test(name) ? link(`https://t.me/${name}`, inner) : span('tg-mention', inner);
    }
    case 'mention_name': return span('tg-mention', inner, p.userId ? `user${p.userId}` : undefined);
    case 'hashtag': return span('tg-hashtag', inner);
    case 'cashtag': return span('tg-cashtag', inner);
    case 'bot_command': return span('tg-bot-command', inner);
    case 'phone': return span('tg-phone', inner);
    default: return inner; // bank_card, custom_emoji (its text is the emoji), unknown
  }
}

function entityText(p: Part): string {
  if (p.type === 'text_link' && p.href && p.href !== p.text) return `${p.text} (${p.href})`;
  return p.text;
}

/** Reads one element of a text array. */
function readPart(v: unknown, i: number): Part | string {
  if (typeof v === 'string') return { type: 'plain', text: v };
  if (!v || typeof v !== 'object' || Array.isArray(v)) return `text[${i}] is neither a string nor an entity object`;
  const o = v as Record<string, unknown>;
  if (typeof o.text !== 'string') return `text[${i}] has no text`;
  const p: Part = { type: typeof o.type === 'string' ? o.type : 'plain', text: o.text };
  if (typeof o.href === 'string') p.href = o.href;
  if (typeof o.language === 'string') p.language = o.language;
  if (typeof o.user_id === 'number' || typeof o.user_id === 'string') p.userId = String(o.user_id);
  return p;
}

/** Renders `text` (or `text_entities` when `text` is missing). A string result is why it cannot be read. */
export function renderText(text: unknown, entities: unknown): RenderedText | string {
  const value = text === undefined || text === null ? entities ?? '' : text;
  if (typeof value === 'string') return { text: value, plain: value, html: textToHtml(value), mentions: [] };
  if (!Array.isArray(value)) return `text is ${typeof value}, neither a string nor an array`;
  const out: RenderedText = { text: '', plain: '', html: '', mentions: [] };
  const seen = new Set<string>();
  const mention = (who: Identity) => {
    if (seen.has(who.id)) return;
    seen.add(who.id);
    out.mentions.push(who);
  };
  for (let i = 0; i < value.length; i++) {
    const p = readPart(value[i], i);
    if (typeof p === 'string') return p;
    out.text += entityText(p);
    out.plain += p.text;
    out.html += entityHtml(p);
    if (p.type === 'mention_name' && p.userId && /^\d+$/.test(p.userId)) mention(identity(`user${p.userId}`, p.text.trim() || undefined));
    if (p.type === 'mention' && /^@[A-Za-z0-9_]{3,64}$/.test(p.text.trim())) {
      mention({ id: p.text.trim(), kind: 'handle', platform: PLATFORM });
    }
  }
  return out;
}
