/**
 * Exchange's refusals as classified errors, in an admin's words. The run stops on auth and config
 * errors (every item would meet them: a wrong password, a missing role, a mailbox that does not
 * exist); a data error fails one item and the run goes on; transient codes are retried.
 */
import { type ErrorClass, FerryError } from '../../errors';
import { ewsCredentialRef, signedInAs, type ResolvedEwsSettings } from './settings';

/** A refusal with Exchange's ResponseCode kept, so callers can react to particular codes. */
export class EwsError extends FerryError {
  constructor(errorClass: ErrorClass, message: string, readonly code: string, readonly status?: number, options?: { retryAfterMs?: number }) {
    super(errorClass, message, options);
  }
}

/** Codes that mean "not now": the request was refused before it did anything. */
export const BUSY_CODES = new Set(['ErrorServerBusy', 'ErrorTooManyObjectsOpened']);
/**
 * Codes worth retrying. A save that met one may have been stored (ErrorInternalServerError in
 * particular says nothing about how far it got), so it is looked up before being sent again.
 */
export const TRANSIENT_CODES = new Set([
  'ErrorInternalServerError', 'ErrorInternalServerTransientError', 'ErrorMailboxStoreUnavailable', 'ErrorMailboxMoveInProgress', 'ErrorConnectionFailed',
  'ErrorTimeoutExpired', 'ErrorADUnavailable', 'ErrorBatchProcessingStopped', 'ErrorRequestTimeout',
]);

export interface EwsErrorContext {
  settings: ResolvedEwsSettings;
  /** The mailbox acted on; undefined for the service account's own requests. */
  mailbox?: string;
  /** `creating message <id> in folder "Twitter Archive"` */
  what: string;
}

const accessHint = (s: ResolvedEwsSettings, mailbox: string) => s.impersonation
  ? `${signedInAs(s)} needs the ApplicationImpersonation role over it (New-ManagementRoleAssignment -Role ApplicationImpersonation -User <account>, scoped to the archived mailboxes)`
  : `${signedInAs(s)} needs Full Access to it (Add-MailboxPermission -Identity ${mailbox} -User <account> -AccessRights FullAccess), or turn on the impersonation setting`;

/** An EWS ResponseCode (from a SOAP fault or a response message) as a FerryError. */
export function ewsCodeError(code: string, messageText: string, ctx: EwsErrorContext, status?: number): EwsError {
  const s = ctx.settings;
  const mb = ctx.mailbox ?? '(the service account)';
  const says = `Exchange says ${code}${messageText ? `: ${messageText}` : ''}`;
  const make = (cls: ErrorClass, message: string) => new EwsError(cls, message, code, status);
  switch (code) {
    case 'ErrorNonExistentMailbox':
    case 'ErrorInvalidSmtpAddress':
    case 'ErrorMailRecipientNotFound':
      return make('config', `mailbox ${mb} does not exist on ${s.host}, or has no Exchange mailbox (${says}): check the mapping to this address`);
    case 'ErrorNonPrimarySmtpAddress':
      return make('config', `${mb} is not the primary SMTP address of its mailbox on ${s.host} (${says}): map to the primary address`);
    case 'ErrorImpersonateUserDenied':
    case 'ErrorImpersonationDenied':
    case 'ErrorImpersonationFailed':
      return make('auth', `${signedInAs(s)} may not act as mailbox ${mb} on ${s.host} (${says}): assign it the ApplicationImpersonation role (New-ManagementRoleAssignment -Role ApplicationImpersonation -User <account>) with a scope that includes this mailbox`);
    case 'ErrorAccessDenied':
      return make('auth', `Exchange on ${s.host} denied ${signedInAs(s)} access to mailbox ${mb} while ${ctx.what} (${says}): ${accessHint(s, mb)}`);
    case 'ErrorInvalidServerVersion':
      return make('config', `the Exchange server at ${s.url} does not accept the EWS version ${s.serverVersion} (${says}): set serverVersion to one it supports (Exchange2010_SP1 for Exchange 2010)`);
    case 'ErrorInvalidExchangeImpersonationHeaderData':
    case 'ErrorInvalidImpersonationHeader':
      return make('config', `Exchange on ${s.host} refused the impersonation of ${mb} (${says}): check the mailbox address`);
    case 'ErrorQuotaExceeded':
      return make('transient', `mailbox ${mb} on ${s.host} is over its quota while ${ctx.what} (${says}); a later run retries it once space is freed`);
    case 'ErrorMessageSizeExceeded':
      return make('data', `Exchange on ${s.host} refused ${ctx.what} for mailbox ${mb} as too large (${says}): raise the EWS or mailbox size limits, or lower the connector's item size limit`);
    default:
      break;
  }
  if (BUSY_CODES.has(code) || TRANSIENT_CODES.has(code)) {
    return make('transient', `Exchange on ${s.host} was busy or unavailable while ${ctx.what} for mailbox ${mb} (${says})`);
  }
  return make('data', `Exchange on ${s.host} refused ${ctx.what} for mailbox ${mb} (${says})`);
}

/** An HTTP answer that is not EWS's own (no SOAP body to read). */
export function ewsHttpError(status: number, ctx: EwsErrorContext): EwsError {
  const s = ctx.settings;
  const make = (cls: ErrorClass, message: string) => new EwsError(cls, message, `HTTP${status}`, status);
  if (status === 401) {
    return make('auth', s.auth === 'basic'
      ? `Exchange at ${s.host} refused the sign-in of ${signedInAs(s)} (HTTP 401): check the password in Ferry's keychain entry "${ewsCredentialRef(s)}", that the account is not locked, and that Basic authentication is enabled on the EWS virtual directory`
      : `Exchange at ${s.host} refused the OAuth bearer token (HTTP 401): the token in Ferry's keychain entry "${ewsCredentialRef(s)}" may have expired or be for another resource; store a fresh one, and check that OAuth is enabled on the EWS virtual directory`);
  }
  if (status === 403) {
    return make('auth', `Exchange at ${s.host} forbids EWS to ${signedInAs(s)} (HTTP 403) while ${ctx.what}: check that EWS is enabled for the account (Set-CASMailbox -EwsEnabled $true) and not blocked by an EWS application access policy`);
  }
  if (status === 404) {
    return make('config', `there is no Exchange Web Services endpoint at ${s.url} (HTTP 404): the URL normally ends in /EWS/Exchange.asmx`);
  }
  if (status === 413) return make('data', `Exchange at ${s.host} refused ${ctx.what} as too large (HTTP 413): raise maxAllowedContentLength on the EWS virtual directory`);
  return make('data', `Exchange at ${s.host} answered HTTP ${status} while ${ctx.what}${ctx.mailbox ? ` for mailbox ${ctx.mailbox}` : ''}`);
}
