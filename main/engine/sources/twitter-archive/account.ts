/**
 * The archive's owner, from `data/account.js` (`window.YTD.account.part0 = [ { "account": { … } } ]`,
 * also in the older compact `[ {` layout). Every tweet in the archive is the owner's; in DMs the owner
 * is the participant whose user id is `accountId`.
 */
import type { Identity } from '../../item';
import type { ExportTree } from '../shared/export-tree';
import { readYtdFile } from './ytd-file';
import { obj, str } from './text';

export interface Owner {
  identity: Identity;
  username: string;
  /** Numeric user id, when known: tells the owner apart in DMs. */
  accountId?: string;
}

export const PLATFORM = 'twitter';

export function handleIdentity(screenName: string, name?: string): Identity {
  return { id: screenName.replace(/^@+/, ''), kind: 'handle', platform: PLATFORM, ...(name ? { name } : {}) };
}

/** Reads account.js; throws a plain Error with the reason when it holds no usable account. */
export async function readAccount(tree: ExportTree, entryPath: string): Promise<Owner> {
  for await (const ev of readYtdFile(tree, entryPath, ['$.*'], () => {})) {
    if ('broken' in ev) throw new Error(ev.broken);
    const rec = obj(ev.value.value);
    const a = obj(rec.account ?? rec);
    const username = str(a.username)?.replace(/^@+/, '');
    if (!username) continue;
    const name = str(a.accountDisplayName);
    const email = str(a.email);
    const accountId = str(a.accountId);
    const identity: Identity = { ...handleIdentity(username, name), ...(email ? { email } : {}) };
    return { identity, username, ...(accountId ? { accountId } : {}) };
  }
  throw new Error(`${tree.describe(entryPath)}: no account with a username`);
}

/** The owner named in the connector's settings, for archives without account.js. */
export function ownerFromSetting(handle: string, accountId?: string): Owner {
  const username = handle.trim().replace(/^@+/, '');
  return { identity: handleIdentity(username), username, ...(accountId ? { accountId } : {}) };
}

export function describeOwner(o: Owner): string {
  return `@${o.username}${o.identity.name ? ` (${o.identity.name})` : ''}`;
}
