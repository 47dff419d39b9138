/**
 * Microsoft Teams exports of Graph `chatMessage` objects: `teams/<teamId>/messages_<teamId>.json`
 * (channel messages of a team), `users/<userId>/messages_<userId>.json` (that user's chats) and
 * `users/usersList.json` (names and email addresses), as a folder, a ZIP, or one messages file (its
 * usersList.json is then looked for in the folders above it).
 *
 * Per file, two streaming passes: the first gathers each conversation's people (the export has no
 * member lists; a per-user file adds its user to every chat), the second emits the items.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FerryError, configError, errorMessage } from '../../errors';
import type { Identity, SourceRecord } from '../../item';
import { type ExportTree, isZipFile, openExportTree } from '../shared/export-tree';
import type { CheckResult, ReadContext, Source, SourceSettings } from '../types';
import { brokenOffRecord, jsonValues } from '../shared/json-values';
import { checkOpened } from '../shared/check-opened';
import { camelKeys, rec } from './graph-keys';
import { type FileContext, SOURCE, conversationOf, messageRecord, peopleOf } from './message';
import { type Users, readUsers, userIdentity } from './users';
import { byteProgress } from '../shared/progress';

const MESSAGES = /^messages_[^/]*\.json$/i;
const USERS = /^userslist\.json$/i;

interface Opened {
  tree: ExportTree;
  messages: string[];
  users: Users;
}

/** usersList.json beside a chosen messages file or in the folders above it (`users/<id>/messages_<id>.json`). */
async function usersAbove(file: string): Promise<string | undefined> {
  let dir = path.dirname(file);
  for (let i = 0; i < 3; i++) {
    const candidate = path.join(dir, 'usersList.json');
    if ((await fs.stat(candidate).catch(() => undefined))?.isFile()) return candidate;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

async function openExport(location: unknown): Promise<Opened> {
  if (!location || typeof location !== 'string') throw configError('teams-export needs a path: a messages_<id>.json file, the export folder, or a ZIP of it');
  const stat = await fs.stat(location).catch(() => undefined);
  if (!stat) throw configError(`${location}: no such file or folder`);
  const tree = await openExportTree(location);
  try {
    if (stat.isFile() && !(await isZipFile(location))) {
      const usersFile = await usersAbove(location);
      const users: Users = new Map();
      if (usersFile) {
        const ut = await openExportTree(usersFile);
        try { await readUsers(ut, [ut.entries[0]!.path], users); } finally { await ut.close(); }
      }
      return { tree, messages: [tree.entries[0]!.path], users };
    }
    const messages = tree.entries.filter((e) => MESSAGES.test(path.posix.basename(e.path))).map((e) => e.path);
    if (!messages.length) throw configError(`${location}: no messages_<id>.json in it (not a Microsoft Teams message export)`);
    const users = await readUsers(tree, tree.entries.filter((e) => USERS.test(path.posix.basename(e.path))).map((e) => e.path));
    return { tree, messages, users };
  } catch (err) {
    await tree.close();
    throw err;
  }
}

/** `users/<id>/messages_<id>.json`: the chats of user <id>, who is in every one of them. */
function folderUser(entry: string, location: string): string | undefined {
  const full = `${location.split(path.sep).join('/')}/${entry}`;
  const m = /(?:^|\/)users\/([^/]+)\/messages_([^/]+)\.json$/i.exec(full);
  return m && m[1]!.toLowerCase() === m[2]!.toLowerCase() ? m[1] : undefined;
}

const count = (n: number) => n.toLocaleString('en-US');

interface Scan {
  messages: number;
  people: Map<string, Identity[]>;
  names: Map<string, string>;
  brokeOff?: string;
}

async function scanFile(tree: ExportTree, entry: string, users: Users, owner: string | undefined, onBytes?: (n: number) => void): Promise<Scan> {
  const scan: Scan = { messages: 0, people: new Map(), names: new Map() };
  const seen = new Map<string, Set<string>>();
  const add = (conv: string, p: Identity) => {
    let s = seen.get(conv);
    if (!s) { s = new Set(); seen.set(conv, s); scan.people.set(conv, []); }
    const list = scan.people.get(conv)!;
    if (s.has(p.id.toLowerCase())) {
      // A system event names its initiator without a display name; a message elsewhere may have it.
      const i = list.findIndex((x) => x.id.toLowerCase() === p.id.toLowerCase());
      if (i >= 0 && !list[i]!.name && p.name) list[i] = p;
      return;
    }
    s.add(p.id.toLowerCase());
    list.push(p);
  };
  try {
    for await (const v of jsonValues(tree, entry, ['$.*'], onBytes)) {
      scan.messages++;
      const m = rec(camelKeys(v.value));
      const conv = m && conversationOf(m);
      if (!m || !conv) continue;
      for (const p of peopleOf(m, users)) add(conv.id, p);
      if (owner) add(conv.id, userIdentity(users, owner));
    }
  } catch (err) {
    if (!(err instanceof FerryError) || err.errorClass !== 'data') throw err;
    scan.brokeOff = errorMessage(err);
  }
  // Chats are named by their people; channels keep "Teams channel" (the export does not name them).
  for (const [conv, people] of scan.people) {
    if (!conv.includes('@thread.tacv2') && !conv.includes('@thread.skype')) {
      scan.names.set(conv, `Teams chat: ${people.map((p) => p.name ?? p.id).join(', ')}`);
    }
  }
  return scan;
}

async function* readExport(location: string, ctx: ReadContext): AsyncGenerator<SourceRecord> {
  const opened = await openExport(location);
  const { tree, users } = opened;
  try {
    const onBytes = byteProgress(tree, opened.messages, ctx, 2);
    if (!users.size) ctx.notice?.(`${location}: no usersList.json found; people are known by their Teams ids and display names only, without email addresses`);
    for (const entry of opened.messages) {
      const file = tree.describe(entry);
      const scan = await scanFile(tree, entry, users, folderUser(entry, tree.isZip ? '' : tree.location), onBytes);
      if (ctx.signal?.aborted) return;
      const f: FileContext = { file, users, people: scan.people, names: scan.names, counts: { noOffset: 0 } };
      let last: string | undefined;
      try {
        for await (const v of jsonValues(tree, entry, ['$.*'], onBytes)) {
          if (ctx.signal?.aborted) return;
          const index = typeof v.key === 'number' ? v.key : 0;
          const m = rec(camelKeys(v.value));
          if (!m) {
            yield { bad: true, origin: { file, position: `messages[${index}]` }, reason: `message is ${Array.isArray(v.value) ? 'an array' : typeof v.value}, not an object` };
            continue;
          }
          const record = messageRecord(m, index, f);
          last = record.origin.position;
          yield record;
        }
      } catch (err) {
        // Truncated or malformed: everything before the break was yielded; say where it broke off.
        yield brokenOffRecord(err, file, last);
      }
      if (f.counts.noOffset) ctx.notice?.(`${file}: ${count(f.counts.noOffset)} message(s) have a createdDateTime without an offset; read as UTC`);
    }
  } finally {
    await tree.close();
  }
}

function checkExport(settings: SourceSettings): Promise<CheckResult> {
  return checkOpened(() => openExport(settings.path), (opened) => opened.tree.close(), async (opened: Opened) => {
    let messages = 0;
    let conversations = 0;
    const problems: string[] = [];
    for (const entry of opened.messages) {
      const scan = await scanFile(opened.tree, entry, opened.users, undefined);
      messages += scan.messages;
      conversations += scan.people.size;
      if (scan.brokeOff) problems.push(`${scan.brokeOff}; the messages after it cannot be read`);
    }
    const summary = `${count(opened.messages.length)} message file${opened.messages.length === 1 ? '' : 's'}, ${count(conversations)} conversation${conversations === 1 ? '' : 's'}, ${count(messages)} message${messages === 1 ? '' : 's'}, ${opened.users.size ? `${count(opened.users.size)} users in usersList.json` : 'no usersList.json'}`;
    return { ok: messages > 0, message: problems.length ? `${summary}; ${problems.join('; ')}` : summary };
  });
}

export const teamsExportSource: Source = {
  spec: {
    kind: 'teams-export',
    title: 'Microsoft Teams export (Graph chatMessage JSON)',
    platform: SOURCE,
    description: 'Teams channel and chat messages exported as Microsoft Graph chatMessage JSON (teams/<id>/messages_<id>.json, users/<id>/messages_<id>.json, users/usersList.json): a file, the export folder, or a ZIP. Messages, replies, system events, mentions, reactions and linked files.',
    settings: [],
  },
  check: checkExport,
  async *read(settings, ctx) {
    yield* readExport(settings.path, ctx);
  },
};
