/**
 * Faults the loopback Graph server can inject, once or n times, on the operations they match, or
 * at random on a share of the mailbox requests (for the benchmark; the queue is shared with EWS:
 * ../shared/fault-plan.ts):
 * - `drop-before`: the connection is destroyed before the request is handled (nothing stored);
 * - `drop-after`: the request is handled (the message stored), then the connection is destroyed;
 * - `slow-after`: handled, then answered only after `delayMs` (the client times out first);
 * - `status`: answered with `status` (500, 503, 504, 429...) and optional `retryAfterSec`, before
 *   handling, or after it with `afterHandling` (a gateway timeout once the message was stored);
 * - `unauthorized`: 401 InvalidAuthenticationToken, before handling.
 */
import { FaultQueue, type PlannedFault } from '../shared/fault-plan';

export type Operation =
  | 'token' | 'listFolders' | 'getFolder' | 'createFolder' | 'createMessage' | 'listMessages' | 'getMessage'
  | 'updateMessage' | 'deleteMessage' | 'listAttachments' | 'createAttachment' | 'createUploadSession' | 'uploadChunk';

export type FaultKind = 'drop-before' | 'drop-after' | 'slow-after' | 'status' | 'unauthorized';

export interface Fault extends PlannedFault<Operation> {
  kind: FaultKind;
  status?: number;
  /** Graph error code and message of a `status` fault (default: one that fits the status). */
  code?: string;
  message?: string;
  retryAfterSec?: number;
  afterHandling?: boolean;
  delayMs?: number;
}

/** Random faults draw from every kind but `unauthorized`. */
const DEFAULT_RANDOM: Fault[] = [
  { kind: 'drop-before' }, { kind: 'drop-after' }, { kind: 'status', status: 500 }, { kind: 'status', status: 503 },
  { kind: 'status', status: 504, afterHandling: true }, { kind: 'slow-after', delayMs: 3000 },
];

export class FaultPlan extends FaultQueue<Operation, Fault> {
  // The token endpoint is not a mailbox request: random faults spare it.
  constructor() { super(DEFAULT_RANDOM, ['token']); }
}
