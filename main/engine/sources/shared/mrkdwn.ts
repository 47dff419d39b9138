/**
 * Slack's message markup ("mrkdwn" as stored in exports): `<@U123>` user mentions, `<#C123|general>`
 * channel links, `<!here>` broadcasts, `<https://x|label>` links, and `&amp; &lt; &gt;` as the only
 * escapes. Formatting marks (*bold*, _italic_, `code`) are kept as written: they are the message.
 */
import type { Piece } from './pieces';

/** Looks up names for ids found in the markup. */
export interface NameLookup {
  user(id: string): string | undefined;
  channel(id: string): string | undefined;
}

export function decodeEntities(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** A URL scheme at the start of a token: `https:`, `mailto:`. */
const URL_TOKEN = /^[a-z][a-z0-9+.-]*:/i;

function splitLabel(body: string): [string, string | undefined] {
  const bar = body.indexOf('|');
  return bar < 0 ? [body, undefined] : [body.slice(0, bar), body.slice(bar + 1)];
}

function specialToken(body: string): string {
  const [cmd, label] = splitLabel(body);
  if (label) return decodeEntities(label);
  const name = cmd.split('^')[0]!;
  if (name === 'here' || name === 'channel' || name === 'everyone') return `@${name}`;
  if (name === 'subteam') return `@${cmd.split('^')[1] ?? 'group'}`;
  return `<!${decodeEntities(cmd)}>`;
}

export interface MrkdwnResult {
  pieces: Piece[];
  /** User ids mentioned with `<@U…>`, in order of appearance (for TO). */
  mentions: string[];
}

export function parseMrkdwn(src: string, names: NameLookup): MrkdwnResult {
  const pieces: Piece[] = [];
  const mentions: string[] = [];
  const text = (t: string) => { if (t) pieces.push({ kind: 'text', text: decodeEntities(t) }); };
  const re = /<([^<>\n]*)>/g;
  let last = 0;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    text(src.slice(last, m.index));
    last = m.index + m[0].length;
    const body = m[1]!;
    if (body.startsWith('@')) {
      const [id, label] = splitLabel(body.slice(1));
      mentions.push(id);
      pieces.push({ kind: 'mention', text: `@${names.user(id) ?? (label ? decodeEntities(label) : id)}` });
    } else if (body.startsWith('#')) {
      const [id, label] = splitLabel(body.slice(1));
      pieces.push({ kind: 'mention', text: `#${label ? decodeEntities(label) : names.channel(id) ?? id}` });
    } else if (body.startsWith('!')) {
      pieces.push({ kind: 'mention', text: specialToken(body.slice(1)) });
    } else if (URL_TOKEN.test(body)) {
      const [url, label] = splitLabel(body);
      pieces.push({ kind: 'link', url: decodeEntities(url), ...(label !== undefined ? { label: decodeEntities(label) } : {}) });
    } else {
      // Not a Slack token (Slack itself would have escaped a literal `<`): keep it as written.
      text(m[0]);
    }
  }
  text(src.slice(last));
  return { pieces, mentions };
}
