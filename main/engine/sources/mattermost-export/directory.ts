/**
 * What a first pass over the bulk export learns before any post is turned into an item: users
 * (username → email and name), channels, channel memberships (from each user's
 * `teams[].channels[]`) and, for channels whose members are unknown, the people who posted in them.
 * Only these lists stay in memory; posts are read again, line by line, in the second pass.
 */
import type { Identity } from '../../item';
import { looksLikeEmail } from '../../convert/addresses';

export const PLATFORM = 'mattermost';

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
export const strList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && !!x.trim()) : []);

export interface MattermostUser {
  username: string;
  email?: string;
  name?: string;
}

export interface ChannelInfo {
  team: string;
  name: string;
  displayName?: string;
  /** `O` public, `P` private. */
  type?: string;
}

export const channelKey = (team: string, channel: string) => `${team}/${channel}`;
export const directKey = (members: string[]) => `dm/${[...new Set(members)].sort().join(',')}`;

export class Directory {
  readonly users = new Map<string, MattermostUser>();
  readonly channels = new Map<string, ChannelInfo>();
  /** Team name → display name. */
  readonly teams = new Map<string, string>();
  readonly members = new Map<string, string[]>();
  readonly posters = new Map<string, Set<string>>();
  readonly counts = { teams: 0, channels: 0, users: 0, directChannels: 0, posts: 0, directPosts: 0 };

  identity(username: string): Identity {
    const u = this.users.get(username);
    if (u?.email) return { id: u.email, kind: 'email', platform: PLATFORM, email: u.email, name: u.name ?? username };
    return { id: username, kind: 'user-id', platform: PLATFORM, name: u?.name ?? username };
  }

  displayName(username: string): string {
    return this.users.get(username)?.name ?? username;
  }

  /** Who receives a post in a channel: its members, or else the people seen posting in it. */
  audience(key: string): string[] {
    const m = this.members.get(key);
    return m?.length ? m : [...(this.posters.get(key) ?? [])];
  }

  private addMember(key: string, username: string): void {
    const list = this.members.get(key) ?? [];
    if (!list.includes(username)) list.push(username);
    this.members.set(key, list);
  }

  private addPoster(key: string, username: string | undefined): void {
    if (!username) return;
    const set = this.posters.get(key) ?? new Set<string>();
    set.add(username);
    this.posters.set(key, set);
  }

  /** Takes what the first pass needs from one parsed line. */
  learn(line: Obj): void {
    switch (line.type) {
      case 'team': {
        const t = isObj(line.team) ? line.team : {};
        const name = str(t.name);
        if (!name) break;
        this.counts.teams++;
        this.teams.set(name, str(t.display_name) ?? name);
        break;
      }
      case 'channel': {
        const c = isObj(line.channel) ? line.channel : {};
        const team = str(c.team);
        const name = str(c.name);
        if (!team || !name) break;
        this.counts.channels++;
        const displayName = str(c.display_name);
        const type = str(c.type);
        this.channels.set(channelKey(team, name), { team, name, ...(displayName ? { displayName } : {}), ...(type ? { type } : {}) });
        break;
      }
      case 'user':
      case 'bot': {
        const u = isObj(line.user) ? line.user : isObj(line.bot) ? line.bot : {};
        const username = str(u.username);
        if (!username) break;
        this.counts.users++;
        const email = str(u.email);
        const full = [str(u.first_name), str(u.last_name)].filter(Boolean).join(' ');
        const name = full || str(u.nickname) || str(u.display_name);
        this.users.set(username, { username, ...(looksLikeEmail(email) ? { email } : {}), ...(name ? { name } : {}) });
        for (const t of Array.isArray(u.teams) ? u.teams.filter(isObj) : []) {
          const team = str(t.name);
          if (!team) continue;
          for (const ch of Array.isArray(t.channels) ? t.channels.filter(isObj) : []) {
            const channel = str(ch.name);
            if (channel) this.addMember(channelKey(team, channel), username);
          }
        }
        break;
      }
      case 'direct_channel': {
        const d = isObj(line.direct_channel) ? line.direct_channel : {};
        const members = strList(d.members);
        const participants = (Array.isArray(d.participants) ? d.participants.filter(isObj) : []).map((p) => str(p.username)).filter((x): x is string => !!x);
        const all = members.length ? members : participants;
        if (!all.length) break;
        this.counts.directChannels++;
        const key = directKey(all);
        for (const m of all) this.addMember(key, m);
        break;
      }
      case 'post': {
        const p = isObj(line.post) ? line.post : {};
        const team = str(p.team);
        const channel = str(p.channel);
        this.counts.posts++;
        if (!team || !channel) break;
        const key = channelKey(team, channel);
        this.addPoster(key, str(p.user));
        for (const r of Array.isArray(p.replies) ? p.replies.filter(isObj) : []) this.addPoster(key, str(r.user));
        break;
      }
      case 'direct_post': {
        this.counts.directPosts++;
        break;
      }
      default: break;
    }
  }
}
