/**
 * Android "SMS Backup & Restore" (SyncTech) XML: `sms-<date>.xml` (`<smses>` of `<sms/>` and `<mms>`)
 * and `calls-<date>.xml` (`<calls>` of `<call/>`), one file, a folder of them, or a ZIP. Streamed
 * record by record; a malformed record or file is reported and the rest goes on.
 */
import { promises as fs } from 'node:fs';
import { configError, errorMessage } from '../../errors';
import type { SourceRecord } from '../../item';
import { type ExportTree, openExportTree } from '../shared/export-tree';
import type { CheckResult, ReadContext, Source, SourceSettings } from '../types';
import { callRecord } from './call';
import { type FileContext, SOURCE } from './context';
import { mmsRecord } from './mms';
import { ownerIdentity } from './people';
import { smsRecord } from './sms';
import { type XmlStats, xmlRecords } from './xml-records';
import { byteProgress } from '../shared/progress';

const ROOTS: Record<string, string> = { smses: 'messages', calls: 'calls' };

interface Options {
  path: string;
  owner?: string;
  ownerName?: string;
}

function options(settings: SourceSettings): Options {
  const o: Options = { path: settings.path };
  const owner = typeof settings.owner === 'string' ? settings.owner.trim() : settings.owner;
  if (owner !== undefined && owner !== null && owner !== '') {
    if (typeof owner !== 'string' || !/^\+?[0-9][0-9 ().-]{2,}$/.test(owner)) throw configError(`owner ${JSON.stringify(owner)} is not a phone number (e.g. +15551234567)`);
    o.owner = owner.replace(/[ ().-]/g, '');
  }
  if (typeof settings.ownerName === 'string' && settings.ownerName.trim()) o.ownerName = settings.ownerName.trim();
  return o;
}

async function openBackup(location: unknown): Promise<{ tree: ExportTree; files: string[] }> {
  if (!location || typeof location !== 'string') throw configError('sms-backup needs a path: an sms-….xml or calls-….xml file, a folder of them, or a ZIP');
  if (!(await fs.stat(location).catch(() => undefined))) throw configError(`${location}: no such file or folder`);
  const tree = await openExportTree(location);
  const files = tree.entries.filter((e) => e.path.toLowerCase().endsWith('.xml') || tree.entries.length === 1).map((e) => e.path);
  if (!files.length) {
    await tree.close();
    throw configError(`${location}: no .xml file in it (SMS Backup & Restore writes sms-<date>.xml and calls-<date>.xml)`);
  }
  return { tree, files };
}

const count = (n: number) => n.toLocaleString('en-US');

async function* readBackup(o: Options, ctx: ReadContext): AsyncGenerator<SourceRecord> {
  const { tree, files } = await openBackup(o.path);
  try {
    const onBytes = byteProgress(tree, files, ctx);
    const owner = ownerIdentity(o.owner, o.ownerName);
    if (!o.owner) ctx.notice?.('the owner setting (the backed-up phone\'s number) is not set: the phone\'s side of every message and call is "phone-owner" until it is');
    for (const entry of files) {
      const file = tree.describe(entry);
      const f: FileContext = { file, owner };
      const stats: XmlStats = { replacedRefs: 0 };
      let root: string | undefined;
      let declared: number | undefined;
      let seen = 0;
      for await (const ev of xmlRecords(await tree.open(entry), { describe: file, onBytes }, stats)) {
        if (ctx.signal?.aborted) return;
        if (ev.kind === 'root') {
          root = ev.name;
          if (!ROOTS[root]) break;
          declared = /^\d+$/.test(ev.attrs.count ?? '') ? Number(ev.attrs.count) : undefined;
          continue;
        }
        if (ev.kind === 'problem') {
          yield {
            bad: true, origin: { file, position: `line ${ev.line}, column ${ev.column}` },
            reason: /^unclosed tag/.test(ev.message) ? `the file ends before its closing </${root}> tag: it is truncated (${ev.message}); the ${count(seen)} record(s) before the end were read` : `malformed XML between records (${ev.message})${ev.more ? `, and ${ev.more} more error(s) after it` : ''}; ${seen ? `the ${count(seen)} record(s) before it were read` : 'no record before it'}, the reading went on after it`,
          };
          continue;
        }
        seen++;
        if (ev.name === 'sms' && root === 'smses') yield smsRecord(ev, f);
        else if (ev.name === 'mms' && root === 'smses') yield mmsRecord(ev, f);
        else if (ev.name === 'call' && root === 'calls') yield callRecord(ev, f);
        else yield { bad: true, origin: { file, position: `element ${ev.index} <${ev.name}>, line ${ev.line}` }, reason: `<${ev.name}> is not a record SMS Backup & Restore writes in <${root}>` };
      }
      if (!root || !ROOTS[root]) {
        const why = `${file}: not an SMS Backup & Restore file (${root ? `its root element is <${root}>, not <smses> or <calls>` : 'no XML root element'})`;
        if (files.length === 1) throw configError(why);
        ctx.notice?.(`${why}; skipped`);
        continue;
      }
      if (declared !== undefined && declared !== seen) {
        ctx.notice?.(`${file}: the file says it holds ${count(declared)} ${ROOTS[root]} (count="${declared}") but ${count(seen)} record(s) were found in it`);
      }
      if (stats.replacedRefs) {
        ctx.notice?.(`${file}: ${count(stats.replacedRefs)} character reference(s) to characters XML does not allow (lone surrogates, control characters) were replaced by U+FFFD`);
      }
    }
  } finally {
    await tree.close();
  }
}

/** check() reads each file's root element only: `<smses count="…">` says how many records it holds. */
async function checkBackup(settings: SourceSettings): Promise<CheckResult> {
  let o: Options;
  let opened;
  try {
    o = options(settings);
    opened = await openBackup(o.path);
  } catch (err) {
    return { ok: false, message: errorMessage(err) };
  }
  try {
    const found: string[] = [];
    const problems: string[] = [];
    for (const entry of opened.files) {
      let root: { name: string; attrs: Record<string, string> } | undefined;
      try {
        for await (const ev of xmlRecords(await opened.tree.open(entry), { describe: opened.tree.describe(entry), rootOnly: true })) {
          if (ev.kind === 'root') { root = ev; break; }
        }
      } catch (err) {
        problems.push(errorMessage(err));
        continue;
      }
      if (!root || !ROOTS[root.name]) {
        problems.push(`${entry}: not an SMS Backup & Restore file`);
        continue;
      }
      const n = root.attrs.count;
      found.push(`${entry}: ${/^\d+$/.test(n ?? '') ? count(Number(n)) : 'an unknown number of'} ${ROOTS[root.name]}`);
    }
    if (!found.length) return { ok: false, message: problems.join('; ') || 'no SMS Backup & Restore file found' };
    const owner = o.owner ? `owner ${o.owner}` : 'owner not set (the phone\'s side will be "phone-owner")';
    return { ok: true, message: `${found.join(', ')}; ${owner}${problems.length ? `; ${problems.join('; ')}` : ''}` };
  } finally {
    await opened.tree.close();
  }
}

export const smsBackupSource: Source = {
  spec: {
    kind: 'sms-backup',
    title: 'Android SMS Backup & Restore',
    platform: SOURCE,
    description: 'XML backups written by the Android app "SMS Backup & Restore": sms-….xml (SMS and MMS with their attachments) and calls-….xml (call log), a file, a folder or a ZIP.',
    settings: [
      {
        key: 'owner', label: 'Phone number of the backed-up phone', type: 'string',
        help: 'The backup does not say whose phone it is: received messages go TO this number, sent ones come FROM it. International form, e.g. +15551234567.',
      },
      { key: 'ownerName', label: 'Name of the phone\'s owner', type: 'string' },
    ],
  },
  check: checkBackup,
  async *read(settings, ctx) {
    yield* readBackup(options(settings), ctx);
  },
};
