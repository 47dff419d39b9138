/**
 * Settings of the Exchange Server (EWS) destination, as saved with a connector or a run and as typed
 * with `--dest ews --dest-set key=value`. They never hold a secret: the password (Basic) or the
 * bearer token (OAuth) comes from the keychain entry named by `ewsCredentialRef`.
 */
import { z } from 'zod';
import { FerryError } from '../../errors';
import { isPem, trustedCa, withoutBlanks } from '../shared/trusted-ca';

/**
 * Well-known folders a message may be saved into (EWS DistinguishedFolderIdNameType). Mail-holding
 * ones only: calendar, contacts and tasks folders would refuse a message or hide it.
 */
export const DISTINGUISHED_FOLDERS = [
  'inbox', 'msgfolderroot', 'root', 'deleteditems', 'drafts', 'sentitems', 'junkemail', 'outbox', 'notes', 'journal',
  'recoverableitemsroot', 'recoverableitemsdeletions', 'recoverableitemsversions', 'recoverableitemspurges',
  'archiveroot', 'archivemsgfolderroot', 'archiveinbox', 'archivedeleteditems',
  'archiverecoverableitemsroot', 'archiverecoverableitemsdeletions', 'archiverecoverableitemsversions', 'archiverecoverableitemspurges',
] as const;
export type DistinguishedFolder = (typeof DISTINGUISHED_FOLDERS)[number];

/** RequestServerVersion values that carry everything this destination sends (impersonation, recoverable items folders). */
export const SERVER_VERSIONS = ['Exchange2010_SP1', 'Exchange2010_SP2', 'Exchange2013', 'Exchange2013_SP1', 'Exchange2016'] as const;

export interface EwsSettings {
  kind: 'ews';
  /** The EWS endpoint, e.g. `https://mail.contoso.com/EWS/Exchange.asmx`. */
  url: string;
  /** `basic`: user name and password over TLS; `oauth`: a bearer token (Exchange hybrid modern authentication). */
  auth: 'basic' | 'oauth';
  /** The service account (`ferry-svc@contoso.com` or `CONTOSO\ferry-svc`), for Basic. */
  username?: string;
  /**
   * True: act as each mailbox (ExchangeImpersonation, needs the ApplicationImpersonation role).
   * False: open each mailbox as a delegate (needs Full Access on every target mailbox).
   */
  impersonation?: boolean;
  /**
   * Where messages go: `source-folder` (default) makes a folder per source (the run's folder name)
   * under `parentFolder`, and the catch-all's `Inbox` is the Inbox; or a well-known folder for every
   * message, e.g. `recoverableitemspurges` (hidden from users, kept for eDiscovery).
   */
  folder?: 'source-folder' | DistinguishedFolder;
  /** Parent of the folders per source (default `msgfolderroot`, the top of the mailbox; `archivemsgfolderroot` for the archive). */
  parentFolder?: DistinguishedFolder;
  /** Extra CA certificate (PEM) to trust, for servers with a private CA. */
  caCertificate?: string;
  /** The same, read from a PEM file (handier on the command line). */
  caCertificateFile?: string;
  /** EWS schema version requested (default Exchange2013). */
  serverVersion?: (typeof SERVER_VERSIONS)[number];
  /** Deliveries in flight at once across all mailboxes (default 8). */
  concurrency?: number;
  /** Requests in flight at once per mailbox (default 4; Exchange's default EWS policy allows 27 per account). */
  mailboxConcurrency?: number;
  /** One request, from sending to the last byte of the answer (default 100 s). */
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Retries of one request after busy answers, 5xx, timeouts and dropped connections (default 6). */
  maxRetries?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** A BackOffMilliseconds or Retry-After longer than this is not waited out: the item fails as throttled (default 15 min). */
  maxBackOffMs?: number;
}

export interface ResolvedEwsSettings extends EwsSettings {
  url: string;
  host: string;
  impersonation: boolean;
  folder: 'source-folder' | DistinguishedFolder;
  parentFolder: DistinguishedFolder;
  serverVersion: (typeof SERVER_VERSIONS)[number];
  concurrency: number;
  mailboxConcurrency: number;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxBackOffMs: number;
}

const folderId = z.string().trim().transform((s) => s.toLowerCase()).refine((s): s is DistinguishedFolder => (DISTINGUISHED_FOLDERS as readonly string[]).includes(s),
  { message: `must be one of ${DISTINGUISHED_FOLDERS.join(', ')}` });
const positiveInt = z.number().int().positive();

const schema = z.object({
  kind: z.literal('ews'),
  url: z.string().trim().refine((u) => { try { return new URL(u).protocol === 'https:'; } catch { return false; } },
    { message: 'must be the https:// address of Exchange Web Services, e.g. https://mail.contoso.com/EWS/Exchange.asmx (plain HTTP would send the password in the clear)' }),
  auth: z.enum(['basic', 'oauth'], { message: 'must be basic or oauth (NTLM and Kerberos are not supported: see the EWS destination notes)' }),
  username: z.string().trim().min(1).optional(),
  impersonation: z.boolean().optional(),
  folder: z.union([z.literal('source-folder'), folderId]).optional(),
  parentFolder: folderId.optional(),
  caCertificate: z.string().refine(isPem, { message: 'must be a PEM certificate' }).optional(),
  caCertificateFile: z.string().min(1).optional(),
  serverVersion: z.enum(SERVER_VERSIONS).optional(),
  concurrency: positiveInt.max(256).optional(),
  mailboxConcurrency: positiveInt.max(64).optional(),
  requestTimeoutMs: positiveInt.optional(),
  connectTimeoutMs: positiveInt.optional(),
  maxRetries: z.number().int().min(0).max(50).optional(),
  retryBaseMs: positiveInt.optional(),
  retryMaxMs: positiveInt.optional(),
  maxBackOffMs: positiveInt.optional(),
}).refine((s) => s.auth !== 'basic' || s.username !== undefined, { message: 'Basic sign-in needs the service account user name', path: ['username'] });

/** Checks saved settings and fills in the defaults; a bad setting is a config error naming it. */
export function resolveEwsSettings(input: unknown): ResolvedEwsSettings {
  const r = schema.safeParse(withoutBlanks(input));
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || 'settings'} ${i.message}`).join('; ');
    throw new FerryError('config', `Exchange (EWS) destination settings: ${issues}`);
  }
  const s = r.data as EwsSettings;
  const ca = trustedCa('Exchange (EWS)', s.caCertificate, s.caCertificateFile);
  return {
    ...s,
    ...(ca ? { caCertificate: ca } : {}),
    host: new URL(s.url).host.toLowerCase(),
    impersonation: s.impersonation ?? false,
    folder: s.folder ?? 'source-folder',
    parentFolder: s.parentFolder ?? 'msgfolderroot',
    serverVersion: s.serverVersion ?? 'Exchange2013',
    concurrency: s.concurrency ?? 8,
    mailboxConcurrency: s.mailboxConcurrency ?? 4,
    requestTimeoutMs: s.requestTimeoutMs ?? 100_000,
    connectTimeoutMs: s.connectTimeoutMs ?? 15_000,
    maxRetries: s.maxRetries ?? 6,
    retryBaseMs: s.retryBaseMs ?? 500,
    retryMaxMs: s.retryMaxMs ?? 60_000,
    maxBackOffMs: s.maxBackOffMs ?? 15 * 60_000,
  };
}

/** The keychain entry holding the password (`ews:<host>:<username>`) or the bearer token (`ews:<host>:token`). */
export function ewsCredentialRef(s: { url: string; auth: 'basic' | 'oauth'; username?: string }): string {
  let host: string;
  try { host = new URL(s.url).host.toLowerCase(); } catch { host = s.url; }
  return s.auth === 'oauth' ? `ews:${host}:token` : `ews:${host}:${(s.username ?? '').toLowerCase()}`;
}

/** Who Ferry signs in as, for messages. */
export function signedInAs(s: Pick<EwsSettings, 'auth' | 'username'>): string {
  return s.auth === 'basic' ? `the service account ${s.username}` : 'the OAuth application';
}
