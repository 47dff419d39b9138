/**
 * What the connector wizard shows for each destination kind: a title, the settings form (the same
 * `SettingSpec`s sources declare), the OS-keychain entries the destination signs in with, and a
 * "Test connection" check. Only kinds the destination registry knows are offered. Add a kind here
 * when its destination lands in `destinations/`.
 */
import type { SettingSpec } from '../sources/types';
import type { Db } from '../store/db';
import { destinationKinds } from '../destinations/registry';
import { testDestination } from '../destinations/test-connection';
import { imapSecretRef } from '../destinations/imap/imap-destination';
import { graphCredentialRef } from '../destinations/graph/settings';
import { ewsCredentialRef } from '../destinations/ews/settings';
import type { SecretStore } from '../secrets/secret-store';
import { configError } from '../errors';
import type { SettingValues } from './setting-values';

export interface ConnectionCheck {
  check: string;
  ok: boolean;
  message: string;
}

export interface CredentialSlot {
  key: string;
  label: string;
  /** The keychain entry's name. */
  ref: string;
}

export interface DestinationTestContext {
  db: Db;
  secrets: SecretStore;
  /** Mailboxes the connector is known to write to (catch-all, mapped mailboxes), for per-mailbox checks. */
  mailboxes: string[];
}

export interface DestinationForm {
  kind: string;
  title: string;
  description: string;
  settings: SettingSpec[];
  /** Keychain entries for these settings (never their values); some are per mailbox. */
  credentials(settings: SettingValues, connectorId: number | null, mailboxes?: string[]): CredentialSlot[];
  /** Readable name of a configured destination: `Local archive`, `IMAP mail.contoso.com`. */
  label(settings: SettingValues): string;
  test?(settings: SettingValues, ctx: DestinationTestContext): Promise<ConnectionCheck[]>;
}

/** A form whose "Test connection" is the destination's own (destinations/test-connection.ts). */
function withTest(form: Omit<DestinationForm, 'test'>): DestinationForm {
  return { ...form, test: (settings, ctx) => testDestination({ ...settings, kind: form.kind }, { db: ctx.db, secrets: ctx.secrets }, ctx.mailboxes) };
}

/** The extra CA certificate of the HTTPS destinations (destinations/shared/trusted-ca.ts reads it). */
const caCertificateFile = (signedBy: string): SettingSpec => ({
  key: 'caCertificateFile', label: 'Extra trusted CA certificate', type: 'path', help: `A PEM file, only if ${signedBy} signs the server's certificate.`,
});

const archive = withTest({
  kind: 'archive',
  title: 'Local archive',
  description: "Ferry's own archive on this computer: searchable, exportable as EML or MBOX, no server needed.",
  settings: [],
  credentials: () => [],
  label: () => 'Local archive',
});

const imap = withTest({
  kind: 'imap',
  title: 'IMAP server',
  description: 'Any IMAP mailbox server (Google Workspace, Dovecot, other archives): each message is appended to the folder per source.',
  settings: [
    { key: 'host', label: 'Server', type: 'string', required: true, help: 'e.g. imap.contoso.com' },
    { key: 'port', label: 'Port', type: 'number', default: 993 },
    { key: 'security', label: 'Connection security', type: 'select', default: 'tls', options: [
      { value: 'tls', label: 'TLS (port 993)' }, { value: 'starttls', label: 'STARTTLS (port 143)' }, { value: 'none', label: 'None (test servers only)' }] },
    { key: 'auth', label: 'Sign in', type: 'select', default: 'master', options: [
      { value: 'master', label: 'One admin (master) user for every mailbox' }, { value: 'per-mailbox', label: 'Each mailbox with its own password' }] },
    { key: 'masterUser', label: 'Admin (master) user', type: 'string', help: 'Dovecot master users sign in as mailbox*admin.' },
    { key: 'masterSeparator', label: 'Master user separator', type: 'string', default: '*' },
    { key: 'concurrency', label: 'Mailboxes written in parallel', type: 'number', default: 4 },
    { key: 'parentFolder', label: 'Parent folder', type: 'string', help: 'Optional. The folders per source are created under it; levels separated by "/" (e.g. Archive/Third-party, INBOX/Archive).' },
    { key: 'password', label: 'Password', type: 'secret', help: 'The admin user\'s password (or each mailbox\'s, below, when every mailbox signs in itself).' },
  ],
  credentials(settings, _id, mailboxes = []) {
    const s = { host: String(settings.host ?? ''), auth: (settings.auth === 'per-mailbox' ? 'per-mailbox' : 'master') as 'master' | 'per-mailbox', masterUser: String(settings.masterUser ?? '') };
    if (!s.host) return [];
    if (s.auth === 'master') return [{ key: 'password', label: `Password of ${s.masterUser || 'the admin user'} on ${s.host}`, ref: imapSecretRef(s, '') }];
    return mailboxes.map((m) => ({ key: `mailbox:${m}`, label: `Password of ${m} on ${s.host}`, ref: imapSecretRef(s, m) }));
  },
  label: (s) => `IMAP ${String(s.host ?? '?')}:${String(s.port ?? 993)}`,
});

const graph = withTest({
  kind: 'graph',
  title: 'Microsoft 365 (Graph)',
  description: 'Exchange Online mailboxes through Microsoft Graph, signed in as an app registration with the Mail.ReadWrite application permission.',
  settings: [
    { key: 'tenantId', label: 'Tenant (directory) ID or domain', type: 'string', required: true, help: 'e.g. contoso.onmicrosoft.com' },
    { key: 'clientId', label: 'Application (client) ID', type: 'string', required: true },
    { key: 'auth', label: 'Sign in with', type: 'select', default: 'secret', options: [{ value: 'secret', label: 'Client secret' }, { value: 'certificate', label: 'Certificate' }] },
    { key: 'certificateThumbprint', label: 'Certificate thumbprint', type: 'string', help: 'Only for certificate sign-in: the thumbprint shown in the app registration.' },
    { key: 'authorityHost', label: 'Sign-in service', type: 'string', help: 'Default https://login.microsoftonline.com; other clouds have their own.' },
    { key: 'graphBaseUrl', label: 'Graph endpoint', type: 'string', help: 'Default https://graph.microsoft.com/v1.0.' },
    caCertificateFile('a TLS-inspecting proxy or private CA'),
    { key: 'credential', label: 'Client secret, or the certificate\'s private key (PEM)', type: 'secret' },
  ],
  credentials(settings) {
    const tenantId = String(settings.tenantId ?? '');
    const clientId = String(settings.clientId ?? '');
    if (!tenantId || !clientId) return [];
    const auth = settings.auth === 'certificate' ? 'certificate' : 'secret';
    return [{ key: 'credential', label: auth === 'secret' ? 'Client secret' : 'Certificate private key (PEM)', ref: graphCredentialRef({ tenantId, clientId, auth }) }];
  },
  label: (s) => `Microsoft 365 (${String(s.tenantId ?? '?')})`,
});

const ews = withTest({
  kind: 'ews',
  title: 'Exchange Server (EWS)',
  description: 'Exchange Server on-premises through Exchange Web Services, as a service account with impersonation or full access.',
  settings: [
    { key: 'url', label: 'EWS address', type: 'string', required: true, help: 'e.g. https://mail.contoso.com/EWS/Exchange.asmx' },
    { key: 'auth', label: 'Sign in with', type: 'select', default: 'basic', options: [{ value: 'basic', label: 'Service account and password' }, { value: 'oauth', label: 'OAuth bearer token (hybrid modern authentication)' }] },
    { key: 'username', label: 'Service account', type: 'string', help: 'e.g. ferry-svc@contoso.com or CONTOSO\\ferry-svc' },
    { key: 'impersonation', label: 'Act as each mailbox (ApplicationImpersonation role)', type: 'boolean', default: true },
    { key: 'concurrency', label: 'Deliveries in parallel', type: 'number', default: 8 },
    caCertificateFile('a private CA'),
    { key: 'credential', label: 'Password, or the OAuth token', type: 'secret' },
  ],
  credentials(settings) {
    const url = String(settings.url ?? '');
    if (!url) return [];
    const auth = settings.auth === 'oauth' ? 'oauth' : 'basic';
    return [{ key: 'credential', label: auth === 'oauth' ? 'OAuth token' : `Password of ${String(settings.username ?? 'the service account')}`, ref: ewsCredentialRef({ url, auth, username: String(settings.username ?? '') }) }];
  },
  label: (s) => {
    try { return `Exchange ${new URL(String(s.url)).host}`; } catch { return 'Exchange (EWS)'; }
  },
});

const FORMS: DestinationForm[] = [archive, graph, ews, imap];

/** The forms of the destination kinds this build can deliver to. */
export function destinationForms(): DestinationForm[] {
  const known = new Set(destinationKinds());
  return FORMS.filter((f) => known.has(f.kind));
}

export function destinationForm(kind: string): DestinationForm {
  const f = destinationForms().find((x) => x.kind === kind);
  if (!f) throw configError(`unknown destination "${kind}"; known: ${destinationForms().map((x) => x.kind).join(', ')}`);
  return f;
}
