/**
 * The Microsoft 365 (Graph) destination: settings, factory and connection test. The factory takes
 * saved settings (no secrets) and a way to read the credential, normally from the OS keychain.
 */
import type { SecretStore } from '../../secrets/secret-store';
import { requireSecret } from '../../secrets/secret-store';
import { GraphDestination } from './graph-destination';
import { graphCredentialRef, resolveGraphSettings, type GraphSettings } from './settings';
import type { GetCredential } from './token';

export { GraphDestination } from './graph-destination';
export { testGraphConnection, type ConnectionCheck } from './test-connection';
export { graphCredentialRef, resolveGraphSettings, type GraphSettings, type GraphLimits, type GraphTimeouts, type GraphRetries } from './settings';
export type { GetCredential } from './token';

/** Reads the client secret or the certificate's private key from the keychain entry the settings name. */
export function keychainCredential(secrets: SecretStore, settings: Pick<GraphSettings, 'tenantId' | 'clientId' | 'auth'>): GetCredential {
  const what = settings.auth === 'secret' ? `The Microsoft 365 client secret for tenant ${settings.tenantId}` : `The private key (PEM) of the Microsoft 365 app certificate for tenant ${settings.tenantId}`;
  return () => requireSecret(secrets, graphCredentialRef(settings), what);
}

/** Builds the destination from saved settings; bad settings are a config error naming the setting. */
export function createGraphDestination(config: unknown, getCredential: GetCredential): GraphDestination {
  return new GraphDestination(resolveGraphSettings(config), getCredential);
}
