/**
 * `ferry destination test` for Microsoft 365: signs in, reads the app's permissions from its token,
 * and checks each mailbox is reachable (its Inbox can be read, which an application access policy
 * would block). Answers are checks in an admin's words; nothing is written to any mailbox.
 */
import { errorMessage } from '../../errors';
import { userPath } from './folders';
import { GraphClient } from './graph-client';
import { createDispatcher } from '../shared/https';
import { resolveGraphSettings, type ResolvedGraphSettings } from './settings';
import { GraphTokenProvider, type GetCredential } from './token';

export interface ConnectionCheck {
  check: string;
  ok: boolean;
  message: string;
}

/** The application roles in an access token, when it is a readable JWT (Entra ID's are). */
export function tokenRoles(token: string): string[] | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const roles = (JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { roles?: unknown }).roles;
    return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return null;
  }
}

export async function testGraphConnection(settingsInput: unknown, getCredential: GetCredential, mailboxes: string[]): Promise<ConnectionCheck[]> {
  const checks: ConnectionCheck[] = [];
  let settings: ResolvedGraphSettings;
  try {
    settings = resolveGraphSettings(settingsInput);
    checks.push({ check: 'settings', ok: true, message: `tenant ${settings.tenantId}, app ${settings.clientId}, ${settings.auth === 'secret' ? 'client secret' : `certificate ${settings.certificateThumbprint}`}` });
  } catch (err) {
    checks.push({ check: 'settings', ok: false, message: errorMessage(err) });
    return checks;
  }
  // Diagnostics, not imports: few retries, so a broken setup is reported in seconds.
  const quick: ResolvedGraphSettings = { ...settings, retries: { ...settings.retries, max: Math.min(2, settings.retries.max), maxRetryAfterMs: 30_000 } };
  const dispatcher = createDispatcher({ ...(quick.caCertificate ? { ca: quick.caCertificate } : {}), connectTimeoutMs: quick.timeouts.connectMs });
  try {
    const tokens = new GraphTokenProvider(quick, getCredential, dispatcher);
    let token: string;
    try {
      token = await tokens.token();
      checks.push({ check: 'sign-in', ok: true, message: `signed in to tenant ${quick.tenantId} as app ${quick.clientId} at ${quick.authorityHost}` });
    } catch (err) {
      checks.push({ check: 'sign-in', ok: false, message: errorMessage(err) });
      return checks;
    }
    const roles = tokenRoles(token);
    if (roles === null) {
      checks.push({ check: 'permission', ok: true, message: "the app's permissions cannot be read from its token; the mailbox checks below show whether it can reach them" });
    } else if (roles.includes('Mail.ReadWrite')) {
      checks.push({ check: 'permission', ok: true, message: 'the app has the Mail.ReadWrite application permission (it may create messages in mailboxes)' });
    } else {
      checks.push({ check: 'permission', ok: false, message: `the app lacks the Mail.ReadWrite application permission (it has: ${roles.join(', ') || 'no application permissions'}): add it in the app registration's API permissions and grant admin consent` });
    }
    const client = new GraphClient(quick, tokens, dispatcher);
    for (const mailbox of mailboxes) {
      try {
        await client.send({ mailbox, method: 'GET', url: `${userPath(mailbox)}/mailFolders/inbox?$select=id`, idempotent: true, what: 'reading the Inbox' });
        checks.push({ check: `mailbox ${mailbox}`, ok: true, message: `mailbox ${mailbox} is reachable` });
      } catch (err) {
        checks.push({ check: `mailbox ${mailbox}`, ok: false, message: errorMessage(err) });
      }
    }
    return checks;
  } finally {
    await dispatcher.close();
  }
}
