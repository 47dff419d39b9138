/**
 * App-only sign-in to Microsoft 365 with msal-node's ConfidentialClientApplication (OAuth 2.0
 * client credentials, scope `<graph root>/.default`), with a client secret or a certificate. The
 * secret or private key is read through `getCredential` only when msal is first built; it never
 * appears in an error. msal's HTTP goes through our own undici pool, so the extra CA (a loopback
 * server, an inspecting proxy) applies to sign-in too, and a non-default authority host is listed
 * in `knownAuthorities` so msal never looks it up on the internet.
 */
import { ConfidentialClientApplication, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import type { Dispatcher } from 'undici';
import { FerryError, errorMessage } from '../../errors';
import { NetworkFailure, httpRequest, jsonOf } from '../shared/https';
import { DEFAULT_AUTHORITY_HOST, credentialHint, graphCredentialRef, graphResource, type ResolvedGraphSettings } from './settings';

export type GetCredential = () => Promise<string>;

/** What the last discovery request (OpenID configuration) got: msal reports only that endpoints could not be resolved. */
interface DiscoveryOutcome { url: string; status?: number; description?: string; failure?: string }

interface Observer {
  discovery(o: DiscoveryOutcome): void;
  /** A request that got no answer (msal does not always pass the reason on). */
  failure(message: string): void;
}

/** msal's network interface over the destination's undici pool. */
function networkModule(dispatcher: Dispatcher, timeoutMs: number, observe: Observer): INetworkModule {
  const send = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> => {
    const discovery = /openid-configuration|discovery\/instance/.test(url);
    let res;
    try {
      res = await httpRequest(dispatcher, {
        method, url, timeoutMs: timeout ?? timeoutMs, ...(options?.headers ? { headers: options.headers } : {}),
        ...(options?.body !== undefined ? { body: options.body } : {}),
      });
    } catch (err) {
      observe.failure((err as Error).message);
      if (discovery) observe.discovery({ url, failure: (err as Error).message });
      throw err;
    }
    const body = jsonOf(res) as { error_description?: unknown } | null;
    if (discovery) observe.discovery({ url, status: res.status, ...(typeof body?.error_description === 'string' ? { description: body.error_description.split(/\r?\n/)[0]! } : {}) });
    return { status: res.status, headers: res.headers, body: (body ?? {}) as T };
  };
  return {
    sendGetRequestAsync: (url, options, timeout) => send('GET', url, options, timeout),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}

interface CachedToken { token: string; expiresAt: number; refreshAt: number }

export class GraphTokenProvider {
  private app?: Promise<ConfidentialClientApplication>;
  private cached?: CachedToken;
  private inFlight?: Promise<CachedToken>;
  private forceRefresh = false;
  private lastDiscovery?: DiscoveryOutcome;
  private lastFailure?: string;

  constructor(
    private readonly settings: ResolvedGraphSettings,
    private readonly getCredential: GetCredential,
    private readonly dispatcher: Dispatcher,
  ) {}

  /** A valid access token; concurrent callers share one sign-in. */
  async token(): Promise<string> {
    const now = Date.now();
    if (this.cached && !this.forceRefresh && now < this.cached.refreshAt) return this.cached.token;
    this.inFlight ??= this.acquire().finally(() => { this.inFlight = undefined; });
    return (await this.inFlight).token;
  }

  /** The service refused `token` (401): the next call signs in again instead of using the cache. */
  invalidate(token: string): void {
    if (this.cached?.token === token) { this.forceRefresh = true; this.cached = undefined; }
  }

  private async acquire(): Promise<CachedToken> {
    const skipCache = this.forceRefresh;
    this.forceRefresh = false;
    this.lastFailure = undefined;
    const app = await this.application();
    let result;
    try {
      result = await app.acquireTokenByClientCredential({ scopes: [`${graphResource(this.settings.graphBaseUrl)}/.default`], skipCache });
    } catch (err) {
      throw this.signInError(err);
    }
    if (!result?.accessToken) throw new FerryError('auth', `Microsoft 365 sign-in for tenant ${this.settings.tenantId} returned no access token`);
    const expiresAt = result.expiresOn?.getTime() ?? Date.now() + 3_600_000;
    // Renew ahead of expiry (5 minutes, or half the lifetime of a short-lived token) so no request carries a token that expires on the way.
    const lifetime = Math.max(0, expiresAt - Date.now());
    const cached = { token: result.accessToken, expiresAt, refreshAt: expiresAt - Math.min(5 * 60_000, lifetime / 2) };
    this.cached = cached;
    return cached;
  }

  private application(): Promise<ConfidentialClientApplication> {
    this.app ??= (async () => {
      const s = this.settings;
      const credential = await this.getCredential();
      if (!credential) throw new FerryError('auth', `the ${s.auth === 'secret' ? 'client secret' : 'certificate private key'} for tenant ${s.tenantId} is empty in the keychain entry "${graphCredentialRef(s)}"`);
      const authorityUrl = new URL(s.authorityHost);
      const custom = s.authorityHost !== DEFAULT_AUTHORITY_HOST;
      try {
        return new ConfidentialClientApplication({
          auth: {
            clientId: s.clientId,
            authority: `${s.authorityHost}/${s.tenantId}`,
            ...(custom ? { knownAuthorities: [authorityUrl.host] } : {}),
            ...(s.auth === 'secret'
              ? { clientSecret: credential }
              : { clientCertificate: { privateKey: credential, ...(s.certificateThumbprint!.length === 64 ? { thumbprintSha256: s.certificateThumbprint! } : { thumbprint: s.certificateThumbprint! }) } }),
          },
          system: { networkClient: networkModule(this.dispatcher, s.timeouts.requestMs, { discovery: (o) => { this.lastDiscovery = o; }, failure: (m) => { this.lastFailure = m; } }), loggerOptions: { piiLoggingEnabled: false, loggerCallback: () => undefined } },
        });
      } catch (err) {
        throw new FerryError('config', `Microsoft 365 sign-in for tenant ${s.tenantId} cannot be set up: ${errorMessage(err)}`);
      }
    })();
    this.app.catch(() => { this.app = undefined; });
    return this.app;
  }

  /** msal's errors in an admin's words. */
  private signInError(err: unknown): FerryError {
    const s = this.settings;
    const e = err as { errorCode?: string; errorMessage?: string; status?: number; message?: string; cause?: unknown };
    const text = `${e.errorMessage ?? e.message ?? ''}`;
    const aadsts = /AADSTS\d+/.exec(text)?.[0];
    const firstLine = text.split(/\r?\n/)[0]!.trim();
    const where = `tenant ${s.tenantId}`;
    const discovery = this.lastDiscovery;
    if ((e.errorCode === 'endpoints_resolution_error' || e.errorCode === 'openid_config_error') && discovery && discovery.failure === undefined && (discovery.status ?? 0) >= 400 && (discovery.status ?? 0) < 500) {
      // The sign-in service answered, but has no configuration for this tenant.
      if (/AADSTS90002/.test(discovery.description ?? '')) {
        return new FerryError('config', `tenant ${s.tenantId} was not found at ${s.authorityHost}: check the tenant ID (or domain) and the cloud [AADSTS90002]`, { cause: err });
      }
      return new FerryError('config', `the sign-in service at ${s.authorityHost} has no configuration for ${where} (HTTP ${discovery.status}${discovery.description ? `: ${discovery.description}` : ''}): check the tenant ID and the authority host`, { cause: err });
    }
    const nf = err instanceof NetworkFailure ? err : findCause(err, NetworkFailure);
    if (nf || e.errorCode === 'network_error' || e.errorCode === 'endpoints_resolution_error' || e.errorCode === 'openid_config_error') {
      const why = nf?.message ?? this.lastFailure ?? discovery?.failure ?? firstLine;
      return new FerryError('transient', `could not reach the Microsoft sign-in service at ${s.authorityHost} for ${where} (${why})`, { cause: err });
    }
    if (e.errorCode === 'invalid_client') {
      return new FerryError('auth', `Microsoft 365 rejected the app's credentials for ${where}: ${credentialHint(s)}${aadsts ? ` [${aadsts}]` : ''}`, { cause: err });
    }
    if (e.errorCode === 'unauthorized_client' || aadsts === 'AADSTS700016') {
      return new FerryError('config', `the app ${s.clientId} was not found in ${where}: check the application (client) ID and the tenant ID${aadsts ? ` [${aadsts}]` : ''}`, { cause: err });
    }
    if (aadsts === 'AADSTS90002' || e.errorCode === 'invalid_tenant') {
      return new FerryError('config', `tenant ${s.tenantId} was not found at ${s.authorityHost}: check the tenant ID (or domain) and the cloud${aadsts ? ` [${aadsts}]` : ''}`, { cause: err });
    }
    if (e.errorCode === 'invalid_scope' || e.errorCode === 'invalid_request') {
      return new FerryError('config', `Microsoft 365 sign-in for ${where} was refused: ${firstLine}`, { cause: err });
    }
    if ((e.status ?? 0) >= 500 || e.status === 429 || e.errorCode === 'temporarily_unavailable') {
      return new FerryError('transient', `the Microsoft sign-in service is unavailable for ${where} (HTTP ${e.status ?? '?'}${aadsts ? `, ${aadsts}` : ''})`, { cause: err });
    }
    if (s.auth === 'certificate' && /key|asymmetric|PEM|sign/i.test(text)) {
      return new FerryError('config', `the certificate private key in Ferry's keychain entry "${graphCredentialRef(s)}" cannot sign the sign-in request: ${firstLine}`, { cause: err });
    }
    return new FerryError('auth', `Microsoft 365 sign-in for ${where} failed: ${firstLine || e.errorCode || 'unknown error'}`, { cause: err });
  }
}

function findCause<T>(err: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  let e: unknown = err;
  for (let i = 0; i < 5 && e; i++) {
    if (e instanceof type) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
