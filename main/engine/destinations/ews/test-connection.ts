/**
 * `ferry destination test` for Exchange (EWS): the settings, the credential in the keychain, the
 * sign-in, the right to act for each mailbox (impersonation or Full Access) and each mailbox's
 * target folder, in an admin's words. Nothing is written to any mailbox.
 */
import { errorMessage } from '../../errors';
import type { SecretStore } from '../../secrets/secret-store';
import { EwsClient } from './ews-client';
import { EwsError } from './ews-errors';
import { createDispatcher } from '../shared/https';
import { ewsCredentialRef, resolveEwsSettings, signedInAs, type ResolvedEwsSettings } from './settings';
import { getFolderBody } from './soap-requests';

export interface ConnectionCheck {
  check: string;
  ok: boolean;
  message: string;
}

export async function testEwsConnection(input: unknown, secrets: SecretStore, mailboxes: string[]): Promise<ConnectionCheck[]> {
  const checks: ConnectionCheck[] = [];
  let s: ResolvedEwsSettings;
  try {
    s = resolveEwsSettings(input);
    checks.push({ check: 'settings', ok: true, message: `${s.url}, ${s.auth === 'basic' ? `Basic sign-in as ${s.username}` : 'OAuth bearer token'}, ${s.impersonation ? 'impersonation' : 'delegate access'}, ${s.folder === 'source-folder' ? `a folder per source under ${s.parentFolder}` : `every message into ${s.folder}`}` });
  } catch (err) {
    checks.push({ check: 'settings', ok: false, message: errorMessage(err) });
    return checks;
  }
  const ref = ewsCredentialRef(s);
  try {
    if (!(await secrets.has(ref))) {
      checks.push({ check: 'credential', ok: false, message: `${s.auth === 'basic' ? `the password of ${s.username}` : 'the OAuth bearer token'} is not in the keychain: store it with \`ferry secret set ${ref}\`` });
      return checks;
    }
    checks.push({ check: 'credential', ok: true, message: `found in the keychain entry "${ref}"` });
  } catch (err) {
    checks.push({ check: 'credential', ok: false, message: errorMessage(err) });
    return checks;
  }

  // Diagnostics, not imports: few retries and short waits, so a broken setup is reported in seconds.
  const quick: ResolvedEwsSettings = { ...s, maxRetries: Math.min(2, s.maxRetries), maxBackOffMs: Math.min(30_000, s.maxBackOffMs), requestTimeoutMs: Math.min(30_000, s.requestTimeoutMs) };
  const dispatcher = createDispatcher({ ...(quick.caCertificate ? { ca: quick.caCertificate } : {}), connectTimeoutMs: quick.connectTimeoutMs });
  try {
    const client = new EwsClient(quick, secrets, dispatcher);
    // Sign-in: any answer from EWS itself, even "this account has no mailbox", proves the credential.
    try {
      await client.call({ operation: 'GetFolder', body: getFolderBody({ distinguished: 'root' }, { mailbox: '', impersonation: true }), idempotent: true, what: 'signing in' });
      checks.push({ check: 'sign-in', ok: true, message: `signed in to ${s.host} as ${signedInAs(s)}` });
    } catch (err) {
      if (err instanceof EwsError && err.status !== undefined && !err.code.startsWith('HTTP')) {
        checks.push({ check: 'sign-in', ok: true, message: `signed in to ${s.host} as ${signedInAs(s)}` });
      } else {
        checks.push({ check: 'sign-in', ok: false, message: errorMessage(err) });
        return checks;
      }
    }
    const target = s.folder === 'source-folder' ? s.parentFolder : s.folder;
    let denied = 0;
    for (const mailbox of mailboxes) {
      try {
        await client.call({ mailbox, operation: 'GetFolder', body: getFolderBody({ distinguished: target }, { mailbox, impersonation: s.impersonation }), idempotent: true, what: `opening the folder ${target}` });
        checks.push({ check: `mailbox ${mailbox}`, ok: true, message: `mailbox ${mailbox} is reachable and its folder ${target} can be opened${s.folder === 'source-folder' ? ' (folders per source are made under it)' : ''}` });
      } catch (err) {
        if (err instanceof EwsError && err.errorClass === 'auth') denied++;
        checks.push({ check: `mailbox ${mailbox}`, ok: false, message: errorMessage(err) });
      }
    }
    if (mailboxes.length) {
      const right = s.impersonation ? 'the ApplicationImpersonation role' : 'Full Access';
      checks.push(denied
        ? { check: 'permission', ok: false, message: `${signedInAs(s)} lacks ${right} for ${denied} of ${mailboxes.length} mailbox(es): see the mailbox checks` }
        : { check: 'permission', ok: true, message: `${signedInAs(s)} may act for the mailboxes checked (${right})` });
    }
    return checks;
  } finally {
    await dispatcher.close();
  }
}
