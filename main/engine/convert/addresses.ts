/**
 * Identities become email addresses. A source identity with no email address is written in the
 * reserved `.invalid` domain (RFC 2606), e.g. `@bob` → `bob@twitter.invalid`, until mapping gives
 * it a mailbox; the original id always travels in an `X-Ferry-*` header too.
 */
import type { Identity } from '../item';

export interface MailAddress {
  name: string;
  address: string;
}

/** Lower-case, `.invalid`-safe domain label for a platform name. */
export function platformDomain(platform: string): string {
  const label = platform.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${label || 'source'}.invalid`;
}

/** A dot-atom local part for any id: keeps letters, digits and `+-_.`, replaces the rest. */
export function localPart(id: string): string {
  const cleaned = id.trim().replace(/^@+/, '').normalize('NFKC')
    .replace(/[^A-Za-z0-9+_.-]+/g, '_').replace(/\.{2,}/g, '.').replace(/^\.+|\.+$/g, '');
  return (cleaned || 'unknown').slice(0, 64);
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

export function looksLikeEmail(s: string | undefined): s is string {
  return !!s && EMAIL.test(s.trim());
}

/** Addresses by identity: the same people appear on every item of a chat. Bounded. */
const own = new Map<string, MailAddress>();
const OWN_CACHE_MAX = 50_000;

/** The identity's own address: its email if it has one, otherwise the reserved `.invalid` one. */
export function ownAddress(identity: Identity): MailAddress {
  const k = `${identity.kind}\u0000${identity.platform}\u0000${identity.id}\u0000${identity.name ?? '\u0001'}\u0000${identity.email ?? '\u0001'}`;
  let a = own.get(k);
  if (a === undefined) {
    if (own.size >= OWN_CACHE_MAX) own.clear();
    a = computeOwnAddress(identity);
    own.set(k, a);
  }
  return { name: a.name, address: a.address };
}

function computeOwnAddress(identity: Identity): MailAddress {
  const name = identity.name ?? (identity.kind === 'email' ? '' : identity.id);
  if (identity.email && looksLikeEmail(identity.email)) return { name, address: identity.email.trim() };
  if (identity.kind === 'email' && looksLikeEmail(identity.id)) return { name, address: identity.id.trim() };
  return { name, address: `${localPart(identity.id)}@${platformDomain(identity.platform)}` };
}

/** Decides the address written for an identity. Mapping supplies one that knows mailboxes. */
export type AddressResolver = (identity: Identity) => MailAddress;

export const defaultResolver: AddressResolver = ownAddress;

/** `Bob <bob@x>` or `bob@x`: for logs, the index and the renderer (never encoded). */
export function formatAddress(a: MailAddress): string {
  return a.name ? `${a.name} <${a.address}>` : a.address;
}
