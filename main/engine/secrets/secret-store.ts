/**
 * Credentials live only in the OS keychain (macOS Keychain, Windows Credential Manager, Linux Secret
 * Service) through @napi-rs/keyring. Nothing else in Ferry stores a secret: connectors and runs keep
 * only the name of the keychain entry (`SecretRef`). Errors never include the secret.
 */
import { AsyncEntry } from '@napi-rs/keyring';
import { FerryError } from '../errors';

export const KEYCHAIN_SERVICE = 'Ferry';

/** Names one secret: e.g. `graph:contoso-tenant-id:client-secret` or `connector:12:api-token`. */
export type SecretRef = string;

export interface SecretStore {
  get(ref: SecretRef): Promise<string | null>;
  set(ref: SecretRef, value: string): Promise<void>;
  /** True when something was deleted. */
  delete(ref: SecretRef): Promise<boolean>;
  has(ref: SecretRef): Promise<boolean>;
}

function keychainError(action: string, ref: SecretRef, err: unknown): FerryError {
  const detail = err instanceof Error ? err.message : String(err);
  return new FerryError('system', `the OS keychain could not ${action} the entry "${ref}" (${detail}); is the keychain unlocked?`);
}

export class KeychainSecretStore implements SecretStore {
  constructor(private readonly service = KEYCHAIN_SERVICE) {}

  private entry(ref: SecretRef): AsyncEntry {
    if (!ref || ref.length > 256) throw new FerryError('config', 'a keychain entry name must be 1 to 256 characters');
    // Pinned to the Secret Service on Linux: the kernel-keyring fallback forgets secrets at logout.
    return new AsyncEntry(this.service, ref, { linux: { store: 'secret-service' } });
  }

  async get(ref: SecretRef): Promise<string | null> {
    try { return await this.entry(ref).getPassword(); } catch (err) { throw keychainError('read', ref, err); }
  }

  async set(ref: SecretRef, value: string): Promise<void> {
    if (!value) throw new FerryError('config', `an empty secret cannot be stored for "${ref}"`);
    try { await this.entry(ref).setPassword(value); } catch (err) { throw keychainError('write', ref, err); }
  }

  async delete(ref: SecretRef): Promise<boolean> {
    try { return await this.entry(ref).deletePassword(); } catch (err) { throw keychainError('delete', ref, err); }
  }

  async has(ref: SecretRef): Promise<boolean> {
    return (await this.get(ref)) !== null;
  }
}

/** Reads a secret that must exist, with an error that says where the admin sets it. */
export async function requireSecret(store: SecretStore, ref: SecretRef, what: string): Promise<string> {
  const v = await store.get(ref);
  if (v === null) throw new FerryError('auth', `${what} is not set: store it in the OS keychain with \`ferry secret set ${ref}\` or in the app's connector settings`);
  return v;
}
