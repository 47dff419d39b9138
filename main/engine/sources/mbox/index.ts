/**
 * MBOX mailboxes (Thunderbird, Apple Mail, Gmail Takeout, mutt...): messages passed through byte for
 * byte, without their `From ` separator line and with `>From ` escaping undone (see `split.ts`). The
 * path is one mbox file (read whatever its name), or a folder or ZIP holding `.mbox`/`.mbx` files and
 * files without an extension that begin with `From ` (Apple Mail's `Inbox.mbox/mbox`, Thunderbird's
 * `Inbox`). The file streams: one message is in memory at a time, so a 50 GB Takeout is fine.
 */
import path from 'node:path';
import type { SourceRecord } from '../../item';
import type { CheckResult, ReadContext, Source, SourceSettings } from '../types';
import { type ExportTree, type TreeEntry, openExportTree } from '../shared/export-tree';
import { checkOpened } from '../shared/check-opened';
import { configError, errorMessage } from '../../errors';
import { MAIL_SOURCE, messageRecord } from '../mail/message-record';
import { maxMessageBytes, maxMessageSetting, sizeText } from '../mail/settings';
import { UTF8_BOM, count, isSinglePlainFile } from '../mail/tree-files';
import { readHead } from '../shared/read-head';
import { type FromQuoting, splitMbox } from './split';

const QUOTINGS: FromQuoting[] = ['mboxrd', 'mboxo', 'none'];

/** How much of the export `check()` reads to count messages. */
const CHECK_BYTES = 10 * 1024 * 1024;

function quotingOf(settings: SourceSettings): FromQuoting {
  const q = settings.fromQuoting ?? 'mboxrd';
  if (!QUOTINGS.includes(q as FromQuoting)) throw configError(`setting fromQuoting must be one of ${QUOTINGS.join(', ')}, got "${String(q)}"`);
  return q as FromQuoting;
}

async function startsWithFrom(tree: ExportTree, entryPath: string): Promise<boolean> {
  let head = await readHead(tree, entryPath, 8);
  if (head.subarray(0, 3).equals(UTF8_BOM)) head = head.subarray(3);
  return head.subarray(0, 5).toString('latin1') === 'From ';
}

interface MboxListing {
  files: TreeEntry[];
  skipped: string[];
}

async function listMbox(location: string, tree: ExportTree): Promise<MboxListing> {
  if (await isSinglePlainFile(location)) return { files: [...tree.entries], skipped: [] };
  const files: TreeEntry[] = [];
  const skipped: string[] = [];
  for (const e of tree.entries) {
    const ext = path.posix.extname(e.path).toLowerCase();
    const name = path.posix.basename(e.path);
    const candidate = ext === '.mbox' || ext === '.mbx' || (ext === '' && !name.startsWith('.') && e.size > 0 && await startsWithFrom(tree, e.path));
    if (candidate) files.push(e);
    else skipped.push(e.path);
  }
  return { files, skipped };
}

/** The bytes of an entry, stopping after `limit`. */
async function* limited(tree: ExportTree, entryPath: string, limit: number): AsyncGenerator<Buffer> {
  const stream = await tree.open(entryPath);
  let n = 0;
  try {
    for await (const c of stream) {
      const chunk = c as Buffer;
      yield n + chunk.length > limit ? chunk.subarray(0, limit - n) : chunk;
      n += chunk.length;
      if (n >= limit) return;
    }
  } finally {
    stream.destroy();
  }
}

function check(settings: SourceSettings): Promise<CheckResult> {
  // The quoting setting is checked before the export is opened.
  const open = async () => { quotingOf(settings); return openExportTree(settings.path); };
  return checkOpened(open, (tree: ExportTree) => tree.close(), async (tree: ExportTree) => {
    const { files } = await listMbox(settings.path, tree);
    if (!files.length) return { ok: false, message: `${settings.path}: no mbox files (.mbox, .mbx, or files that begin with "From ")` };
    let budget = CHECK_BYTES;
    let messages = 0;
    for (const f of files) {
      if (budget <= 0) break;
      for await (const part of splitMbox(limited(tree, f.path, budget), { quoting: 'none', maxMessageBytes: CHECK_BYTES })) {
        if (part.kind === 'not-mbox') return { ok: false, message: `${tree.describe(f.path)}: not an mbox file (line ${part.line} does not begin with "From ": "${part.text}")` };
        if (part.kind !== 'kept-in-body') messages++;
      }
      budget -= f.size;
    }
    const total = files.reduce((n, f) => n + f.size, 0);
    const where = files.length > 1 ? `${count(files.length, 'mbox file')} (${sizeText(total)})` : `mbox (${sizeText(total)})`;
    if (!messages) return { ok: false, message: `${where}: no messages` };
    return { ok: true, message: `${where}, ${count(messages, 'message')}${total > CHECK_BYTES ? ` in the first ${sizeText(CHECK_BYTES)}` : ''}` };
  });
}

async function* read(settings: SourceSettings, ctx: ReadContext): AsyncGenerator<SourceRecord> {
  const quoting = quotingOf(settings);
  const max = maxMessageBytes(settings);
  const tree = await openExportTree(settings.path);
  try {
    const { files, skipped } = await listMbox(settings.path, tree);
    for (const p of tree.problems) ctx.notice?.(p);
    for (const s of skipped) ctx.notice?.(`${tree.describe(s)}: skipped, not an mbox file`);
    if (!files.length) throw configError(`${settings.path}: no mbox files (.mbox, .mbx, or files that begin with "From ")`);
    const total = files.reduce((n, f) => n + f.size, 0) || 1;
    let before = 0;
    for (const f of files) {
      const file = tree.describe(f.path);
      let messages = 0;
      let lastLine = 0;
      try {
        const stream = await tree.open(f.path);
        const parts = splitMbox(stream, { quoting, maxMessageBytes: max, onBytes: (n) => ctx.progress?.((before + n) / total) });
        for await (const part of parts) {
          if (ctx.signal?.aborted) return;
          if (part.kind === 'kept-in-body') {
            ctx.notice?.(`${file} (line ${part.line}): "${part.text}" looks like a message separator but no header follows; kept in the body of the message at line ${part.messageLine}`);
            continue;
          }
          const origin = { file, position: `line ${part.line}` };
          lastLine = part.line;
          if (part.kind === 'not-mbox') {
            yield { bad: true, origin, reason: `not an mbox file: it does not begin with a "From " separator line (found "${part.text}")` };
            break;
          }
          messages++;
          if (part.kind === 'oversize') {
            yield { bad: true, origin, reason: `message is ${sizeText(part.size)}, over the ${sizeText(max)} limit for one message (setting maxMessageMB); not read` };
            continue;
          }
          yield await messageRecord(part.bytes, origin, { noun: 'message', meta: { 'Mbox-Envelope': part.envelope } });
        }
        if (!messages && lastLine === 0) yield { bad: true, origin: { file }, reason: 'empty file: no messages' };
      } catch (err) {
        // A truncated or damaged file (a ZIP entry that fails its CRC): report where, go on with the next file.
        yield { bad: true, origin: { file, position: lastLine ? `after the message at line ${lastLine}` : 'start' }, reason: `cannot be read to the end: ${errorMessage(err)}` };
      }
      before += f.size;
      ctx.progress?.(before / total);
    }
  } finally {
    await tree.close();
  }
}

export const mboxSource: Source = {
  spec: {
    kind: 'mbox', title: 'MBOX mailbox', platform: MAIL_SOURCE,
    description: 'Mailbox files in mbox format (Thunderbird, Apple Mail, Gmail Takeout; a file, a folder or a ZIP), messages imported unchanged.',
    settings: [
      {
        key: 'fromQuoting', label: 'How body lines starting "From " were escaped', type: 'select', default: 'mboxrd',
        options: [
          { value: 'mboxrd', label: 'mboxrd: ">From", ">>From"... (also right for most mboxo files)' },
          { value: 'mboxo', label: 'mboxo: only "From" escaped as ">From"' },
          { value: 'none', label: 'not escaped (mboxcl2): keep ">From" lines as they are' },
        ],
        help: 'The mbox variants cannot be told apart from the file. Gmail Takeout, Thunderbird and most tools: mboxrd.',
      },
      maxMessageSetting,
    ],
  },
  check,
  read,
};
