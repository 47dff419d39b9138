/**
 * Facebook Messenger and Instagram messages from Meta's "Download your information" export in JSON:
 * a `message_1.json`, a conversation folder, or the whole export (folder or ZIP), old and new layouts,
 * with Meta's mojibake repaired. One source for both: the layouts are the same; the platform decides
 * the message class (`IPM.NOTE.Facebook.*` or `IPM.NOTE.Instagram.*`) and the identities' domain.
 *
 * Per conversation: a first streaming pass over its files gathers the participants; the second reads
 * one file at a time, oldest file first, each in time order, so items come out in time order.
 */
import path from 'node:path';
import { FerryError, configError, errorMessage } from '../../errors';
import type { Identity, SourceRecord } from '../../item';
import type { CheckResult, ReadContext, Source, SourceSettings } from '../types';
import { errorOffset } from '../shared/json-values';
import { checkOpened } from '../shared/check-opened';
import { type ConversationScan, MAX_BUFFERED, fileOrder, loadFile, scanConversation, streamFile } from './conversation';
import { type ConversationFiles, guessPlatform, openExport } from './locate';
import { type ConversationContext, messageRecord, person } from './message';
import { byteProgress } from '../shared/progress';

type Platform = 'Facebook' | 'Instagram';

interface Options {
  path: string;
  platform: 'auto' | 'facebook' | 'instagram';
  owner?: string;
}

function options(settings: SourceSettings): Options {
  const p = settings.platform ?? 'auto';
  if (p !== 'auto' && p !== 'facebook' && p !== 'instagram') throw configError(`platform ${JSON.stringify(p)} is not one of auto, facebook, instagram`);
  const owner = typeof settings.owner === 'string' && settings.owner.trim() ? settings.owner.trim() : undefined;
  return { path: settings.path, platform: p, ...(owner ? { owner } : {}) };
}

function platformOf(o: Options, entry: string): Platform {
  if (o.platform === 'facebook') return 'Facebook';
  if (o.platform === 'instagram') return 'Instagram';
  return guessPlatform(o.path, entry);
}

/** The conversation's stable key: Meta's thread_path, else its folder (`inbox/<thread>`), else its title or people. */
function conversationKey(conv: ConversationFiles, scan: ConversationScan): string {
  if (scan.threadPath) return scan.threadPath;
  const parts = conv.folder.split('/').filter(Boolean);
  if (parts.length >= 2) return parts.slice(-2).join('/');
  if (scan.title) return `title:${scan.title}`;
  return `people:${[...scan.people].sort().join(',')}`;
}

function context(conv: ConversationFiles, scan: ConversationScan, platform: Platform, o: Options, files: ConversationContext['files']): Omit<ConversationContext, 'entry' | 'file'> {
  const lower = platform === 'Facebook' ? 'facebook' : 'instagram';
  const names = [...scan.people];
  // The account owner received every message of their inbox, even where the export leaves them out.
  if (o.owner && !names.includes(o.owner)) names.push(o.owner);
  const people: Identity[] = names.map((n) => person(n, lower));
  const title = scan.title ?? (names.filter((n) => n !== o.owner).join(', ') || path.posix.basename(conv.folder) || 'conversation');
  const key = conversationKey(conv, scan);
  return {
    source: platform, platform: lower, key, title, people, files,
    self: { id: `conversation:${key}`, kind: 'user-id', platform: lower, name: title },
    idsThisMs: new Map(),
  };
}

const count = (n: number) => n.toLocaleString('en-US');

async function* readExport(o: Options, ctx: ReadContext): AsyncGenerator<SourceRecord> {
  const opened = await openExport(o.path);
  const { tree, files } = opened;
  try {
    const all = opened.conversations.flatMap((c) => c.entries);
    const onBytes = byteProgress(tree, all, ctx, 2);
    let looked = 0;
    for (const conv of opened.conversations) {
      const scan = await scanConversation(tree, conv.entries, onBytes, ctx.signal);
      if (ctx.signal?.aborted) return;
      if (!scan.messages && scan.files.every((f) => !f.brokeOff) && !scan.people.length) {
        const why = `${tree.describe(conv.entries[0]!)}: no messages and no participants (not a Messenger or Instagram conversation)`;
        if (opened.conversations.length === 1) throw configError(why);
        ctx.notice?.(`${why}; skipped`);
        continue;
      }
      looked++;
      const platform = platformOf(o, conv.entries[0]!);
      const base = context(conv, scan, platform, o, files);
      for (const f of fileOrder(scan)) {
        const file = tree.describe(f.entry);
        const c: ConversationContext = { ...base, entry: f.entry, file };
        let read = 0;
        let brokeOff: string | undefined;
        if (f.messages > MAX_BUFFERED && (f.first ?? 0) > (f.last ?? 0)) {
          ctx.notice?.(`${file}: ${count(f.messages)} messages in one file, newest first: read in file order (newest first) to keep memory bounded`);
          try {
            for await (const { value, index } of streamFile(tree, f.entry, onBytes)) {
              if (ctx.signal?.aborted) return;
              read++;
              yield await messageRecord(value, index, c);
            }
          } catch (err) {
            if (!(err instanceof FerryError) || err.errorClass !== 'data') throw err;
            brokeOff = errorMessage(err);
          }
        } else {
          const loaded = await loadFile(tree, f.entry, onBytes);
          brokeOff = loaded.brokeOff;
          for (const { value, index } of loaded.messages) {
            if (ctx.signal?.aborted) return;
            read++;
            yield await messageRecord(value, index, c);
          }
        }
        base.lastMs = c.lastMs;
        if (brokeOff) {
          const at = errorOffset(brokeOff);
          yield {
            bad: true, origin: { file, ...(at ? { position: `byte ${at}` } : {}) },
            reason: `${brokeOff}; ${read ? `${count(read)} message(s) before it were read` : 'no message could be read'}, anything after it could not be`,
          };
        }
      }
    }
    if (!looked) ctx.notice?.(`${o.path}: no conversation with messages was found`);
  } finally {
    await files.close();
  }
}

function checkExport(settings: SourceSettings): Promise<CheckResult> {
  const open = async () => { const o = options(settings); return { o, opened: await openExport(o.path) }; };
  return checkOpened(open, ({ opened }) => opened.files.close(), async ({ o, opened }) => {
    let messages = 0;
    const names: string[] = [];
    const problems: string[] = [];
    const platforms = new Set<Platform>();
    // Conversations are many and small: count them all, but read the messages of the first 50 only.
    for (const conv of opened.conversations.slice(0, 50)) {
      const scan = await scanConversation(opened.tree, conv.entries);
      messages += scan.messages;
      const platform = platformOf(o, conv.entries[0]!);
      names.push(context(conv, scan, platform, o, opened.files).title);
      platforms.add(platform);
      for (const f of scan.files) if (f.brokeOff) problems.push(`${f.brokeOff}; the messages after it cannot be read`);
    }
    const n = opened.conversations.length;
    const partial = n > 50;
    const listed = names.length > 4 ? `${names.slice(0, 4).join(', ')}, …` : names.join(', ');
    const summary = `${[...platforms].join(' and ')}: ${count(n)} conversation${n === 1 ? '' : 's'}, ${count(messages)}${partial ? ' messages in the first 50' : ` message${messages === 1 ? '' : 's'}`} (${listed})${o.owner ? '' : '; owner not set'}`;
    return { ok: messages > 0, message: problems.length ? `${summary}; ${problems.join('; ')}` : summary };
  });
}

export const facebookMessengerSource: Source = {
  spec: {
    kind: 'facebook-messenger',
    title: 'Facebook Messenger / Instagram messages',
    platform: 'Facebook',
    description: 'Messages from Meta\'s "Download your information" export in JSON, Facebook Messenger or Instagram: a message_1.json, a conversation folder, or the whole export (folder or ZIP). Messages, calls, shares, photos, videos, audio, files, stickers and reactions.',
    settings: [
      {
        key: 'platform', label: 'Platform', type: 'select', default: 'auto',
        options: [{ value: 'auto', label: 'Tell from the export' }, { value: 'facebook', label: 'Facebook Messenger' }, { value: 'instagram', label: 'Instagram' }],
        help: '"Tell from the export" picks Instagram when the path says so (your_instagram_activity/, instagram-<user>-….zip) and Facebook otherwise.',
      },
      {
        key: 'owner', label: 'Account owner (name as the export writes it)', type: 'string',
        help: 'The person whose export this is: added to TO of every conversation, since they received every message in it.',
      },
    ],
  },
  check: checkExport,
  async *read(settings, ctx) {
    yield* readExport(options(settings), ctx);
  },
};
