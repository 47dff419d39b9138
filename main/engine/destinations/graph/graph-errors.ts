/**
 * Graph's refusals as classified errors, in an admin's words. The run stops on auth and config
 * errors (every item would meet them); a data error fails one item and the run goes on.
 */
import { type ErrorClass, FerryError } from '../../errors';

/** An HTTP refusal from Graph: keeps the status and Graph's error code so callers can react to them. */
export class GraphApiError extends FerryError {
  constructor(errorClass: ErrorClass, message: string, readonly status: number, readonly code: string, readonly requestId?: string) {
    super(errorClass, message);
  }
}

export interface GraphErrorBody { code: string; message: string }

/** `{ "error": { "code", "message" } }`, or what can be said without it. */
export function graphErrorBody(json: unknown, status: number): GraphErrorBody {
  const e = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return {
    code: typeof e?.code === 'string' ? e.code : `HTTP${status}`,
    message: typeof e?.message === 'string' ? e.message : `HTTP ${status}`,
  };
}

/** Mailbox-level 404 codes: the address has no Exchange Online mailbox this app can see. */
const NO_MAILBOX = new Set(['ErrorInvalidUser', 'MailboxNotEnabledForRESTAPI', 'MailboxNotHostedInExchangeOnline', 'ErrorNonExistentMailbox', 'ResourceNotFound', 'Request_ResourceNotFound']);

export interface ErrorContext {
  tenantId: string;
  mailbox: string;
  /** What was being done: `creating message <id> in folder "Twitter Archive"`. */
  what: string;
  requestId?: string;
  /** Where the admin fixes the credentials (from the settings). */
  credentialHint: string;
}

export function graphApiError(status: number, body: GraphErrorBody, ctx: ErrorContext): GraphApiError {
  const ref = ctx.requestId ? ` (request-id ${ctx.requestId})` : '';
  const graphSays = `${body.code}: ${body.message}`;
  const make = (cls: ErrorClass, message: string) => new GraphApiError(cls, `${message}${ref}`, status, body.code, ctx.requestId);
  if (status === 401) {
    return make('auth', `Microsoft 365 rejected the app's credentials for tenant ${ctx.tenantId}: its access token was refused twice while ${ctx.what} (${graphSays}); ${ctx.credentialHint}`);
  }
  if (status === 403) {
    return make('auth', `Microsoft 365 denied the app access to mailbox ${ctx.mailbox} while ${ctx.what} (${graphSays}): the app needs the Mail.ReadWrite application permission with admin consent, and no application access policy may exclude this mailbox`);
  }
  if (status === 404 && NO_MAILBOX.has(body.code)) {
    return make('config', `mailbox ${ctx.mailbox} does not exist in tenant ${ctx.tenantId}, or has no Exchange Online mailbox (${graphSays}): check the mapping to this address`);
  }
  if (status === 404 && body.code !== 'ErrorItemNotFound') {
    return make('config', `Microsoft Graph has no such resource while ${ctx.what} for mailbox ${ctx.mailbox} (${graphSays}): check the Graph base URL setting`);
  }
  if (status === 413) {
    return make('data', `Microsoft 365 refused ${ctx.what} for mailbox ${ctx.mailbox} as too large (${graphSays})`);
  }
  return make('data', `Microsoft 365 refused ${ctx.what} for mailbox ${ctx.mailbox} with HTTP ${status} (${graphSays})`);
}
