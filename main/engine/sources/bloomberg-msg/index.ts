/**
 * Bloomberg MSG (Bloomberg mail) dumps: `<FileDump>` of `<Message>` elements, one item each.
 * Streamed with the IB source's reader: memory holds one message.
 */
import { configError } from '../../errors';
import type { SourceRecord } from '../../item';
import type { CheckResult, ReadContext, Source, SourceSettings } from '../types';
import { checkOpened } from '../shared/check-opened';
import { isValidZone } from '../bloomberg-ib/dates';
import { type DumpOptions, dumpRecords, openDump } from '../bloomberg-ib/dump';
import { SOURCE, messageRecord } from './message';

interface Options {
  path: string;
  zone: string;
}

function options(settings: SourceSettings): Options {
  const zone = settings.timeZone === undefined || settings.timeZone === '' ? 'UTC' : settings.timeZone;
  if (typeof zone !== 'string' || !isValidZone(zone)) throw configError(`timeZone ${JSON.stringify(zone)} is not an IANA time zone (e.g. America/New_York, UTC)`);
  return { path: settings.path, zone };
}

const MSG_DUMP: DumpOptions = {
  record: 'Message', kind: 'bloomberg-msg',
  otherKinds: { conversation: 'an Instant Bloomberg (IB) chat dump, not a MSG dump: use the bloomberg-ib source for it' },
};

async function* readMsg(o: Options, ctx: ReadContext): AsyncGenerator<SourceRecord> {
  const dump = await openDump(o.path, 'bloomberg-msg');
  let local = 0;
  try {
    for await (const r of dumpRecords(dump, MSG_DUMP, ctx)) {
      if ('bad' in r) { yield r.bad; continue; }
      const rec = await messageRecord(r.record.node, r.record.index, { file: r.file, entry: r.entry, zone: o.zone, finder: dump.finder });
      if (!('bad' in rec) && rec.meta['Date-Read-As']) local++;
      yield rec;
    }
    if (local) ctx.notice?.(`${local.toLocaleString('en-US')} message(s) have no MsgTimeUTC; their MsgTime was read as local time in ${o.zone} (the timeZone setting)`);
  } finally {
    await dump.tree.close();
  }
}

const CHECK_MESSAGES = 50_000;

function check(settings: SourceSettings): Promise<CheckResult> {
  const open = async () => { const o = options(settings); return { o, dump: await openDump(o.path, 'bloomberg-msg') }; };
  return checkOpened(open, ({ dump }) => dump.tree.close(), async ({ dump }) => {
    const notices: string[] = [];
    let messages = 0;
    let partial = false;
    const bad: string[] = [];
    for await (const r of dumpRecords(dump, MSG_DUMP, { notice: (m) => notices.push(m) })) {
      if ('bad' in r) { bad.push(`${r.bad.origin.file} (${r.bad.origin.position ?? 'start'}): ${r.bad.reason}`); continue; }
      if (messages >= CHECK_MESSAGES) { partial = true; break; }
      messages++;
    }
    const n = (x: number) => x.toLocaleString('en-US');
    const summary = `${n(dump.xmls.length)} file${dump.xmls.length === 1 ? '' : 's'}, ${n(messages)}${partial ? ' or more' : ''} message${messages === 1 ? '' : 's'}`;
    const problems = [...bad, ...notices.filter((x) => x.includes('IB'))];
    if (!messages) return { ok: false, message: problems.length ? problems.join('; ') : 'no <Message> in the dump' };
    return { ok: true, message: problems.length ? `${summary}; ${problems.join('; ')}` : summary };
  });
}

export const bloombergMsgSource: Source = {
  spec: {
    kind: 'bloomberg-msg',
    title: 'Bloomberg MSG mail (dump XML)',
    platform: SOURCE,
    description: 'Bloomberg MSG dumps (<FileDump> of <Message>): one XML, a folder of daily dumps with their attachment files, or a ZIP. One item per message, with TO/CC/BCC, greeting, disclaimer and attachments.',
    settings: [
      {
        key: 'timeZone', label: 'Time zone of local times', type: 'timezone', default: 'UTC',
        help: 'Times are read from MsgTimeUTC; only a dump without it has its MsgTime (local wall-clock time) read in this zone.',
      },
    ],
  },
  check,
  async *read(settings, ctx) {
    yield* readMsg(options(settings), ctx);
  },
};
