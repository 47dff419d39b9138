/**
 * The Microsoft identity platform's v2.0 endpoints as the loopback Graph server plays them, from
 * Microsoft's documentation of the OAuth 2.0 client credentials flow and of certificate
 * credentials:
 * - `GET /{tenant}/v2.0/.well-known/openid-configuration` (what msal-node reads for the endpoints);
 * - `GET /common/discovery/instance` (cloud instance discovery, for clients that ask);
 * - `POST /{tenant}/oauth2/v2.0/token` with `grant_type=client_credentials`, `scope=<resource>/.default`
 *   and either `client_secret` or a `client_assertion` JWT signed (RS256 or PS256) with the key of a
 *   certificate registered on the app, named by its `x5t` (SHA-1) or `x5t#S256` thumbprint.
 * Access tokens are JWTs (signed with the server's key) carrying the app's application roles.
 */
import { X509Certificate, constants, randomUUID, sign, verify, type KeyObject } from 'node:crypto';

export interface RegisteredApp {
  clientId: string;
  /** Client secret, for `client_secret` sign-in. */
  secret?: string;
  /** Certificates (PEM) whose keys may sign client assertions. */
  certificates?: string[];
  /** Application permissions granted with admin consent (default `Mail.ReadWrite`). */
  roles?: string[];
  /** An application access policy: when set, the only mailboxes the app may reach. */
  allowedMailboxes?: string[];
}

export interface IssuedToken {
  tenantId: string;
  app: RegisteredApp;
  issuedAt: number;
  expiresAt: number;
}

export interface TokenError { status: number; error: string; description: string }

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** An AADSTS error as the token endpoint answers it. */
export function tokenErrorBody(e: TokenError, correlationId: string): string {
  return JSON.stringify({
    error: e.error, error_description: `${e.description}\r\nTrace ID: ${randomUUID()}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${new Date().toISOString()}`,
    error_codes: [Number(/AADSTS(\d+)/.exec(e.description)?.[1] ?? 0)], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: correlationId,
  });
}

export function openIdConfiguration(origin: string, tenantId: string): Record<string, unknown> {
  const base = `${origin}/${tenantId}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${origin}/${tenantId}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'loopback',
  };
}

export function instanceDiscovery(origin: string, tenantId: string): Record<string, unknown> {
  const host = new URL(origin).host;
  return {
    tenant_discovery_endpoint: `${origin}/${tenantId}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}

interface JwtParts { header: Record<string, unknown>; payload: Record<string, unknown>; signed: Buffer; signature: Buffer }

function parseJwt(jwt: string): JwtParts | null {
  const parts = jwt.split('.');
  if (parts.length !== 3) return null;
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>,
      payload: JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>,
      signed: Buffer.from(`${parts[0]}.${parts[1]}`), signature: Buffer.from(parts[2]!, 'base64url'),
    };
  } catch {
    return null;
  }
}

function verifySignature(alg: unknown, key: KeyObject, jwt: JwtParts): boolean {
  if (alg === 'RS256') return verify('RSA-SHA256', jwt.signed, key, jwt.signature);
  if (alg === 'PS256') return verify('sha256', jwt.signed, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, jwt.signature);
  return false;
}

export class IdentityPlatform {
  private readonly tokens = new Map<string, IssuedToken>();
  /** Tokens issued before this instant are refused as expired (the "expired tokens" fault). */
  private notBefore = 0;
  tokenRequests = 0;

  constructor(
    private readonly origin: string,
    private readonly tenantId: string,
    private readonly apps: RegisteredApp[],
    private readonly graphRoot: string,
    private readonly signingKey: string,
    private readonly tokenLifetimeSec: number,
  ) {}

  /** Handles a token request (form fields); returns the JSON answer or an error. */
  token(tenant: string, form: URLSearchParams): { ok: Record<string, unknown> } | { err: TokenError } {
    this.tokenRequests++;
    const fail = (status: number, error: string, description: string) => ({ err: { status, error, description } });
    if (tenant.toLowerCase() !== this.tenantId.toLowerCase()) {
      return fail(400, 'invalid_request', `AADSTS90002: Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    }
    if (form.get('grant_type') !== 'client_credentials') return fail(400, 'unsupported_grant_type', `AADSTS70003: The app requested an unsupported grant type '${form.get('grant_type') ?? ''}'.`);
    const clientId = form.get('client_id') ?? '';
    const app = this.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
    if (!app) return fail(400, 'unauthorized_client', `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenant}'.`);
    const scope = form.get('scope') ?? '';
    const wanted = scope.split(' ').find((s) => s.endsWith('/.default'));
    if (!wanted || wanted.replace(/\/\.default$/, '') !== this.graphRoot) {
      return fail(400, 'invalid_scope', `AADSTS1002012: The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret !== null) {
      if (!app.secret || secret !== app.secret) return fail(401, 'invalid_client', `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`);
    } else if (assertion !== null) {
      if (form.get('client_assertion_type') !== ASSERTION_TYPE) return fail(400, 'invalid_request', `AADSTS50027: client_assertion_type must be ${ASSERTION_TYPE}.`);
      const problem = this.checkAssertion(app, assertion);
      if (problem) return fail(401, 'invalid_client', problem);
    } else {
      return fail(401, 'invalid_client', "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
    const now = Math.floor(Date.now() / 1000);
    const issued: IssuedToken = { tenantId: this.tenantId, app, issuedAt: Date.now(), expiresAt: Date.now() + this.tokenLifetimeSec * 1000 };
    const accessToken = this.signJwt({
      aud: this.graphRoot, iss: `https://sts.windows.net/${this.tenantId}/`, iat: now, nbf: now, exp: now + this.tokenLifetimeSec,
      appid: app.clientId, idtyp: 'app', roles: app.roles ?? ['Mail.ReadWrite'], tid: this.tenantId, uti: randomUUID(), ver: '1.0',
    });
    this.tokens.set(accessToken, issued);
    return { ok: { token_type: 'Bearer', expires_in: this.tokenLifetimeSec, ext_expires_in: this.tokenLifetimeSec, access_token: accessToken } };
  }

  /** The token behind an `Authorization: Bearer` header, or why it is refused. */
  authenticate(authorization: string | undefined): { token: IssuedToken } | { problem: string } {
    const m = /^Bearer (\S+)$/.exec(authorization ?? '');
    if (!m) return { problem: 'Access token is empty.' };
    const t = this.tokens.get(m[1]!);
    if (!t) return { problem: 'Access token validation failure. Invalid audience.' };
    if (Date.now() >= t.expiresAt || t.issuedAt < this.notBefore) return { problem: 'Lifetime validation failed, the token is expired.' };
    return { token: t };
  }

  /** Every token issued so far stops working (as after a key roll-over or revocation). */
  expireAll(): void {
    this.notBefore = Date.now() + 1;
  }

  private checkAssertion(app: RegisteredApp, assertion: string): string | null {
    const jwt = parseJwt(assertion);
    if (!jwt) return 'AADSTS50027: JWT token is invalid or malformed.';
    const certs = (app.certificates ?? []).map((pem) => new X509Certificate(pem));
    const x5t = jwt.header.x5t as string | undefined;
    const x5t256 = jwt.header['x5t#S256'] as string | undefined;
    const thumb = (f: string) => Buffer.from(f.replace(/:/g, ''), 'hex').toString('base64url');
    const cert = certs.find((c) => (x5t !== undefined && thumb(c.fingerprint) === x5t) || (x5t256 !== undefined && thumb(c.fingerprint256) === x5t256));
    if (!cert) return `AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${x5t ?? x5t256 ?? ''}']`;
    if (!verifySignature(jwt.header.alg, cert.publicKey, jwt)) {
      return 'AADSTS7000274: Client assertion contains an invalid signature.';
    }
    const p = jwt.payload;
    const now = Date.now() / 1000;
    const tokenEndpoint = `${this.origin}/${this.tenantId}/oauth2/v2.0/token`;
    if (p.aud !== tokenEndpoint) return `AADSTS700212: No matching federated identity record found for presented assertion audience '${String(p.aud)}'.`;
    if (p.iss !== app.clientId || p.sub !== app.clientId) return 'AADSTS700023: Client assertion audience claim does not match Realm issuer.';
    if (typeof p.exp !== 'number' || p.exp < now - 300) return 'AADSTS700024: Client assertion is not within its valid time range.';
    if (typeof p.nbf === 'number' && p.nbf > now + 300) return 'AADSTS700024: Client assertion is not within its valid time range.';
    return null;
  }

  private signJwt(payload: Record<string, unknown>): string {
    const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid: 'loopback' }));
    const body = b64url(JSON.stringify(payload));
    return `${head}.${body}.${b64url(sign('RSA-SHA256', Buffer.from(`${head}.${body}`), this.signingKey))}`;
  }
}
