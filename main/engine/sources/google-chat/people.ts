/** Google Chat people as Takeout writes them: `{ name, email, user_type }` (creator, members, users). */
import type { Identity } from '../../item';
import { looksLikeEmail } from '../../convert/addresses';

export const PLATFORM = 'googlechat';

type Rec = Record<string, unknown>;
export const isObj = (v: unknown): v is Rec => !!v && typeof v === 'object' && !Array.isArray(v);
export const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** An email identity when the person has an address; a person known only by name keeps the name as id. */
export function personOf(v: unknown): Identity | undefined {
  if (!isObj(v)) return undefined;
  const email = str(v.email);
  const name = str(v.name);
  if (email && looksLikeEmail(email)) return { id: email.toLowerCase(), kind: 'email', platform: PLATFORM, ...(name ? { name } : {}), email };
  const id = email ?? name;
  return id ? { id, kind: 'user-id', platform: PLATFORM, ...(name ? { name } : {}) } : undefined;
}

/** Keeps the first of each id, in order. */
export function addPerson(list: Identity[], seen: Set<string>, p: Identity | undefined): void {
  if (!p || seen.has(p.id)) return;
  seen.add(p.id);
  list.push(p);
}
