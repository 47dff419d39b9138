/**
 * `usersList.json` (Graph `user` objects: Id, DisplayName, Mail, UserPrincipalName): names and email
 * addresses for the ids messages carry, so mapping can route by email. Held as one map id → user;
 * a tenant's user list is small next to its messages.
 */
import type { Identity } from '../../item';
import { looksLikeEmail } from '../../convert/addresses';
import type { ExportTree } from '../shared/export-tree';
import { jsonValues } from '../shared/json-values';
import { camelKeys, rec, str } from './graph-keys';

export const PLATFORM = 'teams';

export interface TeamsUser {
  name?: string;
  email?: string;
}

export type Users = Map<string, TeamsUser>;

export async function readUsers(tree: ExportTree, entries: string[], users: Users = new Map()): Promise<Users> {
  for (const entry of entries) {
    for await (const v of jsonValues(tree, entry, ['$.*'])) {
      const u = rec(camelKeys(v.value));
      const id = str(u?.id);
      if (!u || !id) continue;
      const email = [str(u.mail), str(u.userPrincipalName)].find((e) => looksLikeEmail(e));
      const name = str(u.displayName);
      users.set(id.toLowerCase(), { ...(name ? { name } : {}), ...(email ? { email } : {}) });
    }
  }
  return users;
}

/** A Teams user (an Entra object id) as an identity, with the name and email the users list knows. */
export function userIdentity(users: Users, id: string, displayName?: string): Identity {
  const u = users.get(id.toLowerCase());
  const name = displayName ?? u?.name;
  return { id, kind: 'user-id', platform: PLATFORM, ...(name ? { name } : {}), ...(u?.email ? { email: u.email } : {}) };
}
