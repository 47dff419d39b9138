/**
 * Bloomberg people: `<User><LoginName/><FirstName/><LastName/><CompanyName/><EmailAddress/>
 * <CorporateEmailAddress/><AccountName/>…</User>` in IB dumps, `<UserInfo>` (with `BloombergEmailAddress`,
 * `BloombergUUID`) in MSG dumps. Some dumps (and Actiance-style ones) put those
 * fields straight in the event element instead of in a `<User>`: both are read.
 */
import type { Identity } from '../../item';
import { looksLikeEmail } from '../../convert/addresses';
import { type XNode, child, field } from './xml-records';

export const PLATFORM = 'bloomberg';

/**
 * Corporate email when the dump has it (the firm's own address: automatic mapping works on it),
 * else the Bloomberg login name. The Bloomberg address (`EmailAddress`, @bloomberg.net) is the
 * person's own address, kept as `email` of a login-name identity.
 */
export function bloombergUser(n: XNode | undefined): Identity | undefined {
  if (!n) return undefined;
  const corporate = field(n, 'CorporateEmailAddress', 'CorporateEmailID', 'CorporateEmail');
  const login = field(n, 'LoginName', 'LoginID');
  const bbgEmail = field(n, 'EmailAddress', 'BloombergEmailAddress');
  const uuid = field(n, 'UUID', 'BloombergUUID');
  const name = [field(n, 'FirstName'), field(n, 'LastName')].filter(Boolean).join(' ') || field(n, 'AccountName') || undefined;
  const named = name ? { name } : {};
  if (corporate && looksLikeEmail(corporate)) return { id: corporate.toLowerCase(), kind: 'email', platform: PLATFORM, ...named, email: corporate };
  if (login) return { id: login, kind: 'user-id', platform: PLATFORM, ...named, ...(looksLikeEmail(bbgEmail) ? { email: bbgEmail } : {}) };
  if (bbgEmail && looksLikeEmail(bbgEmail)) return { id: bbgEmail.toLowerCase(), kind: 'email', platform: PLATFORM, ...named, email: bbgEmail };
  if (uuid) return { id: `uuid:${uuid}`, kind: 'user-id', platform: PLATFORM, ...named };
  return undefined;
}

/** The person an event element names: its `<User>` child, or the fields in the element itself. */
export function eventUser(n: XNode): Identity | undefined {
  return bloombergUser(child(n, 'User')) ?? bloombergUser(n);
}

/** `Ann Lee (alee@contoso.com)` for body lines. */
export function describeUser(p: Identity | undefined): string {
  if (!p) return '(unknown)';
  if (p.name && p.name !== p.id) return `${p.name} (${p.id})`;
  return p.id;
}

/** Keeps the first of each id, in order. */
export class People {
  readonly list: Identity[] = [];
  private seen = new Set<string>();
  add(p: Identity | undefined): void {
    if (!p || this.seen.has(p.id)) return;
    this.seen.add(p.id);
    this.list.push(p);
  }
  others(id: string): Identity[] {
    return this.list.filter((p) => p.id !== id);
  }
}
