/**
 * The workspace around the messages: users (id → names and email, for FROM/TO and automatic
 * mapping) and the conversation lists (channels.json public, groups.json private, dms.json,
 * mpims.json, each with `members`). Only the fields Ferry uses are kept, so a large users.json
 * streams into a compact map.
 */
import type { Identity } from '../../item';
import type { ExportTree } from '../shared/export-tree';
import { looksLikeEmail } from '../../convert/addresses';
import type { ListFile, SlackLayout } from './layout';
import { readArrayFile } from './array-file';

export const PLATFORM = 'slack';

export interface SlackUser {
  id: string;
  /** The handle (`name`). */
  handle?: string;
  realName?: string;
  email?: string;
  isBot: boolean;
}

export type ConversationKind = 'channel' | 'private' | 'dm' | 'mpim';

export interface ConversationInfo {
  id: string;
  name?: string;
  kind: ConversationKind;
  members: string[];
}

export interface WorkspaceProblem {
  file: string;
  position: string;
  reason: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

const KIND_OF: Record<Exclude<ListFile, 'users.json'>, ConversationKind> = {
  'channels.json': 'channel', 'groups.json': 'private', 'dms.json': 'dm', 'mpims.json': 'mpim',
};

function userFrom(v: Obj): SlackUser | undefined {
  const id = str(v.id);
  if (!id) return undefined;
  const profile = isObj(v.profile) ? v.profile : {};
  const email = str(profile.email);
  const realName = str(v.real_name) ?? str(profile.real_name) ?? str(profile.display_name);
  const handle = str(v.name);
  return { id, isBot: v.is_bot === true, ...(handle ? { handle } : {}), ...(realName ? { realName } : {}),
    ...(looksLikeEmail(email) ? { email } : {}) };
}

export class Workspace {
  readonly users = new Map<string, SlackUser>();
  /** Bot ids (`B…`) of bot users, to name the bot of a message that has only `bot_id`. */
  readonly botNames = new Map<string, string>();
  readonly conversations: ConversationInfo[] = [];
  readonly problems: WorkspaceProblem[] = [];
  private readonly byKey = new Map<string, ConversationInfo>();

  /** The conversation a folder holds: folders are named by channel name, or by id (DMs, MPIMs). */
  forFolder(folder: string): ConversationInfo | undefined {
    return this.byKey.get(`id:${folder}`) ?? this.byKey.get(`name:${folder}`);
  }

  channelName(id: string): string | undefined {
    return this.byKey.get(`id:${id}`)?.name;
  }

  displayName(userId: string): string | undefined {
    const u = this.users.get(userId);
    return u?.realName ?? u?.handle;
  }

  /** A user id as an identity; `fallbackName` comes from the message (its `user_profile`) when users.json lacks the user. */
  identity(userId: string, fallbackName?: string): Identity {
    const u = this.users.get(userId);
    const name = u?.realName ?? u?.handle ?? fallbackName;
    return { id: userId, kind: 'user-id', platform: PLATFORM, ...(name ? { name } : {}), ...(u?.email ? { email: u.email } : {}) };
  }

  /** How the conversation is shown: `#general`, `Direct message: Ann Lee, Bob Stone`. */
  title(c: ConversationInfo): string {
    if ((c.kind === 'channel' || c.kind === 'private') && c.name) return `#${c.name}`;
    const people = c.members.map((m) => this.displayName(m) ?? m).join(', ');
    if (c.kind === 'dm') return people ? `Direct message: ${people}` : `Direct message ${c.id}`;
    if (c.kind === 'mpim') return people ? `Group DM: ${people}` : `Group DM ${c.name ?? c.id}`;
    return c.name ? `#${c.name}` : c.id;
  }

  add(c: ConversationInfo): void {
    this.conversations.push(c);
    if (!this.byKey.has(`id:${c.id}`)) this.byKey.set(`id:${c.id}`, c);
    if (c.name && !this.byKey.has(`name:${c.name}`)) this.byKey.set(`name:${c.name}`, c);
  }

  count(kind: ConversationKind): number {
    return this.conversations.filter((c) => c.kind === kind).length;
  }
}

export async function loadWorkspace(tree: ExportTree, layout: SlackLayout): Promise<Workspace> {
  const ws = new Workspace();
  const each = async (file: ListFile, what: string, take: (v: Obj) => boolean) => {
    const entry = layout.lists[file];
    if (!entry) return;
    for await (const e of readArrayFile(tree, entry, what)) {
      if (e.kind === 'bad') { ws.problems.push({ file: tree.describe(entry), position: e.position, reason: e.reason }); continue; }
      if (!isObj(e.value) || !take(e.value)) {
        ws.problems.push({ file: tree.describe(entry), position: `${what} ${e.index}`, reason: `entry ${e.index} has no "id"; left out` });
      }
    }
  };
  await each('users.json', 'users', (v) => {
    const u = userFrom(v);
    if (u) ws.users.set(u.id, u);
    const botId = isObj(v.profile) ? str(v.profile.bot_id) : undefined;
    if (u && botId) ws.botNames.set(botId, u.realName ?? u.handle ?? u.id);
    return !!u;
  });
  for (const file of ['channels.json', 'groups.json', 'dms.json', 'mpims.json'] as const) {
    await each(file, 'conversations', (v) => {
      const id = str(v.id);
      if (!id) return false;
      const members = Array.isArray(v.members) ? v.members.filter((m): m is string => typeof m === 'string') : [];
      // A DM lists its two people in `members`; older exports name the other person in `user`.
      if (!members.length && KIND_OF[file] === 'dm' && str(v.user)) members.push(str(v.user)!);
      const name = str(v.name);
      ws.add({ id, kind: KIND_OF[file], members, ...(name ? { name } : {}) });
      return true;
    });
  }
  return ws;
}
