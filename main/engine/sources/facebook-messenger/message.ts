/**
 * One Messenger/Instagram message → one item, or a bad record saying why not.
 *
 * Events: a call (`call_duration`, type `Call`) → Call; a shared link or post (`share`) → Share;
 * people joining or leaving a group (type `Subscribe`/`Unsubscribe`) → System; everything else →
 * Message. Meta gives messages no id, so the id is made from the conversation, the time, and a hash
 * of what the message is; a second identical message in the same millisecond gets `#2`.
 */
import { createHash } from 'node:crypto';
import type { Attachment, BadRecord, Identity, Item, SourceRecord } from '../../item';
import { chatSubject, formatUtc, renderBody } from '../../convert/body';
import type { ExportFiles } from '../shared/export-files';
import { timestampOf } from './conversation';

type Rec = Record<string, unknown>;

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const rec = (v: unknown): Rec | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? v as Rec : undefined);
const list = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(rec).filter((x): x is Rec => !!x) : []);
const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();

/** What every message of one conversation shares. */
export interface ConversationContext {
  source: 'Facebook' | 'Instagram';
  platform: 'facebook' | 'instagram';
  /** Stable key: thread_path, else the folder, else the title or the people. */
  key: string;
  title: string;
  people: Identity[];
  /** The conversation as an identity: TO when nobody else is known. */
  self: Identity;
  files: ExportFiles;
  /** The JSON being read: its tree entry and its name in messages. */
  entry: string;
  file: string;
  /** Ids given in the current millisecond, to number repeats. */
  lastMs?: number;
  idsThisMs: Map<string, number>;
}

export function person(name: string, platform: string): Identity {
  return { id: name, kind: 'user-id', platform, name };
}

const MEDIA: [field: string, label: string][] = [
  ['photos', 'Photo'], ['videos', 'Video'], ['audio_files', 'Audio'], ['files', 'File'], ['gifs', 'GIF'],
];

interface Media {
  attachments: Attachment[];
  lines: string[];
  footer: string[];
  missing: string[];
  uris: string[];
}

async function readMedia(m: Rec, ctx: ConversationContext): Promise<Media> {
  const out: Media = { attachments: [], lines: [], footer: [], missing: [], uris: [] };
  const names = new Set<string>();
  const take = async (label: string, r: Rec) => {
    const uri = str(r.uri);
    if (!uri) return;
    out.uris.push(uri);
    // Meta writes uris from the export's root: try the JSON's folder and the folders above it.
    const ref = await ctx.files.resolve(ctx.entry, uri, 8);
    const base = uri.split(/[\\/]/).pop()!.split('?')[0] || 'attachment';
    if (ref.state === 'present') {
      let name = base;
      for (let i = 2; names.has(name); i++) name = base.replace(/(\.[^.]*)?$/, (ext) => ` (${i})${ext}`);
      names.add(name);
      const entry = ref.entry;
      out.attachments.push({ filename: name, size: ref.size, read: () => ctx.files.read(entry) });
      out.lines.push(`[${label}: ${name}]`);
    } else if (ref.state === 'remote') {
      out.lines.push(`[${label}: ${ref.url}]`);
      out.footer.push(`${label} not in the export (a link): ${ref.url}`);
    } else {
      out.lines.push(`[${label}: ${base}]`);
      out.missing.push(`${label} ${uri}`);
      out.footer.push(`${label} missing from the export: ${uri}`);
    }
  };
  for (const [field, label] of MEDIA) for (const r of list(m[field])) await take(label, r);
  const sticker = rec(m.sticker);
  if (sticker) await take('Sticker', sticker);
  return out;
}

function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const min = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h ? `${h}:${String(min).padStart(2, '0')}:${s}` : `${min}:${s}`;
}

export function eventOf(m: Rec): 'Message' | 'Call' | 'Share' | 'System' {
  if (m.type === 'Call' || typeof m.call_duration === 'number') return 'Call';
  if (rec(m.share)) return 'Share';
  if (m.type === 'Subscribe' || m.type === 'Unsubscribe') return 'System';
  return 'Message';
}

function position(ctx: ConversationContext, index: number): string {
  return `conversation "${ctx.title}", messages[${index}]`;
}

function makeId(ctx: ConversationContext, ms: number, sender: string, m: Rec, uris: string[]): string {
  const h = createHash('sha256');
  for (const part of [sender, str(m.content) ?? '', str(m.type) ?? '', ...uris, str(rec(m.share)?.link) ?? '', str(m.call_duration) ?? '']) h.update(part).update('\0');
  const base = `${ctx.key}/${ms}/${h.digest('hex').slice(0, 16)}`;
  if (ctx.lastMs !== ms) { ctx.lastMs = ms; ctx.idsThisMs.clear(); }
  const n = (ctx.idsThisMs.get(base) ?? 0) + 1;
  ctx.idsThisMs.set(base, n);
  return n === 1 ? base : `${base}#${n}`;
}

export async function messageRecord(value: unknown, index: number, ctx: ConversationContext): Promise<SourceRecord> {
  const bad = (reason: string): BadRecord => ({ bad: true, origin: { file: ctx.file, position: position(ctx, index) }, reason });
  const m = rec(value);
  if (!m) return bad(`message is ${Array.isArray(value) ? 'an array' : typeof value}, not an object`);
  const ms = timestampOf(m);
  if (ms === undefined) return bad(m.timestamp_ms === undefined ? 'message has no timestamp_ms' : `timestamp_ms ${JSON.stringify(m.timestamp_ms)} is not a number`);
  const sender = str(m.sender_name)?.trim();
  if (!sender) return bad('message has no sender_name');
  if (m.content !== undefined && typeof m.content !== 'string') return bad(`content is ${typeof m.content}, not text`);

  const date = new Date(ms);
  const from = person(sender, ctx.platform);
  const to = ctx.people.filter((p) => p.id !== sender);
  if (!to.length) to.push({ ...ctx.self });
  const media = await readMedia(m, ctx);
  const id = makeId(ctx, ms, sender, m, media.uris);
  const event = eventOf(m);
  const content = str(m.content) ?? '';

  const reactions = list(m.reactions).map((r) => `${str(r.reaction) ?? '?'} ${str(r.actor) ?? ''}`.trim());
  const share = rec(m.share);
  const shareLink = str(share?.link);
  const shareText = str(share?.share_text);
  const shareOwner = str(share?.original_content_owner);
  const unsent = m.is_unsent === true;
  const callSecs = typeof m.call_duration === 'number' ? m.call_duration : undefined;
  const missed = m.missed === true || (event === 'Call' && callSecs === 0);

  const meta: Record<string, string> = { 'Conversation-Key': ctx.key };
  if (str(m.type)) meta['Message-Type'] = str(m.type)!;
  if (reactions.length) meta.Reactions = oneLine(reactions.join(', '));
  if (shareLink) meta['Share-Link'] = shareLink;
  if (unsent) meta.Unsent = 'true';
  if (callSecs !== undefined) meta['Call-Duration-Seconds'] = String(callSecs);
  if (missed) meta['Call-Missed'] = 'true';
  if (str(m.ip)) meta['Sender-IP'] = str(m.ip)!;
  if (media.missing.length) meta['Missing-Attachment'] = oneLine(media.missing.join('; '));

  const lines: string[] = [];
  if (event === 'Call') lines.push(`${sender} ${missed ? 'made a call that was missed' : 'made a call'}${callSecs ? `, ${duration(callSecs)} (${callSecs} s)` : ''}`);
  if (content) lines.push(content);
  if (shareLink || shareText) lines.push(`Shared${shareOwner ? ` from ${shareOwner}` : ''}: ${[shareText, shareLink].filter(Boolean).join(' — ')}`);
  lines.push(...media.lines);
  if (unsent && !content) lines.push('(message unsent)');
  const text = lines.join('\n');

  const footer = [
    reactions.length ? `Reactions: ${reactions.join(', ')}` : undefined,
    unsent ? 'The sender unsent (removed) this message' : undefined,
    ...media.footer,
  ].filter((l): l is string => !!l);

  const body = renderBody({
    header: [['Conversation', ctx.title], ['From', sender], ['Date', formatUtc(date)]],
    text, footer,
  });
  return {
    source: ctx.source, event, id,
    origin: { file: ctx.file, position: position(ctx, index) },
    from, to,
    subject: chatSubject(ctx.title, content || lines[0] || ''),
    date, text: body.text, html: body.html,
    attachments: media.attachments,
    conversation: { id: ctx.key, name: ctx.title },
    meta,
  } satisfies Item;
}
