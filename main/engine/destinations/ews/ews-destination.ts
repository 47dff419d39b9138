/**
 * Exchange Server on-premises through Exchange Web Services. Each message is saved with CreateItem
 * (SaveOnly) as its RFC 5322 form in `MimeContent`, byte for byte, with the item class set to the
 * message class, PR_MESSAGE_FLAGS = 1 (read, not a draft) and its date as delivery time, into the
 * folder per source or a well-known folder such as `recoverableitemspurges`.
 *
 * Nothing is stored twice: a create whose outcome is unknown (timeout, dropped connection, 5xx) is
 * followed by a FindItem on PR_INTERNET_MESSAGE_ID in the same folder before any new attempt, and
 * `find()` does the same lookup for a run's resume.
 */
import type { Dispatcher } from 'undici';
import type { ConvertedMessage } from '../../convert/convert';
import { FerryError } from '../../errors';
import type { SecretStore } from '../../secrets/secret-store';
import type { Delivered, DeliveryTarget, RemoteDestination } from '../types';
import { EwsClient, newEwsStats, type EwsClientStats, type EwsResult } from './ews-client';
import { EwsError } from './ews-errors';
import { FolderResolver } from './folders';
import { createDispatcher } from '../shared/https';
import { LazyConnection, targetMailbox } from '../shared/lazy-connection';
import { resolveEwsSettings, type EwsSettings, type ResolvedEwsSettings } from './settings';
import { createItemBody, findItemByMessageIdBody, type FolderRef } from './soap-requests';
import { itemIds } from './soap-responses';

interface Connection {
  dispatcher: Dispatcher;
  client: EwsClient;
  folders: FolderResolver;
}

const CORRELATION_HEADER = 'x-ingestioncorrelationid';

export class EwsDestination implements RemoteDestination {
  readonly kind = 'ews';
  readonly transactional = false as const;
  readonly key: string;
  readonly label: string;
  readonly concurrency: number;
  readonly settings: ResolvedEwsSettings;
  /** Requests, busy answers, waits, retries and recoveries since the destination was made. */
  readonly stats: EwsClientStats = newEwsStats();
  private readonly conn = new LazyConnection((): Connection => {
    const dispatcher = createDispatcher({ ...(this.settings.caCertificate ? { ca: this.settings.caCertificate } : {}), connectTimeoutMs: this.settings.connectTimeoutMs });
    const client = new EwsClient(this.settings, this.secrets, dispatcher, this.stats);
    return { dispatcher, client, folders: new FolderResolver(this.settings, client) };
  });

  constructor(settings: EwsSettings | Record<string, unknown>, private readonly secrets: SecretStore) {
    this.settings = resolveEwsSettings(settings);
    const u = new URL(this.settings.url);
    this.key = `ews:${this.settings.host}${u.pathname.toLowerCase()}`;
    this.label = `Exchange Server ${this.settings.host} (EWS)`;
    this.concurrency = this.settings.concurrency;
  }

  /** Signs in lazily, on the first request: opening never fails, so a run always records its outcome. */
  async open(): Promise<void> {
    this.conn.get();
  }

  close(): Promise<void> {
    return this.conn.close();
  }

  async deliver(message: ConvertedMessage, target: DeliveryTarget, signal?: AbortSignal): Promise<Delivered> {
    const mailbox = this.mailboxOf(target);
    const { client, folders } = this.connection();
    for (let attempt = 1; ; attempt++) {
      const folder = await folders.resolve(mailbox, target.folder, signal);
      try {
        const r = await client.call({
          mailbox, operation: 'CreateItem', idempotent: false,
          body: createItemBody(folder, { mailbox, impersonation: this.settings.impersonation }, { mime: message.mime, itemClass: message.messageClass, date: message.date }),
          what: `saving message ${message.messageId} into ${describe(folder, target.folder)}`,
          recover: () => this.lookup(mailbox, folder, message.messageId, signal),
          ...(signal ? { signal } : {}),
        });
        const id = itemIds(r.message)[0];
        if (!id) throw new FerryError('transient', `Exchange at ${this.settings.host} saved message ${message.messageId} in mailbox ${mailbox} but returned no item id; the next run looks it up`);
        return delivered(id.id, r.headers);
      } catch (err) {
        // The cached folder per source was deleted meanwhile: find (or make) it again, once.
        if (err instanceof EwsError && (err.code === 'ErrorFolderNotFound' || err.code === 'ErrorItemNotFound') && 'id' in folder && attempt === 1) {
          folders.forget(mailbox, target.folder);
          continue;
        }
        if (err instanceof EwsError && err.code === 'ErrorFolderNotFound') {
          throw new EwsError('config', `mailbox ${mailbox} on ${this.settings.host} has no folder ${describe(folder, target.folder)} (${err.message}); recoverable items folders need Exchange 2010 SP1 or later`, err.code);
        }
        throw err;
      }
    }
  }

  async find(messageId: string, target: DeliveryTarget, signal?: AbortSignal): Promise<Delivered | null> {
    if (!target.mailbox) return null;
    const folder = await this.connection().folders.existing(target.mailbox, target.folder, signal);
    if (!folder) return null;
    const r = await this.lookup(target.mailbox, folder, messageId, signal);
    if (!r) return null;
    const id = itemIds(r.message)[0]!;
    return delivered(id.id, r.headers);
  }

  private connection(): Connection {
    return this.conn.get();
  }

  private mailboxOf(target: DeliveryTarget): string {
    return targetMailbox(target, 'Exchange');
  }

  /** The message in the folder, by PR_INTERNET_MESSAGE_ID; null when it is not there. */
  private async lookup(mailbox: string, folder: FolderRef, messageId: string, signal?: AbortSignal): Promise<EwsResult | null> {
    const r = await this.connection().client.call({
      mailbox, operation: 'FindItem', idempotent: true, body: findItemByMessageIdBody(folder, { mailbox, impersonation: this.settings.impersonation }, messageId),
      what: `looking up message ${messageId}`, ...(signal ? { signal } : {}),
    });
    return itemIds(r.message).length ? r : null;
  }
}

function delivered(itemId: string, headers: Record<string, string>): Delivered {
  const correlation = headers[CORRELATION_HEADER];
  return { remoteId: itemId, ...(correlation ? { correlationId: correlation } : {}) };
}

function describe(folder: FolderRef, name: string): string {
  return 'distinguished' in folder ? `the well-known folder ${folder.distinguished}` : `the folder "${name}"`;
}
