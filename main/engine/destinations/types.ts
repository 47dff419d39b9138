/**
 * One destination interface for every target, the local archive included: deliver one message to
 * one mailbox folder and return the destination's id for it, or throw a classified FerryError
 * (auth, config, throttled, transient, data) that the run records against the item.
 */
import type { ConvertedMessage } from '../convert/convert';

export interface DeliveryTarget {
  /** Mailbox address; '' in the local archive means "not assigned to a mailbox". */
  mailbox: string;
  /** Folder inside the mailbox: the folder per source, or `Inbox` for the catch-all. */
  folder: string;
}

export interface Delivered {
  /** The destination's identifier for the stored item: Graph or EWS item id, IMAP `<uidvalidity>:<uid>`, archive row. */
  remoteId?: string;
  /** The request's tracing id, when the service returns one: Graph's `request-id`, EWS's `x-IngestionCorrelationID`. */
  correlationId?: string;
  /**
   * The folder's real name at the destination, when it differs from the configured one (IMAP: the mailbox
   * path with the server's namespace prefix and separator): the ledger records it.
   */
  folder?: string;
}

interface DestinationBase {
  /** Ledger key: the same physical target gives the same key (`archive`, `graph:<tenant>`, `imap:host:port:user`). */
  readonly key: string;
  readonly kind: string;
  /** Human description for reports: `Microsoft 365 (contoso.onmicrosoft.com)`. */
  readonly label: string;
  open(): Promise<void>;
  close(): Promise<void>;
}

/** Writes into the store's own SQLite transaction: exactly-once with no lookups. */
export interface LocalDestination extends DestinationBase {
  readonly transactional: true;
  deliverSync(message: ConvertedMessage, target: DeliveryTarget): Delivered;
}

export interface RemoteDestination extends DestinationBase {
  readonly transactional: false;
  /** Deliveries in flight at once for this destination. */
  readonly concurrency: number;
  deliver(message: ConvertedMessage, target: DeliveryTarget, signal?: AbortSignal): Promise<Delivered>;
  /**
   * After an uncertain outcome (a crash or timeout once the request was sent): is the message already
   * there? Looked up by Message-ID, so nothing is ever stored twice.
   */
  find(messageId: string, target: DeliveryTarget, signal?: AbortSignal): Promise<Delivered | null>;
}

export type Destination = LocalDestination | RemoteDestination;
