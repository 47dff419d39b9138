/**
 * Slack workspace export (Slack's "Export data" ZIP or its folder, and slackdump's export layout):
 * users.json, the conversation lists (channels.json, groups.json, dms.json, mpims.json) and one
 * folder per conversation of `YYYY-MM-DD.json` day files, read in place and streamed one day file at
 * a time, conversations in folder-name order, days in date order. Events: see `message.ts`.
 */
import type { SourceRecord } from '../../item';
import type { CheckResult, ReadContext, Source, SourceSettings } from '../types';
import { configError } from '../../errors';
import { type ExportTree, openExportTree } from '../shared/export-tree';
import { checkOpened } from '../shared/check-opened';
import { type ConversationFolder, type SlackLayout, findLayout } from './layout';
import { type ConversationInfo, type Workspace, loadWorkspace } from './workspace';
import { readArrayFile } from './array-file';
import { FileLocator } from './files';
import { type ConversationContext, SOURCE, messageRecord } from './message';

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

async function openExport(location: string): Promise<{ tree: ExportTree; layout: SlackLayout }> {
  const tree = await openExportTree(location);
  const layout = findLayout(tree);
  if (!layout) {
    await tree.close();
    throw configError(`${location}: not a Slack workspace export (no users.json or channels.json found)`);
  }
  return { tree, layout };
}

function noDayFiles(location: string): string {
  return `${location}: this Slack export has no conversation folders (no <channel>/YYYY-MM-DD.json day files)`;
}

/** Users who wrote in a conversation, for one whose members are not listed: a pass over just the `user` fields. */
async function participants(tree: ExportTree, folder: ConversationFolder): Promise<string[]> {
  const seen = new Set<string>();
  for (const day of folder.days) {
    for await (const e of readArrayFile(tree, day.path, 'messages', '$.*.user')) {
      if (e.kind === 'element' && typeof e.value === 'string' && e.value) seen.add(e.value);
    }
  }
  return [...seen];
}

function unlistedTitle(folder: string): string {
  if (/^D[A-Z0-9]{6,}$/.test(folder)) return `Direct message ${folder}`;
  if (folder.startsWith('mpdm-')) return `Group DM ${folder}`;
  return `#${folder}`;
}

async function conversationOf(tree: ExportTree, ws: Workspace, folder: ConversationFolder, notice: (m: string) => void): Promise<ConversationContext> {
  const info: ConversationInfo | undefined = ws.forFolder(folder.name);
  if (!info) notice(`${tree.describe(folder.dir)}: not listed in channels.json, groups.json, dms.json or mpims.json; read as conversation "${folder.name}"`);
  let audience = info?.members ?? [];
  if (!audience.length) audience = await participants(tree, folder);
  return { id: info?.id ?? folder.name, title: info ? ws.title(info) : unlistedTitle(folder.name), dir: folder.dir, audience };
}

function summary(ws: Workspace, layout: SlackLayout): string {
  const days = layout.folders.reduce((n, f) => n + f.days.length, 0);
  return [
    count(ws.count('channel'), 'channel'), count(ws.count('private'), 'private channel'),
    count(ws.count('dm'), 'DM'), count(ws.count('mpim'), 'group DM'), count(ws.users.size, 'user'),
    `${count(days, 'day file')} in ${count(layout.folders.length, 'conversation folder')}`,
  ].join(', ');
}

function check(settings: SourceSettings): Promise<CheckResult> {
  return checkOpened(() => openExport(settings.path), ({ tree }) => tree.close(), async ({ tree, layout }) => {
    const ws = await loadWorkspace(tree, layout);
    const found = `Slack export: ${summary(ws, layout)}`;
    if (!layout.folders.length) return { ok: false, message: `${noDayFiles(settings.path)}; found ${summary(ws, layout)}` };
    const problems = ws.problems.length ? `; ${count(ws.problems.length, 'problem')}: ${ws.problems[0]!.file} (${ws.problems[0]!.position}): ${ws.problems[0]!.reason}` : '';
    return { ok: true, message: `${found}${problems}` };
  });
}

async function* read(settings: SourceSettings, ctx: ReadContext): AsyncGenerator<SourceRecord> {
  const { tree, layout } = await openExport(settings.path);
  const notice = (m: string) => ctx.notice?.(m);
  try {
    for (const p of tree.problems) notice(p);
    for (const s of layout.skipped) notice(`${tree.describe(s)}: skipped, not a day file (YYYY-MM-DD.json)`);
    if (!layout.folders.length) throw configError(noDayFiles(settings.path));
    if (!layout.lists['users.json']) notice(`${tree.describe(`${layout.root}users.json`)} is missing: people appear by user id, without names or email addresses`);
    const ws = await loadWorkspace(tree, layout);
    for (const p of ws.problems) yield { bad: true, origin: { file: p.file, position: p.position }, reason: p.reason };
    const files = new FileLocator(tree, layout.root);
    const total = layout.folders.reduce((n, f) => n + f.days.reduce((m, d) => m + d.size, 0), 0) || 1;
    let done = 0;
    for (const folder of layout.folders) {
      if (ctx.signal?.aborted) return;
      const conv = await conversationOf(tree, ws, folder, notice);
      for (const day of folder.days) {
        if (ctx.signal?.aborted) return;
        const file = tree.describe(day.path);
        for await (const e of readArrayFile(tree, day.path, 'messages')) {
          if (e.kind === 'bad') yield { bad: true, origin: { file, position: e.position }, reason: e.reason };
          else yield messageRecord(e.value, { ws, conv, files, origin: { file, position: `message ${e.index}` } });
        }
        done += day.size;
        ctx.progress?.(done / total);
      }
    }
  } finally {
    await tree.close();
  }
}

export const slackExportSource: Source = {
  spec: {
    kind: 'slack-export',
    title: 'Slack workspace export',
    platform: SOURCE,
    description: 'A Slack workspace export (the ZIP from "Export data", or its folder; slackdump exports too): public and private channels, direct and group messages, threads, edits, reactions, bot and system messages, and shared files when the export holds them.',
    settings: [],
  },
  check,
  read,
};
