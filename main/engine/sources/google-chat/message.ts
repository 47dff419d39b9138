/**
 * One entry of a group's messages.json → one item, or a bad record saying why not.
 */
import type { Attachment, BadRecord, Identity, Item, SourceRecord } from '../../item';
import { chatSubject, formatUtc, renderBody } from '../../convert/body';
import type { ExportTree } from '../shared/export-tree';
import { parseChatDate } from './dates';
import type { Group } from './locate';
import { isObj, personOf, str } from './people';

export const SOURCE = 'GoogleChat';

/** What every message of one group shares. */
export interface GroupContext {
  group: Group;
  tree: ExportTree;
  /** messages.json as named in messages. */
  file: string;
  name: string;
  /** Members (group_info.json, else every sender), plus the exporting account. */
  members: Identity[];
  /** The group itself: FROM of messages with no creator, TO when nobody else is there. */
  self: Identity;
  /** topic_id → id of the topic's first message, for ThreadReply. */
  topics: Map<string, string>;
}

const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();

function reactionsText(v: unknown): string | undefined {
  if (!Array.isArray(v) || !v.length) return undefined;
  return v.map((r) => {
    const o = isObj(r) ? r : {};
    const e = isObj(o.emoji) ? o.emoji : {};
    const what = str(e.unicode) ?? (isObj(e.custom_emoji) ? `:${str(e.custom_emoji.name) ?? 'custom'}:` : '?');
    const who = Array.isArray(o.reactor_emails) ? o.reactor_emails.filter((x): x is string => typeof x === 'string') : [];
    return `${what} ×${who.length || '?'}${who.length ? ` (${who.join(', ')})` : ''}`;
  }).join(', ');
}

function filesOf(m: Record<string, unknown>, ctx: GroupContext): { attachments: Attachment[]; lines: string[]; footer: string[]; missing: string[] } {
  const out = { attachments: [] as Attachment[], lines: [] as string[], footer: [] as string[], missing: [] as string[] };
  const list = Array.isArray(m.attached_files) ? m.attached_files : [];
  for (const f of list) {
    if (!isObj(f)) continue;
    const original = str(f.original_name);
    const exported = str(f.export_name);
    const label = original ?? exported ?? 'file';
    out.lines.push(`[File ${label}]`);
    // The export name is a plain file name in the group's folder; anything with a path is not followed.
    const entry = exported && !/[/\\]|^\.\.?$/.test(exported) ? (ctx.group.dir ? `${ctx.group.dir}/${exported}` : exported) : undefined;
    const e = entry ? ctx.tree.get(entry) : undefined;
    if (e) {
      const tree = ctx.tree;
      out.attachments.push({ filename: original ?? exported!, size: e.size, read: () => tree.readBuffer(e.path) });
    } else {
      out.missing.push(exported ? `${label}: ${exported}` : label);
      out.footer.push(exported
        ? `File ${label} missing from the export: ${exported} was not found beside messages.json`
        : `File ${label} not in the export: the message names no export_name`);
    }
  }
  if (isObj(m.drive_metadata)) {
    const d = m.drive_metadata;
    out.lines.push(`[Google Drive file ${str(d.title) ?? str(d.id) ?? ''}]`.replace(' ]', ']'));
    out.footer.push(`Google Drive file, not in the export: ${[str(d.title), str(d.id) && `id ${str(d.id)}`].filter(Boolean).join(', ')}`);
  }
  return out;
}

export function messageRecord(value: unknown, index: number, ctx: GroupContext): SourceRecord {
  const position = `messages[${index}]`;
  const bad = (reason: string, id?: string): BadRecord => ({
    bad: true, origin: { file: ctx.file, position: id ? `${position}, message ${id}` : position }, reason, ...(id ? { id } : {}),
  });
  if (!isObj(value)) return bad(`message is ${Array.isArray(value) ? 'an array' : typeof value}, not an object`);
  const m = value;
  const messageId = str(m.message_id);
  if (!messageId) return bad('message has no message_id');
  // Takeout's message_id starts with the group id (`<group>/<topic>/<message>`); scope it when it does not.
  const id = messageId.startsWith(`${ctx.group.id}/`) ? messageId : `${ctx.group.id}/${messageId}`;
  const rawDate = str(m.created_date);
  if (!rawDate) return bad('message has no created_date', messageId);
  const date = parseChatDate(rawDate);
  if (!date) return bad(`created_date "${rawDate}" is not a date Ferry can read (expected like "Monday, May 1, 2023 at 2:03:22 PM UTC")`, messageId);

  const creator = personOf(m.creator);
  const system = !creator;
  const from: Identity = creator ?? { ...ctx.self };
  const to = ctx.members.filter((p) => p.id !== from.id);
  if (!to.length) to.push({ ...ctx.self });

  const text = typeof m.text === 'string' ? m.text : '';
  const files = filesOf(m, ctx);
  const topic = str(m.topic_id);
  const root = topic ? ctx.topics.get(topic) : undefined;
  if (topic && !root) ctx.topics.set(topic, id);
  const edited = str(m.updated_date);
  const editedAt = edited ? parseChatDate(edited) : undefined;
  const reactions = reactionsText(m.reactions);
  const deletion = isObj(m.deletion_metadata) ? (str(m.deletion_metadata.deletion_type) ?? 'deleted') : undefined;
  const quoted = isObj(m.quoted_message_metadata) ? m.quoted_message_metadata : undefined;
  const quotedText = quoted ? str(quoted.text) : undefined;
  const quotedBy = quoted ? personOf(quoted.creator)?.name ?? personOf(quoted.creator)?.id : undefined;

  const meta: Record<string, string> = {
    'GoogleChat-Group': ctx.group.folder,
    'GoogleChat-Message-Id': messageId,
  };
  if (topic) meta['GoogleChat-Topic-Id'] = topic;
  if (editedAt) meta.Edited = editedAt.toISOString();
  else if (edited) meta.Edited = `${oneLine(edited)} (unreadable)`;
  if (reactions) meta.Reactions = oneLine(reactions);
  if (deletion) meta.Deleted = deletion;
  if (quotedText) meta.Quoted = oneLine(`${quotedBy ? `${quotedBy}: ` : ''}${quotedText}`).slice(0, 500);
  if (files.missing.length) meta['Missing-Attachment'] = oneLine(files.missing.join('; '));
  if (system) meta['GoogleChat-System'] = 'no creator in the export';
  const userType = isObj(m.creator) ? str(m.creator.user_type) : undefined;
  if (userType && userType.toLowerCase() !== 'human') meta['GoogleChat-User-Type'] = userType;

  const footer = [
    editedAt ? `Edited: ${formatUtc(editedAt)}` : edited ? `Edited: ${edited}` : undefined,
    reactions ? `Reactions: ${reactions}` : undefined,
    deletion ? `Deleted (${deletion})` : undefined,
    ...files.footer,
  ].filter((l): l is string => !!l);

  const content = [
    ...(quotedText ? [`> ${quotedBy ? `${quotedBy}: ` : ''}${quotedText.replace(/\n/g, '\n> ')}`] : []),
    ...(text ? [text] : []),
    ...files.lines,
  ].join('\n');
  const who = from.name && from.email ? `${from.name} <${from.email}>` : from.name ?? from.id;
  const body = renderBody({
    header: [
      [ctx.group.kind === 'DM' ? 'Direct message' : 'Space', ctx.name],
      ['From', system ? `${ctx.name} (no creator in the export)` : who],
      ['Date', formatUtc(date)],
      ['In thread', root ? `reply in the thread started by message ${root}` : undefined],
    ],
    text: content,
    footer,
  });

  const item: Item = {
    source: SOURCE,
    event: system ? 'System' : root ? 'ThreadReply' : 'Message',
    id,
    origin: { file: ctx.file, position: `${position}, message ${messageId}` },
    from, to,
    subject: chatSubject(ctx.name, text || files.lines[0] || (deletion ? '(deleted message)' : '')),
    date,
    text: body.text,
    html: body.html,
    attachments: files.attachments,
    ...(root ? { replyTo: root, thread: [root] } : {}),
    conversation: { id: ctx.group.id, name: ctx.name },
    meta,
  };
  return item;
}
