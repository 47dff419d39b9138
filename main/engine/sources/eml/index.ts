/**
 * EML files: one message per file, passed through byte for byte (`item.mime`). The path is one
 * `.eml` file (read whatever its name), a folder (every `.eml` below it, sorted by path) or a ZIP of
 * them read in place. Other files are reported as notices and left alone.
 */
import type { SourceRecord } from '../../item';
import type { CheckResult, ReadContext, Source, SourceSettings } from '../types';
import { type ExportTree, type TreeEntry, openExportTree } from '../shared/export-tree';
import { checkOpened } from '../shared/check-opened';
import { configError, errorMessage } from '../../errors';
import { MAIL_SOURCE, messageRecord, startsWithHeader } from '../mail/message-record';
import { maxMessageBytes, maxMessageSetting, sizeText } from '../mail/settings';
import { count, isSinglePlainFile } from '../mail/tree-files';
import { readHead } from '../shared/read-head';
import { unwrapEml } from './unwrap';

interface EmlListing {
  files: TreeEntry[];
  skipped: string[];
  single: boolean;
}

async function listEml(location: string, tree: ExportTree): Promise<EmlListing> {
  if (await isSinglePlainFile(location)) return { files: [...tree.entries], skipped: [], single: true };
  const isEml = (e: TreeEntry) => /\.eml$/i.test(e.path);
  return { files: tree.entries.filter(isEml), skipped: tree.entries.filter((e) => !isEml(e)).map((e) => e.path), single: false };
}

function check(settings: SourceSettings): Promise<CheckResult> {
  return checkOpened(() => openExportTree(settings.path), (tree: ExportTree) => tree.close(), async (tree: ExportTree) => {
    const { files, skipped, single } = await listEml(settings.path, tree);
    if (!files.length) return { ok: false, message: `${settings.path}: no .eml files${skipped.length ? ` (${count(skipped.length, 'other file')})` : ''}` };
    if (single) {
      const head = unwrapEml(await readHead(tree, files[0]!.path, 4096)).message;
      if (!head.length) return { ok: false, message: `${settings.path}: empty file` };
      if (!startsWithHeader(head)) return { ok: false, message: `${settings.path}: not an email message (no header block)` };
    }
    const bytes = files.reduce((n, f) => n + f.size, 0);
    const other = skipped.length ? `; ${count(skipped.length, 'other file')} will be skipped` : '';
    return { ok: true, message: `${count(files.length, '.eml file')} (${sizeText(bytes)})${other}` };
  });
}

async function* read(settings: SourceSettings, ctx: ReadContext): AsyncGenerator<SourceRecord> {
  const max = maxMessageBytes(settings);
  const tree = await openExportTree(settings.path);
  try {
    const { files, skipped } = await listEml(settings.path, tree);
    for (const p of tree.problems) ctx.notice?.(p);
    for (const s of skipped) ctx.notice?.(`${tree.describe(s)}: skipped, not an .eml file`);
    if (!files.length) throw configError(`${settings.path}: no .eml files found`);
    const total = files.reduce((n, f) => n + f.size, 0) || 1;
    let done = 0;
    for (const f of files) {
      if (ctx.signal?.aborted) return;
      const origin = { file: tree.describe(f.path) };
      if (f.size > max) {
        yield { bad: true, origin, reason: `message is ${sizeText(f.size)}, over the ${sizeText(max)} limit for one message (setting maxMessageMB); not read` };
      } else {
        let raw: Buffer | undefined;
        try {
          raw = await tree.readBuffer(f.path);
        } catch (err) {
          yield { bad: true, origin, reason: `cannot be read: ${errorMessage(err)}` };
        }
        if (raw) {
          const { message, envelope } = unwrapEml(raw);
          yield await messageRecord(message, origin, { noun: 'file', ...(envelope !== undefined ? { meta: { 'Mbox-Envelope': envelope } } : {}) });
        }
      }
      done += f.size;
      ctx.progress?.(done / total);
    }
  } finally {
    await tree.close();
  }
}

export const emlSource: Source = {
  spec: {
    kind: 'eml', title: 'EML files', platform: MAIL_SOURCE,
    description: 'Email messages saved as .eml files (one file, a folder or a ZIP of them), imported unchanged.',
    settings: [maxMessageSetting],
  },
  check,
  read,
};
