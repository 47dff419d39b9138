/**
 * Twitter/X "Download your archive" export (the ZIP, or its folder, or its `data/` folder): the
 * owner's tweets (with media from `tweets_media/`), one-to-one and group direct messages (with their
 * media). Read in place and streamed, file by file, in a fixed order: tweets, community tweets,
 * deleted tweets, DMs, group DMs.
 */
import type { SourceRecord } from '../../item';
import type { CheckResult, ReadContext, Source, SourceSettings } from '../types';
import { configError, errorMessage } from '../../errors';
import { type ExportTree, openExportTree } from '../shared/export-tree';
import { checkOpened } from '../shared/check-opened';
import { byteProgress } from '../shared/progress';
import { type ArchiveLayout, findLayout, notAnArchiveReason, shortName } from './layout';
import { type Owner, describeOwner, ownerFromSetting, readAccount } from './account';
import { SOURCE, tweetRecord } from './tweets';
import { type ConversationFacts, type GroupScan, readDmFile, scanGroupFile } from './direct-messages';
import { readYtdFile } from './ytd-file';
import { str } from './text';

async function resolveOwner(tree: ExportTree, layout: ArchiveLayout, settings: SourceSettings): Promise<Owner | undefined> {
  const handle = str(settings.account);
  const accountId = str(settings.accountId);
  if (layout.account) {
    try {
      return await readAccount(tree, layout.account);
    } catch (err) {
      if (handle) return ownerFromSetting(handle, accountId);
      throw configError(`${errorMessage(err)}; the archive's owner is unknown: fix account.js or set the account handle (setting "account")`, err);
    }
  }
  if (handle) return ownerFromSetting(handle, accountId);
  if (layout.tweetFiles.length) {
    throw configError(`${tree.describe(`${layout.dataDir}account.js`)} is missing, so the author of the tweets is unknown: `
      + 'set the account handle (setting "account") or choose the whole archive');
  }
  return undefined; // DMs alone: the owner is just one more user id
}

/** Opens the export and finds its layout; throws a config error naming what is wrong. */
async function openArchive(settings: SourceSettings): Promise<{ tree: ExportTree; layout: ArchiveLayout }> {
  const tree = await openExportTree(settings.path);
  try {
    const layout = findLayout(tree);
    if (!layout) throw configError(await notAnArchiveReason(tree));
    return { tree, layout };
  } catch (err) {
    await tree.close();
    throw err;
  }
}

export const twitterArchiveSource: Source = {
  spec: {
    kind: 'twitter-archive',
    title: 'Twitter/X archive',
    platform: SOURCE,
    description: 'The "Download an archive of your data" export of an X (Twitter) account: tweets, replies, retweets, quotes, their media, and direct messages (one-to-one and group).',
    settings: [
      { key: 'account', label: 'Account handle', type: 'string',
        help: 'Only for an archive without data/account.js: the @handle of the account whose archive it is (the author of its tweets).' },
      { key: 'accountId', label: 'Account user id', type: 'string',
        help: 'Only for an archive without data/account.js: the numeric user id of that account, so its direct messages show the handle.' },
    ],
  },

  check(settings): Promise<CheckResult> {
    return checkOpened(() => openArchive(settings), ({ tree }) => tree.close(), async ({ tree, layout }) => {
      const owner = await resolveOwner(tree, layout, settings);
      const files = [...layout.tweetFiles, ...layout.dmFiles].map((f) => shortName(f.path));
      const media = [...layout.tweetMedia.values(), ...layout.dmMedia.values()].reduce((n, l) => n + l.length, 0);
      const parts = [
        owner ? `account ${describeOwner(owner)}` : 'no account.js (direct messages only)',
        ...(files.length ? files : ['no tweets or direct messages']),
        ...(media ? [`${media.toLocaleString('en-US')} media file${media === 1 ? '' : 's'}`] : []),
      ];
      const warnings = [...tree.problems.length ? [`${tree.problems.length} unsafe ZIP entr${tree.problems.length === 1 ? 'y' : 'ies'} refused`] : []];
      return { ok: true, message: parts.join(', ') + (warnings.length ? `; ${warnings.join('; ')}` : '') };
    });
  },

  async *read(settings, ctx: ReadContext): AsyncGenerator<SourceRecord> {
    const { tree, layout } = await openArchive(settings);
    try {
      for (const p of tree.problems) ctx.notice?.(p);
      const owner = await resolveOwner(tree, layout, settings);
      if (layout.otherDataDirs.length) ctx.notice?.(`${tree.location}: archive files also found in ${layout.otherDataDirs.join(', ')}; only ${layout.dataDir || 'the top level'} is read`);
      for (const n of layout.notImported) ctx.notice?.(`${tree.describe(layout.dataDir)}: not imported: ${n}`);

      // Progress: bytes through the parser over all the bytes to parse (group files are read twice, so listed twice).
      const parsed = [...layout.tweetFiles, ...layout.dmFiles, ...layout.dmFiles.filter((f) => f.group)].map((f) => f.path);
      const onBytes = byteProgress(tree, parsed, ctx);
      const usedMedia = new Set<string>();

      for (const file of owner ? layout.tweetFiles : []) {
        const where = tree.describe(file.path);
        // resolveOwner refuses tweets without an owner, so owner is set here.
        const tctx = { tree, owner: owner!, file: where, fileName: shortName(file.path), kind: file.kind, media: layout.tweetMedia, usedMedia };
        let last = -1;
        for await (const ev of readYtdFile(tree, file.path, ['$.*'], onBytes)) {
          if (ctx.signal?.aborted) return;
          if ('broken' in ev) {
            yield { bad: true, origin: { file: where, position: last < 0 ? 'start' : `after element ${last}` },
              reason: `${shortName(file.path)} breaks off ${last < 0 ? 'before its first complete tweet' : `after element ${last} (the last complete tweet)`}: ${ev.broken}` };
            break;
          }
          last = Number(ev.value.key);
          yield tweetRecord(ev.value.value, last, tctx);
        }
      }

      const facts = new Map<string, ConversationFacts>();
      const scans = new Map<number, GroupScan>();
      for (const [i, file] of layout.dmFiles.entries()) {
        if (file.group) scans.set(i, await scanGroupFile(tree, file, i, facts, onBytes));
      }
      const dctx = { tree, ...(owner ? { owner } : {}), media: layout.dmMedia, usedMedia, onBytes };
      for (const [i, file] of layout.dmFiles.entries()) {
        for await (const r of readDmFile(file, i, dctx, facts, scans.get(i))) {
          if (ctx.signal?.aborted) return;
          yield r;
        }
      }

      // Media files that no tweet or message claimed: said, never dropped silently.
      const orphans = [...layout.tweetMedia.values(), ...layout.dmMedia.values()].flat().filter((e) => !usedMedia.has(e.path));
      if (orphans.length) {
        ctx.notice?.(`${orphans.length} media file${orphans.length === 1 ? '' : 's'} in the archive belong${orphans.length === 1 ? 's' : ''} to no tweet or message in it and ${orphans.length === 1 ? 'was' : 'were'} not imported: `
          + `${orphans.slice(0, 10).map((e) => e.path).join(', ')}${orphans.length > 10 ? ', …' : ''}`);
      }
      ctx.progress?.(1);
    } finally {
      await tree.close();
    }
  },
};
