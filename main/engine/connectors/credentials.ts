/**
 * A connector's credentials: the OS-keychain entries its source's `secret` settings and its
 * destination sign in with. Only entry names are derived and stored; values are written to and read
 * from the keychain, and read only by the engine when a run or a connection test needs them.
 */
import { getSource } from '../sources/registry';
import type { SecretStore } from '../secrets/secret-store';
import { destinationForm } from './destination-forms';
import type { SettingValues } from './setting-values';

export interface CredentialEntry {
  scope: 'source' | 'destination';
  key: string;
  label: string;
  ref: string;
}

/** The keychain entry of a connector's source secret setting. */
export const sourceSecretRef = (connectorId: number, key: string) => `connector:${connectorId}:source:${key}`;

export function credentialEntries(c: { id: number | null; kind: string; destination: { kind: string; settings: SettingValues } }, mailboxes: string[] = []): CredentialEntry[] {
  const out: CredentialEntry[] = [];
  if (c.id !== null) {
    for (const s of getSource(c.kind).spec.settings) {
      if (s.type === 'secret') out.push({ scope: 'source', key: s.key, label: s.label, ref: sourceSecretRef(c.id, s.key) });
    }
  }
  for (const slot of destinationForm(c.destination.kind).credentials(c.destination.settings, c.id, mailboxes)) {
    out.push({ scope: 'destination', key: slot.key, label: slot.label, ref: slot.ref });
  }
  return out;
}

/** Which entries are set, without reading their values out of this module. */
export async function credentialStatus(secrets: SecretStore, entries: CredentialEntry[]): Promise<(CredentialEntry & { set: boolean })[]> {
  return Promise.all(entries.map(async (e) => ({ ...e, set: await secrets.has(e.ref) })));
}
