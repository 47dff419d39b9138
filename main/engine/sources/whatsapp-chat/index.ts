/**
 * WhatsApp "Export chat": a chat text file (Android `WhatsApp Chat with Ann.txt`, iOS `_chat.txt`),
 * a ZIP holding it with the media, or a folder of them. Each chat file is read twice: a first pass
 * decides the date layout and gathers the participants (keeping only counters), a second emits the
 * items. Messages are `IPM.NOTE.WhatsApp.Message`, WhatsApp's own lines (`Alice added Bob`, the
 * encryption notice) `…System` from the chat itself, call lines `…Call`.
 */
import path from 'node:path';
import { IANAZone } from 'luxon';
import type { Identity, SourceRecord } from '../../item';
import { configError, errorMessage } from '../../errors';
import type { CheckResult, Source, SourceSettings } from '../types';
import { type ChatExport, type ChatFile, openChats } from './chat-files';
import { chatKeyFor, chatNameFor } from './chat-name';
import type { DateOrderSetting } from './date-order';
import { type ChatPlan, SOURCE_NAME, emitChat } from './emit';
import { ZoneClock, isValidZone } from './local-time';
import { type ChatScan, scanChat } from './scan';
import { identityKey, identityOf } from './sender';

interface Options {
  zone: IANAZone;
  dateOrder: DateOrderSetting;
  chatName?: string;
  owner?: Identity;
}

const ORDERS: DateOrderSetting[] = ['auto', 'dmy', 'mdy', 'ymd'];

function optionsOf(settings: SourceSettings): Options {
  const zoneName = typeof settings.timeZone === 'string' && settings.timeZone.trim() ? settings.timeZone.trim() : 'UTC';
  if (!isValidZone(zoneName)) throw configError(`timeZone "${zoneName}" is not an IANA time zone (for example Europe/London)`);
  const order = typeof settings.dateOrder === 'string' && settings.dateOrder ? settings.dateOrder : 'auto';
  if (!ORDERS.includes(order as DateOrderSetting)) throw configError(`dateOrder "${order}" is not one of ${ORDERS.join(', ')}`);
  const chatName = typeof settings.chatName === 'string' && settings.chatName.trim() ? settings.chatName.trim().normalize('NFC') : undefined;
  const owner = typeof settings.owner === 'string' && settings.owner.trim() ? identityOf(settings.owner) : undefined;
  return { zone: IANAZone.create(zoneName), dateOrder: order as DateOrderSetting, ...(chatName ? { chatName } : {}), ...(owner ? { owner } : {}) };
}

function participantsOf(scan: ChatScan, owner: Identity | undefined): Identity[] {
  const out: Identity[] = [];
  const seen = new Set<string>();
  const add = (i: Identity) => { const k = identityKey(i); if (!seen.has(k)) { seen.add(k); out.push(i); } };
  for (const label of scan.senders) add(label === 'You' && owner ? owner : identityOf(label));
  if (owner) add(owner);
  return out;
}

async function planChat(chat: ChatFile, exp: ChatExport, opts: Options, onBytes?: (n: number) => void): Promise<{ plan: ChatPlan; scan: ChatScan }> {
  const scan = await scanChat(chat, onBytes);
  const chatName = opts.chatName && exp.chats.length === 1 ? opts.chatName : chatNameFor(path.posix.basename(chat.path), chat.containers);
  const plan: ChatPlan = {
    chat, exp, chatName, chatKey: chatKeyFor(chatName), zone: new ZoneClock(opts.zone),
    layouts: scan.evidence.decide(opts.dateOrder), senderLabels: new Set(scan.senders),
    participants: participantsOf(scan, opts.owner), ...(opts.owner ? { owner: opts.owner } : {}),
  };
  return { plan, scan };
}

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function describeChat(plan: ChatPlan, scan: ChatScan): { ok: boolean; text: string } {
  const layouts = [...plan.layouts.values()].sort((a, b) => b.lines - a.lines);
  const dated = layouts.filter((l) => l.order)
    .map((l) => `${l.layout} (${l.shape.clock12 ? '12' : '24'}-hour; ${l.basis})`);
  const problems = layouts.filter((l) => l.problem).map((l) => `${count(l.lines, 'message')} in layout ${l.layout} cannot be dated: ${l.problem}`);
  const parts = [
    `chat "${plan.chatName}"`, count(plan.participants.length, 'participant'),
    `${count(scan.messages - scan.systemLines, 'message')}${scan.systemLines ? ` and ${count(scan.systemLines, 'system line')}` : ''}`,
  ];
  if (dated.length) parts.push(`dates ${dated.join('; ')}`);
  if (scan.preambleLines) parts.push(`${count(scan.preambleLines, 'line')} before the first message that are not messages`);
  if (!scan.messages) problems.push('no message lines');
  return { ok: problems.length === 0, text: [parts.join(', '), ...problems].join('; ') };
}

export const whatsappChatSource: Source = {
  spec: {
    kind: 'whatsapp-chat',
    title: 'WhatsApp chat export',
    platform: SOURCE_NAME,
    description: 'Chats saved with WhatsApp\'s "Export chat": the .txt file, the .zip with media, or a folder of them (Android and iPhone).',
    settings: [
      { key: 'timeZone', label: 'Time zone of the chat', type: 'timezone', default: 'UTC',
        help: 'Exported times have no zone: they are read in this IANA zone (the phone\'s), DST included.' },
      { key: 'dateOrder', label: 'Date order', type: 'select', default: 'auto',
        options: [
          { value: 'auto', label: 'Detect from the file' },
          { value: 'dmy', label: 'Day first (31/12/24)' },
          { value: 'mdy', label: 'Month first (12/31/24)' },
          { value: 'ymd', label: 'Year first (24/12/31)' },
        ],
        help: 'Needed when every day in the file is 12 or less and the order cannot be detected.' },
      { key: 'chatName', label: 'Chat name', type: 'string',
        help: 'Defaults to the name in the export\'s file name. Scopes message ids: keep it the same for every export of the chat.' },
      { key: 'owner', label: 'Exported by (name or phone number)', type: 'string',
        help: 'The account that exported the chat: a participant of every message, and the sender written as "You".' },
    ],
  },

  async check(settings: SourceSettings): Promise<CheckResult> {
    let exp: ChatExport | undefined;
    try {
      const opts = optionsOf(settings);
      exp = await openChats(settings.path);
      const described: { ok: boolean; text: string }[] = [];
      let messages = 0;
      for (const chat of exp.chats) {
        const { plan, scan } = await planChat(chat, exp, opts);
        messages += scan.messages;
        described.push(describeChat(plan, scan));
      }
      const ok = described.every((d) => d.ok);
      const text = described.length === 1 ? described[0]!.text
        : `${count(described.length, 'chat')}, ${count(messages, 'line')} with a timestamp: ${described.map((d) => d.text).join(' | ')}`;
      const notes = [...exp.skipped];
      if (opts.chatName && exp.chats.length > 1) notes.push('the chatName setting is ignored: it names one chat and the export holds several');
      return { ok, message: notes.length ? `${text} (${notes.join('; ')})` : text };
    } catch (err) {
      return { ok: false, message: errorMessage(err) };
    } finally {
      await exp?.close();
    }
  },

  async *read(settings: SourceSettings, ctx): AsyncGenerator<SourceRecord> {
    const opts = optionsOf(settings);
    const exp = await openChats(settings.path);
    try {
      for (const s of exp.skipped) ctx.notice?.(`skipped ${s}`);
      if (opts.chatName && exp.chats.length > 1) {
        ctx.notice?.(`the chatName setting is ignored: the export holds ${exp.chats.length} chats, each named from its file`);
      }
      // Both passes read every byte: progress runs over twice the size.
      const total = 2 * exp.chats.reduce((n, c) => n + c.size, 0);
      let done = 0;
      const onBytes = (n: number) => { done += n; ctx.progress?.(total ? Math.min(1, done / total) : 1); };
      for (const chat of exp.chats) {
        if (ctx.signal?.aborted) return;
        let plan: ChatPlan;
        try {
          plan = (await planChat(chat, exp, opts, onBytes)).plan;
        } catch (err) {
          yield { bad: true, origin: { file: chat.label }, reason: `cannot be read: ${errorMessage(err)}` };
          continue;
        }
        for (const l of plan.layouts.values()) {
          if (l.problem) ctx.notice?.(`${chat.label}: ${count(l.lines, 'message')} in layout ${l.layout} cannot be dated: ${l.problem}`);
          else if (l.basis.startsWith('dates only stay in order')) ctx.notice?.(`${chat.label}: date order of layout ${l.layout} inferred because ${l.basis}; set dateOrder if that is wrong`);
        }
        let last = 'the start';
        try {
          for await (const r of emitChat(plan, onBytes)) {
            last = r.origin.position ?? last;
            yield r;
            if (ctx.signal?.aborted) return;
          }
        } catch (err) {
          yield { bad: true, origin: { file: chat.label, position: `after ${last}` }, reason: `the file breaks off: ${errorMessage(err)}` };
        }
      }
    } finally {
      await exp.close();
    }
  },
};
