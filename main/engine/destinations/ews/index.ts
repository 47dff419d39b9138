/**
 * The Exchange Server on-premises (EWS) destination: settings, factory and connection test. The
 * factory takes saved settings (no secrets) and the secret store the password or token is read from.
 *
 * Sign-in: Basic over TLS, or an OAuth bearer token. NTLM is not supported: no NTLM client is
 * installed, the npm ones (httpntlm, @ewsjs/ntlm-client, axios-ntlm) are small single-maintainer
 * packages that implement NTLM's hashing by hand, and NTLM authenticates a TCP connection rather than
 * a request, which a pooled HTTP client cannot promise. Exchange 2016/2019 accept Basic on the EWS
 * virtual directory and OAuth with hybrid modern authentication.
 */
import type { SecretStore } from '../../secrets/secret-store';
import { EwsDestination } from './ews-destination';

export { EwsDestination } from './ews-destination';
export { testEwsConnection, type ConnectionCheck } from './test-connection';
export { ewsCredentialRef, resolveEwsSettings, DISTINGUISHED_FOLDERS, type EwsSettings, type ResolvedEwsSettings } from './settings';
export type { EwsClientStats } from './ews-client';

/** Builds the destination from saved settings; bad settings are a config error naming the setting. */
export function createEwsDestination(config: unknown, secrets: SecretStore): EwsDestination {
  return new EwsDestination(config as Record<string, unknown>, secrets);
}
