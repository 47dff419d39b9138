/**
 * Google Takeout "Google Chat": each group (a DM or a Space) is a folder with messages.json,
 * group_info.json (name, members) and the attached files. messages.json is streamed (`$.messages.*`):
 * memory holds one message and the topic ids of one group.
 */
import { Transform } from 'node:stream';
import { FerryError, configError, errorMessage } from '../../errors';
import type { Identity, SourceRecord } from '../../item';
import type { ExportTree } from '../shared/export-tree';
import { checkOpened } from '../shared/check-opened';
import { streamJson } from '../shared/json-stream';
import type { CheckResult, ReadContext, Source, SourceSettings } from '../types';
import { type Group, type OpenedChat, openChat } from './locate';
import { type GroupContext, SOURCE, messageRecord } from './message';
import { PLATFORM, addPerson, isObj, personOf, str } from './people';
import { byteProgress } from '../shared/progress';

interface GroupInfo {
  name?: string;
  members: Identity[];
  problem?: string;
}

async function readGroupInfo(tree: ExportTree, g: Group): Promise<GroupInfo> {
  const entry = g.dir ? `${g.dir}/group_info.json` : 'group_info.json';
  if (!tree.get(entry)) return { members: [] };
  let doc: unknown;
  try {
    doc = JSON.parse((await tree.readText(entry)).replace(/^\uFEFF/, ''));
  } catch (err) {
    return { members: [], problem: `${tree.describe(entry)}: not readable JSON (${errorMessage(err)}); the members are taken from the senders` };
  }
  const members: Identity[] = [];
  const seen = new Set<string>();
  if (isObj(doc) && Array.isArray(doc.members)) for (const m of doc.members) addPerson(members, seen, personOf(m));
  const name = isObj(doc) ? str(doc.name) : undefined;
  return { ...(name ? { name } : {}), members };
}

function messagesOf(tree: ExportTree, g: Group, onBytes?: (n: number) => void) {
  return (async function* () {
    const raw = await tree.open(g.messages);
    const input = onBytes ? raw.pipe(new Transform({ transform(c: Buffer, _e, done) { onBytes(c.length); done(null, c); } })) : raw;
    if (input !== raw) raw.once('error', (err) => input.destroy(err));
    yield* streamJson(input, { paths: ['$.messages.*'], describe: tree.describe(g.messages) });
  })();
}

/** Senders of a group with no member list: a first pass over its messages. */
async function senders(tree: ExportTree, g: Group): Promise<Identity[]> {
  const out: Identity[] = [];
  const seen = new Set<string>();
  try {
    for await (const v of messagesOf(tree, g)) addPerson(out, seen, isObj(v.value) ? personOf(v.value.creator) : undefined);
  } catch (err) {
    if (!(err instanceof FerryError) || err.errorClass !== 'data') throw err;
    // The second pass reports the break; the senders before it are what we have.
  }
  return out;
}

function groupName(g: Group, info: GroupInfo, owners: Identity[]): string {
  if (info.name) return info.name;
  const others = info.members.filter((m) => !owners.some((o) => o.id === m.id));
  const names = (others.length ? others : info.members).map((m) => m.name ?? m.id);
  if (g.kind === 'DM' && names.length) return `DM with ${names.join(', ')}`;
  return names.length ? names.join(', ') : g.folder;
}

async function* readChat(location: string, ctx: ReadContext): AsyncGenerator<SourceRecord> {
  const opened = await openChat(location);
  const { tree, groups, owners } = opened;
  for (const p of opened.problems) ctx.notice?.(p);
  try {
    const onBytes = byteProgress(tree, groups.map((g) => g.messages), ctx);
    for (const g of groups) {
      if (ctx.signal?.aborted) return;
      const file = tree.describe(g.messages);
      const info = await readGroupInfo(tree, g);
      if (info.problem) ctx.notice?.(info.problem);
      const members: Identity[] = [];
      const seen = new Set<string>();
      for (const m of info.members.length ? info.members : await senders(tree, g)) addPerson(members, seen, m);
      // The account that exported was in every group it exported.
      for (const o of owners) addPerson(members, seen, o);
      const name = groupName(g, { ...info, members }, owners);
      const self: Identity = { id: `${g.kind === 'DM' ? 'dm' : 'spaces'}/${g.id}`, kind: 'user-id', platform: PLATFORM, name };
      const gc: GroupContext = { group: g, tree, file, name, members, self, topics: new Map() };
      let index = 0;
      let last: string | undefined;
      try {
        for await (const v of messagesOf(tree, g, onBytes)) {
          if (ctx.signal?.aborted) return;
          const r = messageRecord(v.value, index++, gc);
          last = r.origin.position;
          yield r;
        }
      } catch (err) {
        if (!(err instanceof FerryError) || err.errorClass !== 'data') throw err;
        const at = /byte (\d+)/.exec(err.message)?.[1];
        yield {
          bad: true, origin: { file, ...(at ? { position: `byte ${at}` } : {}) },
          reason: `${errorMessage(err)}; ${last ? `every message up to ${last} was read` : 'no message could be read'}, anything after it could not be`,
        };
      }
    }
  } finally {
    await tree.close();
  }
}

/** check() reads group_info.json files and counts messages in at most this much JSON. */
const CHECK_BYTES = 64 * 1024 * 1024;

function check(settings: SourceSettings): Promise<CheckResult> {
  return checkOpened(() => openChat(settings.path), (opened: OpenedChat) => opened.tree.close(), async (opened: OpenedChat) => {
    const { tree, groups } = opened;
    let dms = 0;
    let spaces = 0;
    let messages = 0;
    let budget = CHECK_BYTES;
    let partial = false;
    const problems = [...opened.problems];
    for (const g of groups) {
      if (g.kind === 'DM') dms++; else spaces++;
      const size = tree.get(g.messages)?.size ?? 0;
      if (size > budget) { partial = true; continue; }
      budget -= size;
      try {
        for await (const _ of messagesOf(tree, g)) messages++;
      } catch (err) {
        problems.push(errorMessage(err));
      }
    }
    const n = (x: number) => x.toLocaleString('en-US');
    const owner = opened.owners.length === 1 ? `account ${opened.owners[0]!.id}, ` : '';
    const summary = `${owner}${n(dms)} direct message${dms === 1 ? '' : 's'}, ${n(spaces)} space${spaces === 1 ? '' : 's'}, ${n(messages)}${partial ? ' or more' : ''} message${messages === 1 ? '' : 's'}`;
    return { ok: true, message: problems.length ? `${summary}; ${problems.join('; ')}` : summary };
  });
}

export const googleChatSource: Source = {
  spec: {
    kind: 'google-chat',
    title: 'Google Chat (Google Takeout)',
    platform: SOURCE,
    description: 'Google Takeout\'s Google Chat export: the Takeout ZIP or folder, its "Google Chat" folder, one DM or Space folder, or a messages.json. Messages, thread replies, reactions, edits and attached files.',
    settings: [],
  },
  check,
  async *read(settings, ctx) {
    if (!settings.path) throw configError('google-chat needs a path');
    yield* readChat(settings.path, ctx);
  },
};
