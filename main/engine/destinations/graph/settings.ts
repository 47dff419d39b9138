/**
 * Settings of the Microsoft 365 (Graph) destination, as saved with a connector or a run. They never
 * hold a secret: the client secret, or the certificate's private key, comes from the keychain
 * entry named by `graphCredentialRef` through the `getCredential` the destination is given.
 */
import { z } from 'zod';
import { FerryError } from '../../errors';
import { isPem, trustedCa, withoutBlanks } from '../shared/trusted-ca';

export interface GraphLimits {
  /** Requests in flight at once per mailbox (Graph: 4 per app and mailbox). */
  mailboxConcurrency: number;
  /** Requests per mailbox in any sliding `requestWindowMs` (Graph: 10,000 per 10 minutes). */
  requestsPerWindow: number;
  requestWindowMs: number;
  /** Bytes uploaded per mailbox in any sliding `uploadWindowMs` (Graph: 150 MB per 5 minutes). */
  uploadBytesPerWindow: number;
  uploadWindowMs: number;
  /** Deliveries the run keeps in flight across all mailboxes. */
  parallelDeliveries: number;
}

export interface GraphTimeouts {
  /** One HTTP request, from sending to the last byte of the answer. */
  requestMs: number;
  connectMs: number;
}

export interface GraphRetries {
  /** Retries of one request after throttling, 5xx, timeouts and dropped connections. */
  max: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited out: the item fails as throttled and a later run retries it. */
  maxRetryAfterMs: number;
}

export interface GraphSettings {
  kind: 'graph';
  /** Directory (tenant) ID, or the tenant's domain (`contoso.onmicrosoft.com`). */
  tenantId: string;
  /** Application (client) ID of the app registration. */
  clientId: string;
  /** App-only sign-in with a client secret, or with a certificate (thumbprint here, private key in the keychain). */
  auth: 'secret' | 'certificate';
  /** Hex thumbprint of the certificate uploaded to the app registration: SHA-1 (40 digits) or SHA-256 (64). */
  certificateThumbprint?: string;
  /** Sign-in service (default `https://login.microsoftonline.com`); other clouds, or a loopback server in tests. */
  authorityHost?: string;
  /** Graph root (default `https://graph.microsoft.com/v1.0`). */
  graphBaseUrl?: string;
  /** Extra CA certificate (PEM) trusted for the two endpoints above: TLS-inspecting proxies, loopback servers. */
  caCertificate?: string;
  /** The same, as a PEM file (what an admin has to hand). */
  caCertificateFile?: string;
  limits?: Partial<GraphLimits>;
  timeouts?: Partial<GraphTimeouts>;
  retries?: Partial<GraphRetries>;
}

export interface ResolvedGraphSettings extends GraphSettings {
  authorityHost: string;
  graphBaseUrl: string;
  limits: GraphLimits;
  timeouts: GraphTimeouts;
  retries: GraphRetries;
}

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';

export const DEFAULT_LIMITS: GraphLimits = {
  mailboxConcurrency: 4, requestsPerWindow: 10_000, requestWindowMs: 10 * 60_000,
  uploadBytesPerWindow: 150 * 1024 * 1024, uploadWindowMs: 5 * 60_000, parallelDeliveries: 16,
};
export const DEFAULT_TIMEOUTS: GraphTimeouts = { requestMs: 100_000, connectMs: 15_000 };
export const DEFAULT_RETRIES: GraphRetries = { max: 6, baseDelayMs: 500, maxDelayMs: 60_000, maxRetryAfterMs: 15 * 60_000 };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i;

const httpsUrl = z.string().trim().refine((u) => { try { return new URL(u).protocol === 'https:'; } catch { return false; } },
  { message: 'must be an https:// URL (the sign-in library refuses plain HTTP)' }).transform((u) => u.replace(/\/+$/, ''));
const positive = z.number().positive();
const positiveInt = z.number().int().positive();

const schema = z.object({
  kind: z.literal('graph'),
  tenantId: z.string().trim().refine((t) => GUID.test(t) || DOMAIN.test(t), { message: 'must be the directory (tenant) ID, a GUID, or the tenant domain such as contoso.onmicrosoft.com' }),
  clientId: z.string().trim().refine((c) => GUID.test(c), { message: 'must be the application (client) ID, a GUID' }),
  auth: z.enum(['secret', 'certificate']),
  certificateThumbprint: z.string().trim().transform((t) => t.replace(/[:\s]/g, '').toUpperCase())
    .refine((t) => /^([0-9A-F]{40}|[0-9A-F]{64})$/.test(t), { message: 'must be the hex SHA-1 (40 digits) or SHA-256 (64 digits) thumbprint shown for the certificate in the app registration' })
    .optional(),
  authorityHost: httpsUrl.optional(),
  graphBaseUrl: httpsUrl.optional(),
  caCertificate: z.string().refine(isPem, { message: 'must be a PEM certificate' }).optional(),
  caCertificateFile: z.string().min(1).optional(),
  limits: z.object({
    mailboxConcurrency: positiveInt, requestsPerWindow: positiveInt, requestWindowMs: positive,
    uploadBytesPerWindow: positiveInt, uploadWindowMs: positive, parallelDeliveries: positiveInt,
  }).partial().optional(),
  timeouts: z.object({ requestMs: positive, connectMs: positive }).partial().optional(),
  retries: z.object({ max: z.number().int().min(0).max(50), baseDelayMs: positive, maxDelayMs: positive, maxRetryAfterMs: positive }).partial().optional(),
}).refine((s) => s.auth !== 'certificate' || s.certificateThumbprint !== undefined,
  { message: 'certificate sign-in needs the certificate thumbprint', path: ['certificateThumbprint'] });

/** Checks saved settings and fills in the defaults; a bad setting is a config error naming it. */
export function resolveGraphSettings(input: unknown): ResolvedGraphSettings {
  const r = schema.safeParse(withoutBlanks(input));
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || 'settings'} ${i.message}`).join('; ');
    throw new FerryError('config', `Microsoft 365 destination settings: ${issues}`);
  }
  const s = r.data as GraphSettings;
  const ca = trustedCa('Microsoft 365', s.caCertificate, s.caCertificateFile);
  return {
    ...s,
    ...(ca ? { caCertificate: ca } : {}),
    authorityHost: s.authorityHost ?? DEFAULT_AUTHORITY_HOST,
    graphBaseUrl: s.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL,
    limits: { ...DEFAULT_LIMITS, ...s.limits },
    timeouts: { ...DEFAULT_TIMEOUTS, ...s.timeouts },
    retries: { ...DEFAULT_RETRIES, ...s.retries },
  };
}

/** The keychain entry holding the client secret or the certificate's private key (PEM). */
export function graphCredentialRef(s: Pick<GraphSettings, 'tenantId' | 'clientId' | 'auth'>): string {
  return `graph:${s.tenantId.toLowerCase()}:${s.clientId.toLowerCase()}:${s.auth === 'secret' ? 'client-secret' : 'certificate-key'}`;
}

/** The Graph resource (scheme and host) that app-only tokens are requested for: `<root>/.default`. */
export function graphResource(graphBaseUrl: string): string {
  return new URL(graphBaseUrl).origin;
}

/** Where an admin fixes the app's credentials, for error messages. */
export function credentialHint(s: Pick<GraphSettings, 'tenantId' | 'clientId' | 'auth' | 'certificateThumbprint'>): string {
  return s.auth === 'secret'
    ? `check the client secret in Ferry's keychain entry "${graphCredentialRef(s)}" (it must be the secret's value, not its ID, and may have expired)`
    : `check the certificate: thumbprint ${s.certificateThumbprint ?? '(none)'} must be one uploaded to the app registration, and the private key in Ferry's keychain entry "${graphCredentialRef(s)}" must belong to it`;
}
