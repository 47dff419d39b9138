/**
 * Block Kit content, used when a message's `text` is empty (newer clients and apps may put the
 * whole message in `blocks`): rich_text sections, lists, quotes and code, plus section, header and
 * context blocks. Rich-text text is literal (not escaped); mrkdwn objects go through `parseMrkdwn`.
 */
import type { Piece } from '../shared/pieces';
import { joinPieces } from '../shared/pieces';
import { type NameLookup, parseMrkdwn } from '../shared/mrkdwn';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export interface BlocksResult {
  pieces: Piece[];
  mentions: string[];
}

function inline(el: Obj, names: NameLookup, mentions: string[]): Piece[] {
  switch (el.type) {
    case 'text': return str(el.text) ? [{ kind: 'text', text: str(el.text)! }] : [];
    case 'link': {
      const url = str(el.url);
      if (!url) return [];
      const label = str(el.text);
      return [{ kind: 'link', url, ...(label ? { label } : {}) }];
    }
    case 'user': {
      const id = str(el.user_id) ?? '';
      mentions.push(id);
      return [{ kind: 'mention', text: `@${names.user(id) ?? id}` }];
    }
    case 'channel': {
      const id = str(el.channel_id) ?? '';
      return [{ kind: 'mention', text: `#${names.channel(id) ?? id}` }];
    }
    case 'usergroup': return [{ kind: 'mention', text: `@${str(el.usergroup_id) ?? 'group'}` }];
    case 'broadcast': return [{ kind: 'mention', text: `@${str(el.range) ?? 'here'}` }];
    case 'emoji': return [{ kind: 'text', text: `:${str(el.name) ?? ''}:` }];
    case 'date': return [{ kind: 'text', text: str(el.fallback) ?? new Date(Number(el.timestamp) * 1000).toISOString() }];
    case 'color': return [{ kind: 'text', text: str(el.value) ?? '' }];
    default: return str(el.text) ? [{ kind: 'text', text: str(el.text)! }] : [];
  }
}

function richElement(el: Obj, names: NameLookup, mentions: string[]): Piece[] {
  const children = arr(el.elements).filter(isObj);
  switch (el.type) {
    case 'rich_text_section':
    case 'rich_text_preformatted':
    case 'rich_text_quote': {
      const out = children.flatMap((c) => inline(c, names, mentions));
      if (el.type === 'rich_text_quote') return [{ kind: 'text', text: '> ' }, ...out];
      return out;
    }
    case 'rich_text_list': {
      const ordered = el.style === 'ordered';
      const indent = '  '.repeat(Number(el.indent) || 0);
      return joinPieces(children.map((c, i) => [
        { kind: 'text', text: `${indent}${ordered ? `${i + 1}.` : '•'} ` } as Piece,
        ...richElement(c, names, mentions),
      ]), '\n');
    }
    default: return children.flatMap((c) => inline(c, names, mentions));
  }
}

function textObject(t: unknown, names: NameLookup, mentions: string[]): Piece[] {
  if (!isObj(t) || !str(t.text)) return [];
  if (t.type === 'mrkdwn') {
    const r = parseMrkdwn(str(t.text)!, names);
    mentions.push(...r.mentions);
    return r.pieces;
  }
  return [{ kind: 'text', text: str(t.text)! }];
}

export function blocksToPieces(blocks: unknown, names: NameLookup): BlocksResult {
  const mentions: string[] = [];
  const groups: Piece[][] = [];
  for (const b of arr(blocks).filter(isObj)) {
    switch (b.type) {
      case 'rich_text':
        groups.push(joinPieces(arr(b.elements).filter(isObj).map((e) => richElement(e, names, mentions)), '\n'));
        break;
      case 'section':
        groups.push(joinPieces([textObject(b.text, names, mentions),
          ...arr(b.fields).map((f) => textObject(f, names, mentions))], '\n'));
        break;
      case 'header':
        groups.push(textObject(b.text, names, mentions));
        break;
      case 'context':
        groups.push(joinPieces(arr(b.elements).map((e) => textObject(e, names, mentions)), ' '));
        break;
      case 'image': {
        const url = str(b.image_url);
        if (url) groups.push([{ kind: 'link', url, label: str(b.alt_text) ?? url }]);
        break;
      }
      default: break;
    }
  }
  return { pieces: joinPieces(groups, '\n'), mentions };
}
