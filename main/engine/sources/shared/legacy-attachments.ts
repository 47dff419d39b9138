/**
 * "Secondary attachments" (Slack's legacy message attachments; Mattermost keeps the same shape in
 * `props.attachments`): bots and integrations often put the whole message there, with an empty
 * `text`. Each becomes a paragraph below the text: pretext, author, title (linked), text, fields,
 * footer; the `fallback` only when none of those is present. Link previews (`from_url`) are marked.
 */
import type { Piece } from './pieces';
import { joinPieces } from './pieces';
import { type NameLookup, parseMrkdwn } from './mrkdwn';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

export interface AttachmentsResult {
  pieces: Piece[];
  mentions: string[];
}

/** `markup`: `mrkdwn` for Slack (escaped, with `<url|label>` tokens); `plain` keeps text as written. */
export function legacyAttachmentsToPieces(attachments: unknown, names: NameLookup, markup: 'mrkdwn' | 'plain' = 'mrkdwn'): AttachmentsResult {
  const mentions: string[] = [];
  const parse = (s: string | undefined): Piece[] => {
    if (!s) return [];
    if (markup === 'plain') return [{ kind: 'text', text: s }];
    const r = parseMrkdwn(s, names);
    mentions.push(...r.mentions);
    return r.pieces;
  };
  const groups: Piece[][] = [];
  for (const a of (Array.isArray(attachments) ? attachments : []).filter(isObj)) {
    const lines: Piece[][] = [];
    const preview = str(a.from_url);
    lines.push(parse(str(a.pretext)));
    if (str(a.author_name)) lines.push(parse(str(a.author_name)));
    const title = str(a.title);
    const titleLink = str(a.title_link);
    if (title) {
      const prefix: Piece[] = preview ? [{ kind: 'text', text: `[Link preview${str(a.service_name) ? `: ${a.service_name}` : ''}] ` }] : [];
      lines.push(titleLink ? [...prefix, { kind: 'link', url: titleLink, label: title }] : [...prefix, ...parse(title)]);
    } else if (preview) {
      lines.push([{ kind: 'text', text: '[Link preview] ' }, { kind: 'link', url: preview }]);
    }
    lines.push(parse(str(a.text)));
    for (const f of (Array.isArray(a.fields) ? a.fields : []).filter(isObj)) {
      const t = str(f.title);
      const v = parse(str(f.value));
      if (t || v.length) lines.push([...(t ? [{ kind: 'text', text: `${t}: ` } as Piece] : []), ...v]);
    }
    if (str(a.image_url)) lines.push([{ kind: 'link', url: str(a.image_url)!, label: 'image' }]);
    if (str(a.footer)) lines.push(parse(str(a.footer)));
    let group = joinPieces(lines, '\n');
    if (!group.length) group = parse(str(a.fallback));
    groups.push(group);
  }
  return { pieces: joinPieces(groups, '\n\n'), mentions };
}
