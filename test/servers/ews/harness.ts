/**
 * A loopback EWS server with three accounts — a Basic service account holding the impersonation
 * role, a Basic delegate with Full Access to every mailbox, and an OAuth app (bearer token) — their
 * credentials in the keychain under a unique service, and EWS destinations pointed at it.
 */
import { randomUUID } from 'node:crypto';
import { EwsDestination } from '../../../main/engine/destinations/ews/ews-destination';
import { ewsCredentialRef, type EwsSettings } from '../../../main/engine/destinations/ews/settings';
import { KeychainSecretStore } from '../../../main/engine/secrets/secret-store';
import { createServerTls, type ServerTls } from '../tls';
import { EwsServer, type EwsAccount, type EwsServerOptions } from './server';

export const SERVICE_ACCOUNT = 'svc-ferry@contoso.com';
export const DELEGATE_ACCOUNT = 'CONTOSO\\ferry-delegate';
export const OAUTH_APP = 'ferry-app';

export interface EwsHarness {
  server: EwsServer;
  secrets: KeychainSecretStore;
  passwords: { service: string; delegate: string };
  token: string;
  /** Settings for the impersonating service account (Basic), pointed at the server. */
  settings(over?: Partial<EwsSettings>): EwsSettings;
  /** The same for the OAuth app (bearer token, impersonation). */
  oauthSettings(over?: Partial<EwsSettings>): EwsSettings;
  /** The delegate (Full Access, no impersonation). */
  delegateSettings(over?: Partial<EwsSettings>): EwsSettings;
  destination(settings?: EwsSettings): EwsDestination;
  stop(): Promise<void>;
}

let cachedTls: ServerTls | undefined;

export async function startEwsHarness(o: Omit<EwsServerOptions, 'accounts' | 'tls'> & { accounts?: EwsAccount[] }): Promise<EwsHarness> {
  // Certificates are made once per process: openssl takes about a second.
  cachedTls ??= createServerTls();
  const passwords = { service: `pw-${randomUUID()}`, delegate: `pw-${randomUUID()}` };
  const token = `eyJ0eXAiOiJKV1QifQ.${randomUUID()}`;
  const server = await EwsServer.start({
    ...o, tls: cachedTls,
    accounts: [
      { username: SERVICE_ACCOUNT, password: passwords.service, impersonation: true },
      { username: DELEGATE_ACCOUNT, password: passwords.delegate, fullAccess: '*' },
      { username: OAUTH_APP, tokens: [token], impersonation: true },
      ...(o.accounts ?? []),
    ],
  });
  const secrets = new KeychainSecretStore(`Ferry-test-${randomUUID()}`);
  const base = { kind: 'ews' as const, url: server.url, caCertificate: server.tls.ca };
  const settings = (over: Partial<EwsSettings> = {}): EwsSettings => ({ ...base, auth: 'basic', username: SERVICE_ACCOUNT, impersonation: true, ...over });
  const oauthSettings = (over: Partial<EwsSettings> = {}): EwsSettings => ({ ...base, auth: 'oauth', impersonation: true, ...over });
  const delegateSettings = (over: Partial<EwsSettings> = {}): EwsSettings => ({ ...base, auth: 'basic', username: DELEGATE_ACCOUNT, impersonation: false, ...over });
  const refs = [ewsCredentialRef(settings()), ewsCredentialRef(delegateSettings()), ewsCredentialRef(oauthSettings())];
  await secrets.set(refs[0]!, passwords.service);
  await secrets.set(refs[1]!, passwords.delegate);
  await secrets.set(refs[2]!, token);
  return {
    server, secrets, passwords, token, settings, oauthSettings, delegateSettings,
    destination: (s = settings()) => new EwsDestination(s, secrets),
    stop: async () => {
      for (const r of refs) await secrets.delete(r);
      await server.stop();
    },
  };
}
