/**
 * Direct messages: `direct-messages.js` (one-to-one) and `direct-messages-group.js`, each an array of
 * `{ dmConversation: { conversationId, messages: [ { messageCreate | joinConversation |
 * participantsJoin | participantsLeave | conversationNameUpdate: { … } } ] } }`, newest first.
 *
 * Participants are numeric user ids; the owner (user id = accountId) is the owner's handle identity,
 * as in tweets. A group message goes to every other participant seen anywhere in its conversation,
 * and the conversation's name is its latest name: both can sit after the message in the file, so
 * group files are read twice (a first pass keeps only ids and names per conversation).
 * Membership and name changes become items of their own (events named as the archive names them),
 * because who could read a group is part of the record.
 */
import { createHash } from 'node:crypto';
import type { Attachment, Identity, SourceRecord } from '../../item';
import { chatSubject, formatUtc, renderBody } from '../../convert/body';
import type { ExportTree, TreeEntry } from '../shared/export-tree';
import type { DmFile, MediaIndex } from './layout';
import { shortName } from './layout';
import { type Owner, PLATFORM, describeOwner } from './account';
import { SOURCE, exactId } from './tweets';
import { readYtdFile } from './ytd-file';
import { arr, decodeEntities, expandLinks, obj, parseTwitterDate, str, urlBasename } from './text';

export interface DmContext {
  tree: ExportTree;
  owner?: Owner;
  media: MediaIndex;
  usedMedia: Set<string>;
  onBytes(n: number): void;
}

export interface ConversationFacts {
  participants: Set<string>;
  /** The latest conversationNameUpdate, or the conversation's own `name`. */
  name?: string;
  nameAt?: number;
}

/** What the first pass learns about one group file. */
export interface GroupScan {
  /** conversationId per array index (the id may follow the messages in the file). */
  ids: Map<number, string>;
}

const MESSAGE_PATHS = ['$.*.dmConversation.conversationId', '$.*.dmConversation.name', '$.*.dmConversation.messages.*'];
const KINDS = ['messageCreate', 'joinConversation', 'participantsJoin', 'participantsLeave', 'conversationNameUpdate'] as const;
type Kind = typeof KINDS[number];
const EVENT_FOR: Record<Kind, string> = {
  messageCreate: 'DirectMessage', joinConversation: 'JoinConversation', participantsJoin: 'ParticipantsJoin',
  participantsLeave: 'ParticipantsLeave', conversationNameUpdate: 'ConversationNameUpdate',
};

function userIds(v: unknown): string[] {
  return arr(v).map(str).filter((x): x is string => !!x);
}

function kindOf(message: Record<string, unknown>): { kind?: Kind; body: Record<string, unknown>; keys: string[] } {
  const keys = Object.keys(message);
  const kind = KINDS.find((k) => k in message);
  return { ...(kind ? { kind } : {}), body: kind ? obj(message[kind]) : {}, keys };
}

/** Everyone an event names: sender, recipient, who added whom, who left. */
function peopleIn(body: Record<string, unknown>): string[] {
  return [str(body.senderId), str(body.recipientId), str(body.initiatingUserId), ...userIds(body.userIds), ...userIds(body.participantsSnapshot)]
    .filter((x): x is string => !!x);
}

const facts = (m: Map<string, ConversationFacts>, key: string) => {
  let f = m.get(key);
  if (!f) { f = { participants: new Set() }; m.set(key, f); }
  return f;
};

/** First pass over a group file: conversation ids, participants, names. */
export async function scanGroupFile(tree: ExportTree, file: DmFile, fileIndex: number,
  all: Map<string, ConversationFacts>, onBytes: (n: number) => void): Promise<GroupScan> {
  const ids = new Map<number, string>();
  const byIndex = new Map<string, ConversationFacts>();
  for await (const ev of readYtdFile(tree, file.path, MESSAGE_PATHS, onBytes)) {
    if ('broken' in ev) break; // the second pass reports it
    const { value, key, path } = ev.value;
    const index = Number(path[0]);
    const f = facts(byIndex, String(index));
    if (key === 'conversationId') { const id = str(value); if (id) ids.set(index, id); continue; }
    if (key === 'name') { const n = str(value); if (n && f.nameAt === undefined) f.name = n; continue; }
    const { kind, body } = kindOf(obj(value));
    for (const p of peopleIn(body)) f.participants.add(p);
    if (kind === 'conversationNameUpdate') {
      const at = parseTwitterDate(body.createdAt)?.getTime() ?? -Infinity;
      const n = str(body.name);
      if (n && (f.nameAt === undefined || at >= f.nameAt)) { f.name = n; f.nameAt = at; }
    }
  }
  for (const [index, f] of byIndex) {
    const target = facts(all, ids.get(Number(index)) ?? `#${fileIndex}:${index}`);
    for (const p of f.participants) target.participants.add(p);
    if (f.name && (target.nameAt === undefined || (f.nameAt ?? -Infinity) >= target.nameAt)) {
      target.name = f.name;
      if (f.nameAt !== undefined) target.nameAt = f.nameAt;
    }
  }
  return { ids };
}

function hash(v: unknown): string {
  const canon = (x: unknown): unknown => (x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, canon((x as Record<string, unknown>)[k])]))
    : Array.isArray(x) ? x.map(canon) : x);
  return createHash('sha256').update(JSON.stringify(canon(v))).digest('hex').slice(0, 12);
}

function attachmentFor(tree: ExportTree, e: TreeEntry): Attachment {
  return { filename: e.path.slice(e.path.lastIndexOf('/') + 1), size: e.size, read: () => tree.readBuffer(e.path) };
}

/** Second pass (the only one for one-to-one files): one record per message or event. */
export async function* readDmFile(file: DmFile, fileIndex: number, ctx: DmContext,
  all: Map<string, ConversationFacts>, scan?: GroupScan): AsyncGenerator<SourceRecord> {
  const { tree, owner } = ctx;
  const where = tree.describe(file.path);
  const ids = new Map(scan?.ids);
  let lastIndex = -1;
  let lastMessage = -1;
  let count = 0;

  const person = (uid: string): Identity => (owner?.accountId === uid ? owner.identity : { id: uid, kind: 'user-id', platform: PLATFORM });
  const describe = (uid: string) => (owner?.accountId === uid ? describeOwner(owner) : `user ${uid}`);

  for await (const ev of readYtdFile(tree, file.path, MESSAGE_PATHS, ctx.onBytes)) {
    if ('broken' in ev) {
      const after = count ? `after conversation ${lastIndex}, message ${lastMessage} (the last complete one)` : 'before its first complete message';
      yield { bad: true, origin: { file: where, position: `conversation ${lastIndex < 0 ? 0 : lastIndex}` },
        reason: `${shortName(file.path)} breaks off ${after}: ${ev.broken}` };
      return;
    }
    const { value, key, path } = ev.value;
    const index = Number(path[0]);
    if (key === 'conversationId') { const id = str(value); if (id && !ids.has(index)) ids.set(index, id); continue; }
    if (key === 'name') continue;
    const m = Number(key);
    lastIndex = index; lastMessage = m; count++;
    const origin = { file: where, position: `conversation ${index}, message ${m}` };
    const bad = (reason: string, id?: string): SourceRecord => ({ bad: true, origin, reason, ...(id ? { id } : {}) });
    const message = obj(value);
    const { kind, body, keys } = kindOf(message);
    if (!kind) { yield bad(`unsupported direct-message event ${keys.length ? keys.join(', ') : '(empty)'}; not imported`); continue; }
    if (kind !== 'messageCreate' && !file.group) { yield bad(`${kind} event in a one-to-one conversation file; not imported`); continue; }

    const convId = ids.get(index);
    const f = all.get(convId ?? `#${fileIndex}:${index}`);
    const date = parseTwitterDate(body.createdAt);
    const msgId = kind === 'messageCreate' ? exactId(body.id, undefined) : {};
    if (msgId.problem) { yield bad(msgId.problem); continue; }
    if (kind === 'messageCreate' && !msgId.id) { yield bad('message has no id'); continue; }
    if (body.createdAt === undefined || body.createdAt === null || body.createdAt === '') { yield bad(`${kind} has no date (createdAt)`, msgId.id && `dm/${msgId.id}`); continue; }
    if (!date) { yield bad(`createdAt ${JSON.stringify(body.createdAt)} is not a date`, msgId.id && `dm/${msgId.id}`); continue; }

    // Conversation and participants.
    let conversationName: string;
    let recipients: string[];
    let sender: string | undefined;
    const initiator = str(body.initiatingUserId);
    const changed = userIds(body.userIds);
    if (kind === 'messageCreate') sender = str(body.senderId);
    else if (kind === 'participantsLeave') sender = changed[0];
    else sender = initiator ?? changed[0];
    if (!sender) { yield bad(`${kind} names no sender (senderId/initiatingUserId)`, msgId.id && `dm/${msgId.id}`); continue; }

    const pair = convId?.split('-') ?? [];
    if (file.group) {
      conversationName = f?.name ?? `Group DM ${convId ?? `#${index}`}`;
      const everyone = new Set(f?.participants ?? []);
      if (owner?.accountId) everyone.add(owner.accountId);
      recipients = [...everyone].filter((p) => p !== sender).sort();
    } else {
      const recipient = str(body.recipientId)
        ?? (owner?.accountId && sender !== owner.accountId ? owner.accountId : pair.find((p) => p !== sender));
      recipients = recipient ? [recipient] : [];
      const other = owner?.accountId ? [sender, ...recipients].find((p) => p !== owner.accountId) : undefined;
      conversationName = other ? `DM with ${other}` : `DM ${convId ?? [sender, ...recipients].join('-')}`;
    }
    const to = recipients.map(person);
    if (!to.length && owner) to.push(owner.identity);
    const conversationId = convId ?? (file.group ? undefined : [sender, ...recipients].sort().join('-'));

    const header: [string, string | undefined][] = [
      ['Author', describe(sender)], ['Date', formatUtc(date)], ['Conversation', conversationName],
    ];
    const footer: string[] = [];
    const meta: Record<string, string> = {};
    const attachments: Attachment[] = [];
    let text: string;
    let id: string;
    let event = EVENT_FOR[kind];

    if (kind === 'messageCreate') {
      id = `dm/${msgId.id}`;
      if (file.group) event = 'GroupDirectMessage';
      const expansions = new Map<string, string>();
      for (const u of arr(body.urls)) {
        const o = obj(u);
        const short = str(o.url);
        const long = str(o.expanded) ?? str(o.expanded_url);
        if (short && long) expansions.set(short, long);
      }
      text = expandLinks(decodeEntities(typeof body.text === 'string' ? body.text : ''), expansions);
      // Media: `<messageId>-<file name of the media URL>` in the DM media folder.
      const files = ctx.media.get(msgId.id!) ?? [];
      const attached = new Set<string>();
      const missing: string[] = [];
      for (const u of userIds(body.mediaUrls)) {
        const name = urlBasename(u);
        const hit = files.find((e) => e.path.endsWith(`${msgId.id}-${name}`));
        if (hit) attached.add(hit.path);
        else missing.push(u);
      }
      for (const e of files) attached.add(e.path); // files the URLs do not name are kept too
      for (const p of attached) { ctx.usedMedia.add(p); attachments.push(attachmentFor(tree, files.find((e) => e.path === p)!)); }
      const reactions = arr(body.reactions).map((r) => obj(r)).map((r) => {
        const who = str(r.senderId);
        const at = parseTwitterDate(r.createdAt);
        return { line: `${str(r.reactionKey) ?? 'reaction'} by ${who ? describe(who) : 'someone'}${at ? ` at ${formatUtc(at)}` : ''}`,
          short: `${str(r.reactionKey) ?? 'reaction'}:${who ?? '?'}` };
      });
      for (const r of reactions) footer.push(`Reaction: ${r.line}`);
      for (const u of missing) footer.push(`Media not in the archive: ${u}`);
      meta['Dm-Id'] = msgId.id!;
      if (reactions.length) meta.Reactions = reactions.map((r) => r.short).join(' ');
      if (missing.length) meta['Missing-Media'] = missing.join(' ');
      if (!file.group && recipients[0]) meta['Recipient-Id'] = recipients[0];
    } else {
      id = `dm/${convId ?? `#${index}`}/${kind}/${date.toISOString()}/${hash(body)}`;
      const names = (list: string[]) => list.map(describe).join(', ') || 'nobody named';
      if (kind === 'joinConversation') {
        text = `${describe(sender)} added ${owner ? describeOwner(owner) : 'the account owner'} to the conversation.`;
        const snapshot = userIds(body.participantsSnapshot);
        if (snapshot.length) text += `\nMembers then: ${names(snapshot)}.`;
      } else if (kind === 'participantsJoin') {
        text = `${describe(sender)} added ${names(changed)} to the conversation.`;
      } else if (kind === 'participantsLeave') {
        text = `${names(changed)} left the conversation.`;
      } else {
        const newName = str(body.name);
        text = `${describe(sender)} renamed the conversation to "${newName ?? ''}".`;
        if (newName) meta['New-Name'] = newName;
      }
      if (changed.length) meta['User-Ids'] = changed.join(' ');
    }
    meta['Sender-Id'] = sender;

    const rendered = renderBody({ header, text, footer });
    yield {
      source: SOURCE, event, id, origin, from: person(sender), to,
      subject: chatSubject(conversationName, text || (attachments.length ? '(media)' : '')),
      date, text: rendered.text, html: rendered.html, attachments, meta,
      ...(conversationId ? { conversation: { id: conversationId, name: conversationName } } : {}),
    };
  }
}
