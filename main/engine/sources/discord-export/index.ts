/**
 * DiscordChatExporter JSON exports: one channel per `.json` file (`guild`, `channel`, `messages[]`),
 * the file itself, a folder of them (with the `…_Files`/media folders DCE writes beside them), or a
 * ZIP of that folder.
 *
 * Per file, two streaming passes: the first gathers the channel's people (DCE writes no member
 * list), the second emits one item per message with every other participant as TO. Files are read in
 * path order and messages in file order (DCE writes them oldest first).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { configError } from '../../errors';
import type { SourceRecord } from '../../item';
import { type ExportTree, isZipFile, openExportTree } from '../shared/export-tree';
import type { CheckResult, ReadContext, Source, SourceSettings } from '../types';
import { type ChannelInfo, PATHS, channelTitle, looksLikeDiscord, scanChannel } from './channel';
import { ExportFiles } from '../shared/export-files';
import { brokenOffRecord, jsonValues } from '../shared/json-values';
import { checkOpened } from '../shared/check-opened';
import { SOURCE, channelContext, messageRecord } from './message';
import { byteProgress } from '../shared/progress';

interface Opened {
  tree: ExportTree;
  files: ExportFiles;
  jsons: string[];
}

async function openExport(location: unknown): Promise<Opened> {
  if (!location || typeof location !== 'string') throw configError('discord-export needs a path: a DiscordChatExporter .json file, a folder of them, or a ZIP');
  const stat = await fs.stat(location).catch(() => undefined);
  if (!stat) throw configError(`${location}: no such file or folder`);
  const tree = await openExportTree(location);
  if (stat.isFile() && !(await isZipFile(location))) {
    // The JSON itself: the media it names are looked up beside it, on demand.
    return { tree, files: new ExportFiles(tree, location, path.dirname(location)), jsons: [tree.entries[0]!.path] };
  }
  const jsons = tree.entries.filter((e) => e.path.toLowerCase().endsWith('.json')).map((e) => e.path);
  if (!jsons.length) {
    await tree.close();
    const html = tree.entries.some((e) => /\.html?$/i.test(e.path));
    throw configError(html
      ? `${location}: holds HTML exports; export again from DiscordChatExporter with the format JSON`
      : `${location}: no .json file in it (DiscordChatExporter writes one per channel)`);
  }
  return { tree, files: new ExportFiles(tree, location), jsons };
}

const count = (n: number) => n.toLocaleString('en-US');
const notDiscord = (file: string) => `${file}: not a DiscordChatExporter JSON export (no channel and messages)`;

async function* readExport(location: string, ctx: ReadContext): AsyncGenerator<SourceRecord> {
  const opened = await openExport(location);
  const { tree, files } = opened;
  try {
    const onBytes = byteProgress(tree, opened.jsons, ctx, 2);
    for (const entry of opened.jsons) {
      const file = tree.describe(entry);
      const info = await scanChannel(tree, entry, { onBytes, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      if (ctx.signal?.aborted) return;
      if (!looksLikeDiscord(info)) {
        if (opened.jsons.length === 1) throw configError(info.brokeOff ?? notDiscord(file));
        ctx.notice?.(`${info.brokeOff ?? notDiscord(file)}; skipped`);
        continue;
      }
      const channel = channelContext(info, files, file);
      let last: string | undefined;
      let index = 0;
      try {
        for await (const v of jsonValues(tree, entry, PATHS, onBytes)) {
          if (ctx.signal?.aborted) return;
          if (v.path.length === 0) continue;
          const i = typeof v.key === 'number' ? v.key : index;
          index = i + 1;
          if (typeof channel === 'string') {
            const id = (v.value as { id?: unknown } | null)?.id;
            yield { bad: true, origin: { file, position: `messages[${i}]` }, reason: channel, ...(typeof id === 'string' ? { id } : {}) };
            continue;
          }
          const record = await messageRecord(v.value, i, channel);
          last = record.origin.position;
          yield record;
        }
      } catch (err) {
        // Truncated or malformed: everything before the break was yielded; say where it broke off.
        yield brokenOffRecord(err, file, last);
      }
      if (typeof channel !== 'string' && channel.counts.noOffset) {
        ctx.notice?.(`${file}: ${count(channel.counts.noOffset)} message(s) have a timestamp without a UTC offset; they were read as UTC`);
      }
    }
  } finally {
    await files.close();
  }
}

/** check() reads at most this many messages per file: enough to tell what the file is. */
const CHECK_MESSAGES = 100_000;

function checkExport(settings: SourceSettings): Promise<CheckResult> {
  return checkOpened(() => openExport(settings.path), (opened) => opened.files.close(), async (opened: Opened) => {
    const channels: ChannelInfo[] = [];
    const problems: string[] = [];
    let partial = false;
    for (const entry of opened.jsons) {
      const info = await scanChannel(opened.tree, entry, { maxMessages: CHECK_MESSAGES });
      if (!looksLikeDiscord(info)) {
        problems.push(info.brokeOff ?? notDiscord(opened.tree.describe(entry)));
        continue;
      }
      partial ||= info.messages >= CHECK_MESSAGES;
      if (info.brokeOff) problems.push(`${info.brokeOff}; the messages after it cannot be read`);
      if (!info.channel?.id) problems.push(`${opened.tree.describe(entry)}: no channel id, its messages cannot be imported`);
      channels.push(info);
    }
    if (!channels.length) return { ok: false, message: problems.join('; ') || 'no DiscordChatExporter channel found' };
    const messages = channels.reduce((t, c) => t + c.messages, 0);
    const names = channels.map(channelTitle);
    const listed = names.length > 4 ? `${names.slice(0, 4).join(', ')}, …` : names.join(', ');
    const summary = `${count(channels.length)} channel${channels.length === 1 ? '' : 's'}, ${count(messages)}${partial ? '+' : ''} message${messages === 1 ? '' : 's'} (${listed})`;
    return { ok: channels.some((c) => c.channel?.id), message: problems.length ? `${summary}; ${problems.join('; ')}` : summary };
  });
}

export const discordExportSource: Source = {
  spec: {
    kind: 'discord-export',
    title: 'Discord (DiscordChatExporter JSON)',
    platform: SOURCE,
    description: 'Channels and direct messages exported by DiscordChatExporter as JSON: one .json file per channel, a folder of them (with their media), or a ZIP. Messages, replies, calls, system messages, reactions and attachments.',
    settings: [],
  },
  check: checkExport,
  async *read(settings, ctx) {
    yield* readExport(settings.path, ctx);
  },
};
