/**
 * Telegram Desktop's "Export chat history" / "Export Telegram data" in JSON: result.json (one chat,
 * or the whole account with `chats.list` and `left_chats.list`), the export folder holding it with
 * photos/, files/, voice_messages/… beside it, or a ZIP of that folder.
 *
 * Two streaming passes over result.json: the first gathers each chat's people (the export has no
 * member lists), the second emits one item per message with every other participant as TO.
 */
import { configError } from '../../errors';
import type { SourceRecord } from '../../item';
import type { CheckResult, ReadContext, Source, SourceSettings } from '../types';
import { checkOpened } from '../shared/check-opened';
import { brokenOffRecord } from '../shared/json-values';
import { byteProgress } from '../shared/progress';
import { isValidZone } from './dates';
import { openExport } from './locate';
import { type ChatContext, type FileContext, SOURCE, messageRecord } from './message';
import { isChannelScoped } from './peers';
import { resultValues } from './result-stream';
import { type ChatInfo, type ExportInfo, type Owner, chatIdentity, findOwner, participants, scanResult } from './scan';

interface Options {
  path: string;
  zone: string;
  accountId?: string;
}

function options(settings: SourceSettings): Options {
  const zone = settings.timeZone === undefined || settings.timeZone === '' ? 'UTC' : settings.timeZone;
  if (typeof zone !== 'string' || !isValidZone(zone)) throw configError(`timeZone ${JSON.stringify(zone)} is not an IANA time zone (e.g. Europe/Berlin, UTC)`);
  const raw = settings.accountId;
  let accountId: string | undefined;
  if (raw !== undefined && raw !== null && raw !== '') {
    const m = /^(?:user)?(\d+)$/.exec(String(raw).trim());
    if (!m) throw configError(`accountId ${JSON.stringify(raw)} is not a Telegram user id (digits, or user followed by digits)`);
    accountId = m[1];
  }
  return { path: settings.path, zone, ...(accountId ? { accountId } : {}) };
}

const looksLikeTelegram = (info: ExportInfo) => info.chats.size > 0 || info.about || info.personal !== undefined;

function displayName(c: ChatInfo): string {
  if (typeof c.name === 'string' && c.name.trim()) return c.name;
  if (c.type === 'saved_messages') return 'Saved Messages';
  if (c.type === 'replies') return 'Replies';
  if (c.name === null) return 'Deleted Account';
  return c.id ? `chat ${c.id}` : c.key || 'chat';
}

const KINDS: Record<string, string> = {
  personal_chat: 'personal chats', bot_chat: 'bot chats', private_group: 'basic groups', saved_messages: 'Saved Messages', replies: 'the Replies chat',
};
const kindOf = (type: string | undefined) => (type && KINDS[type]) ?? `chats of type ${JSON.stringify(type ?? '(none)')}`;

function chatContext(c: ChatInfo, owner: Owner): ChatContext {
  const name = displayName(c);
  const ownerScope = owner.id ? `user${owner.id}/` : undefined;
  return {
    info: c, name, self: chatIdentity(c, name), people: participants(c, owner),
    ...(ownerScope ? { ownerScope } : {}),
    noOwnerReason: `Telegram numbers the messages of ${kindOf(c.type)} per account, and this export does not say which account made it; set the accountId setting (the exporting account's Telegram user id) so that ids stay unique across accounts`,
  };
}

/** Chats whose messages need the exporting account to get ids. */
const needsOwner = (c: ChatInfo) => !!c.id && c.messages > 0 && !isChannelScoped(c.type);

const count = (n: number) => n.toLocaleString('en-US');

async function* readExport(o: Options, ctx: ReadContext): AsyncGenerator<SourceRecord> {
  const opened = await openExport(o.path);
  const { tree, files } = opened;
  try {
    // Two passes over each file: the scan, then the read.
    const onBytes = byteProgress(tree, opened.jsons, ctx, 2);
    for (const entry of opened.jsons) {
      const file = tree.describe(entry);
      const info = await scanResult(await tree.open(entry), entry, file, { onBytes, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      if (ctx.signal?.aborted) return;
      if (!looksLikeTelegram(info) && !info.brokeOff) {
        const why = `${file}: not a Telegram Desktop JSON export (no messages, no chats.list, no personal_information)`;
        if (opened.jsons.length === 1) throw configError(why);
        ctx.notice?.(`${why}; skipped`);
        continue;
      }
      const owner = findOwner(info, o.accountId);
      if (o.accountId && owner.id && owner.id !== o.accountId) {
        ctx.notice?.(`${file}: the export says it was made by user${owner.id} (${owner.how}); the accountId setting (user${o.accountId}) is not used`);
      } else if (owner.id && owner.how !== 'personal_information' && owner.how !== 'the accountId setting' && [...info.chats.values()].some(needsOwner)) {
        ctx.notice?.(`${file}: the exporting account is taken to be user${owner.id}, found from ${owner.how}`);
      }
      const chats = new Map<string, ChatContext>();
      const f: FileContext = { files, entry, file, zone: o.zone, counts: { localDates: 0, noSender: 0 } };
      let last: string | undefined;
      try {
        for await (const v of resultValues(await tree.open(entry), file, onBytes)) {
          if (ctx.signal?.aborted) return;
          if (v.kind !== 'message') continue;
          let chat = chats.get(v.chat);
          if (!chat) {
            const c = info.chats.get(v.chat) ?? { key: v.chat, messages: 0, people: new Map(), senders: new Set(), topics: new Map() };
            chat = chatContext(c, owner);
            chats.set(v.chat, chat);
          }
          const record = await messageRecord(v.value, v.index, chat, f);
          last = record.origin.position;
          yield record;
        }
      } catch (err) {
        // Truncated or malformed: everything before the break was yielded; say where it broke off.
        yield brokenOffRecord(err, file, last);
      }
      if (f.counts.localDates) ctx.notice?.(`${file}: ${count(f.counts.localDates)} message(s) have no date_unixtime (an older Telegram Desktop); their local "date" was read as time in ${o.zone} (the timeZone setting)`);
      if (f.counts.noSender) ctx.notice?.(`${file}: ${count(f.counts.noSender)} message(s) name no sender id (from_id/actor_id); their FROM is the chat itself`);
    }
  } finally {
    await files.close();
  }
}

/** Files larger than this are only partly read by check(): the run reads them whole. */
const CHECK_BUDGET = 256 * 1024 * 1024;

function checkExport(settings: SourceSettings): Promise<CheckResult> {
  const open = async () => { const o = options(settings); return { o, opened: await openExport(o.path) }; };
  return checkOpened(open, ({ opened }) => opened.files.close(), async ({ o, opened }) => {
    const found: string[] = [];
    const problems: string[] = [];
    let chats = 0;
    let messages = 0;
    let usable = 0;
    let partial = false;
    for (const entry of opened.jsons) {
      const file = opened.tree.describe(entry);
      const where = opened.jsons.length > 1 ? `${entry}: ` : '';
      const info = await scanResult(await opened.tree.open(entry), entry, file, { maxBytes: CHECK_BUDGET });
      if (!looksLikeTelegram(info)) {
        problems.push(info.brokeOff ?? `${file}: not a Telegram Desktop JSON export (no messages, no chats.list, no personal_information)`);
        continue;
      }
      partial ||= info.partial;
      if (info.brokeOff) problems.push(`${info.brokeOff}; the messages after it cannot be read`);
      const owner = findOwner(info, o.accountId);
      for (const c of info.chats.values()) {
        chats++;
        messages += c.messages;
        found.push(`${c.type ?? 'chat'} "${displayName(c)}"`);
        if (!c.id) problems.push(`${where}chat "${displayName(c)}" (${c.key || 'top level'}) has no id: its ${count(c.messages)} message(s) cannot be imported`);
        else if (needsOwner(c) && !owner.id) problems.push(`${where}chat "${displayName(c)}": set accountId (the exporting account's user id) to import its ${count(c.messages)} message(s)`);
        else usable += c.messages;
      }
    }
    const list = found.length > 4 ? `${found.slice(0, 4).join(', ')}, …` : found.join(', ');
    const summary = `${count(chats)} chat${chats === 1 ? '' : 's'}${partial ? ' or more' : ''}, ${count(messages)} message${messages === 1 ? '' : 's'}${partial ? ' in the first 256 MB' : ''}${list ? ` (${list})` : ''}`;
    if (!chats) return { ok: false, message: problems.length ? problems.join('; ') : 'no chats in the export' };
    return { ok: usable > 0, message: problems.length ? `${summary}; ${problems.join('; ')}` : summary };
  });
}

export const telegramExportSource: Source = {
  spec: {
    kind: 'telegram-export',
    title: 'Telegram Desktop export',
    platform: SOURCE,
    description: 'A Telegram Desktop export in JSON ("Export chat history" or "Export Telegram data"): result.json, the export folder, or a ZIP of it. Messages, service messages, calls, photos and files.',
    settings: [
      {
        key: 'timeZone', label: 'Time zone of old exports', type: 'timezone', default: 'UTC',
        help: 'Exports from before 2021 write times without a zone (no date_unixtime); they are read in this zone, the exporting computer\'s.',
      },
      {
        key: 'accountId', label: 'Exporting account (Telegram user id)', type: 'string',
        help: 'Only needed when the export does not say which account made it (a single-chat export of a basic group, or of a personal chat the account never wrote in): Telegram numbers those messages per account.',
      },
    ],
  },
  check: checkExport,
  async *read(settings, ctx) {
    yield* readExport(options(settings), ctx);
  },
};
