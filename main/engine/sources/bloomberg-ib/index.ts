/**
 * Instant Bloomberg (IB) chat dumps: `<FileDump>` of `<Conversation>` elements, one per room per day.
 * By default each conversation becomes one transcript item (the room's day, as Bloomberg delivers
 * it); the `mode` setting `message` makes one item per event instead (IBMessage, IBJoin, IBLeave,
 * IBInvite, IBHistory, IBSystem). Streamed: memory holds one conversation.
 */
import { configError } from '../../errors';
import type { SourceRecord } from '../../item';
import type { CheckResult, ReadContext, Source, SourceSettings } from '../types';
import { checkOpened } from '../shared/check-opened';
import { readConversation } from './conversation';
import { isValidZone } from './dates';
import { type DumpOptions, dumpRecords, openDump } from './dump';
import { type FileContext, SOURCE, eventRecords, transcriptRecord } from './items';

type Mode = 'transcript' | 'message';

interface Options {
  path: string;
  mode: Mode;
  zone: string;
}

function options(settings: SourceSettings): Options {
  const zone = settings.timeZone === undefined || settings.timeZone === '' ? 'UTC' : settings.timeZone;
  if (typeof zone !== 'string' || !isValidZone(zone)) throw configError(`timeZone ${JSON.stringify(zone)} is not an IANA time zone (e.g. America/New_York, UTC)`);
  const mode = settings.mode === undefined || settings.mode === '' ? 'transcript' : settings.mode;
  if (mode !== 'transcript' && mode !== 'message') throw configError(`mode ${JSON.stringify(mode)} is not "transcript" (one item per room per day) or "message" (one item per event)`);
  return { path: settings.path, mode, zone };
}

export const IB_DUMP: DumpOptions = {
  record: 'Conversation', kind: 'bloomberg-ib',
  otherKinds: { message: 'a Bloomberg MSG (mail) dump, not an IB chat dump: use the bloomberg-msg source for it' },
};

async function* readIb(o: Options, ctx: ReadContext): AsyncGenerator<SourceRecord> {
  const dump = await openDump(o.path, 'bloomberg-ib');
  const transcriptIds = new Set<string>();
  const unknown = new Map<string, Set<string>>();
  let local = 0;
  try {
    for await (const r of dumpRecords(dump, IB_DUMP, ctx)) {
      if ('bad' in r) { yield r.bad; continue; }
      const c = readConversation(r.record.node, o.zone);
      if (c.unknown.length) {
        const set = unknown.get(r.file) ?? new Set();
        for (const u of c.unknown) set.add(u);
        unknown.set(r.file, set);
      }
      local += c.events.filter((e) => typeof e.date === 'object' && 'fromLocal' in e.date && e.date.fromLocal).length;
      const fc: FileContext = { file: r.file, entry: r.entry, zone: o.zone, finder: dump.finder, transcriptIds, notice: (m) => ctx.notice?.(m) };
      if (o.mode === 'transcript') yield await transcriptRecord(c, r.record.index, r.record.node.line, fc);
      else yield* eventRecords(c, r.record.index, r.record.node.line, fc);
    }
    for (const [file, names] of unknown) ctx.notice?.(`${file}: elements Ferry does not know were left out of the items: ${[...names].join(', ')}`);
    if (local) ctx.notice?.(`${local.toLocaleString('en-US')} event(s) have no DateTimeUTC; their DateTime was read as local time in ${o.zone} (the timeZone setting)`);
  } finally {
    await dump.tree.close();
  }
}

/** check() reads at most this many conversations. */
const CHECK_CONVERSATIONS = 20_000;

function check(settings: SourceSettings): Promise<CheckResult> {
  const open = async () => { const o = options(settings); return { o, dump: await openDump(o.path, 'bloomberg-ib') }; };
  return checkOpened(open, ({ dump }) => dump.tree.close(), async ({ o, dump }) => {
    const notices: string[] = [];
    let conversations = 0;
    let messages = 0;
    const rooms = new Set<string>();
    const bad: string[] = [];
    let partial = false;
    for await (const r of dumpRecords(dump, IB_DUMP, { notice: (m) => notices.push(m) })) {
      if ('bad' in r) { bad.push(`${r.bad.origin.file} (${r.bad.origin.position ?? 'start'}): ${r.bad.reason}`); continue; }
      if (conversations >= CHECK_CONVERSATIONS) { partial = true; break; }
      const c = readConversation(r.record.node, o.zone);
      conversations++;
      rooms.add(c.roomId);
      messages += c.events.filter((e) => e.kind === 'Message').length;
    }
    const n = (x: number) => x.toLocaleString('en-US');
    const more = partial ? ' or more' : '';
    const summary = `${n(dump.xmls.length)} file${dump.xmls.length === 1 ? '' : 's'}, ${n(conversations)}${more} conversation${conversations === 1 ? '' : 's'} in ${n(rooms.size)} room${rooms.size === 1 ? '' : 's'}, ${n(messages)}${more} message${messages === 1 ? '' : 's'}`;
    const problems = [...bad, ...notices.filter((x) => x.includes('MSG'))];
    if (!conversations) return { ok: false, message: problems.length ? problems.join('; ') : 'no <Conversation> in the dump' };
    return { ok: true, message: problems.length ? `${summary}; ${problems.join('; ')}` : summary };
  });
}

export const bloombergIbSource: Source = {
  spec: {
    kind: 'bloomberg-ib',
    title: 'Bloomberg IB chat (dump XML)',
    platform: SOURCE,
    description: 'Instant Bloomberg chat dumps (<FileDump> of <Conversation>): one XML, a folder of daily dumps with their attachment files, or a ZIP. One transcript per room per day, or one item per message and event.',
    settings: [
      {
        key: 'mode', label: 'Items', type: 'select', default: 'transcript',
        options: [
          { value: 'transcript', label: 'One transcript per room per day (each <Conversation>)' },
          { value: 'message', label: 'One item per message, join, leave, invitation and system message' },
        ],
      },
      {
        key: 'timeZone', label: 'Time zone of local times', type: 'timezone', default: 'UTC',
        help: 'Times are read from DateTimeUTC; only a dump without it has its DateTime (local wall-clock time) read in this zone.',
      },
    ],
  },
  check,
  async *read(settings, ctx) {
    yield* readIb(options(settings), ctx);
  },
};
