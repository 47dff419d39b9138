/**
 * Faults the loopback EWS server can inject, once or n times, on the operations they match, or at
 * random on a share of the mailbox requests (the queue is shared with Graph: ../shared/fault-plan.ts):
 * - `drop-before`: the connection is destroyed before the request is handled (nothing stored);
 * - `drop-after`: the request is handled (the message stored), then the connection is destroyed;
 * - `slow-after`: handled, then answered only after `delayMs` (the client times out first);
 * - `status`: an HTTP status (500 from IIS, 502, 503, 429...) with an HTML body and an optional
 *   Retry-After, before handling, or after it with `afterHandling`;
 * - `server-busy`: ErrorServerBusy with BackOffMilliseconds, as a SOAP fault (HTTP 500, the usual
 *   shape) or as the response message's error (`asMessage`);
 * - `item-error`: the operation's response message is ResponseClass Error with `code` and `message`;
 * - `unauthorized`: HTTP 401.
 */
import { FaultQueue, type PlannedFault } from '../shared/fault-plan';

export type Operation = 'CreateItem' | 'FindItem' | 'FindFolder' | 'CreateFolder' | 'GetFolder';

export type FaultKind = 'drop-before' | 'drop-after' | 'slow-after' | 'status' | 'server-busy' | 'item-error' | 'unauthorized';

export interface Fault extends PlannedFault<Operation> {
  kind: FaultKind;
  status?: number;
  retryAfterSec?: number;
  afterHandling?: boolean;
  delayMs?: number;
  backOffMs?: number;
  asMessage?: boolean;
  code?: string;
  message?: string;
}

export const DEFAULT_RANDOM: Fault[] = [
  { kind: 'drop-before' }, { kind: 'drop-after' }, { kind: 'status', status: 500 }, { kind: 'status', status: 503, retryAfterSec: 0 },
  { kind: 'status', status: 502, afterHandling: true }, { kind: 'slow-after', delayMs: 3000 }, { kind: 'server-busy', backOffMs: 50 },
  { kind: 'server-busy', backOffMs: 30, asMessage: true }, { kind: 'status', status: 429, retryAfterSec: 0 },
];

export class FaultPlan extends FaultQueue<Operation, Fault> {
  constructor() { super(DEFAULT_RANDOM); }
}
