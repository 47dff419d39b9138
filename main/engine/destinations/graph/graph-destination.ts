/**
 * Microsoft 365 (Exchange Online) through Microsoft Graph, app-only. Each message is created in
 * the folder per source of its mailbox as Graph JSON (message-json.ts), with its attachments
 * (attachments.ts), under Graph's throttling limits (graph-client.ts).
 *
 * Nothing is stored twice, and nothing is counted delivered incomplete:
 * - a create whose outcome is unknown (timeout, dropped connection, 5xx) is followed by a lookup by
 *   internetMessageId before any new attempt; `find()` does the same lookup for the run's resume;
 * - a message whose attachments are added after the create carries FerryDeliveryState=incomplete
 *   until the last one is in; a lookup that meets an incomplete copy deletes it and reports
 *   nothing found, so the message is delivered again whole.
 */
import type { ConvertedMessage } from '../../convert/convert';
import { FerryError, classify, dataError, errorMessage } from '../../errors';
import type { Delivered, DeliveryTarget, RemoteDestination } from '../types';
import type { Dispatcher } from 'undici';
import { addAttachment, MAX_ATTACHMENT, splitAttachments } from './attachments';
import { FolderResolver, odataString, userPath } from './folders';
import { GraphApiError, GraphClient, newClientStats, type GraphClientStats, type GraphResult } from './graph-client';
import { createDispatcher } from '../shared/https';
import { LazyConnection, targetMailbox } from '../shared/lazy-connection';
import { PROP, fileAttachmentJson, graphMessage, type GraphMessage } from './message-json';
import { resolveGraphSettings, type GraphSettings, type ResolvedGraphSettings } from './settings';
import { GraphTokenProvider, type GetCredential } from './token';

interface Connection {
  dispatcher: Dispatcher;
  tokens: GraphTokenProvider;
  client: GraphClient;
  folders: FolderResolver;
}

interface Found { id: string; requestId?: string }

export class GraphDestination implements RemoteDestination {
  readonly kind = 'graph';
  readonly transactional = false as const;
  readonly key: string;
  readonly label: string;
  readonly concurrency: number;
  readonly settings: ResolvedGraphSettings;
  private readonly conn = new LazyConnection((): Connection => {
    const dispatcher = createDispatcher({ ...(this.settings.caCertificate ? { ca: this.settings.caCertificate } : {}), connectTimeoutMs: this.settings.timeouts.connectMs });
    const tokens = new GraphTokenProvider(this.settings, this.getCredential, dispatcher);
    const client = new GraphClient(this.settings, tokens, dispatcher, this.stats);
    return { dispatcher, tokens, client, folders: new FolderResolver(client) };
  });

  constructor(settings: GraphSettings, private readonly getCredential: GetCredential) {
    this.settings = resolveGraphSettings(settings);
    this.key = `graph:${this.settings.tenantId.toLowerCase()}`;
    this.label = `Microsoft 365 (tenant ${this.settings.tenantId})`;
    this.concurrency = this.settings.limits.parallelDeliveries;
  }

  /** Signs in lazily, on the first request: opening never fails, so a run always records its outcome. */
  async open(): Promise<void> {
    this.conn.get();
  }

  /** Signs in now rather than on the first request (to report a credentials problem early, or to time deliveries alone). */
  async signIn(): Promise<void> {
    await this.connection().tokens.token();
  }

  /** Finds or creates the target folder now (a run, or `ferry destination test`, may prepare its folders up front). */
  async prepareFolder(target: DeliveryTarget, signal?: AbortSignal): Promise<void> {
    await this.connection().folders.resolve(this.mailboxOf(target), target.folder, signal);
  }

  close(): Promise<void> {
    return this.conn.close();
  }

  /** Requests, throttling answers, retries and recoveries since the destination was made. */
  readonly stats: GraphClientStats = newClientStats();

  async deliver(message: ConvertedMessage, target: DeliveryTarget, signal?: AbortSignal): Promise<Delivered> {
    const mailbox = this.mailboxOf(target);
    let gm: GraphMessage;
    try {
      gm = await graphMessage(message);
    } catch (err) {
      throw dataError(`message ${message.messageId} cannot be read for Microsoft 365: ${errorMessage(err)}`, err);
    }
    const tooBig = gm.attachments.find((a) => a.content.length > MAX_ATTACHMENT);
    if (tooBig) throw dataError(`message ${message.messageId}: the attachment "${tooBig.name}" is ${tooBig.content.length} bytes, over Microsoft 365's 150 MB limit per attachment`);
    const { inline, later } = splitAttachments(gm.attachments, Buffer.byteLength(JSON.stringify(gm.json)));
    const json: Record<string, unknown> = { ...gm.json, ...(inline.length ? { attachments: inline.map(fileAttachmentJson) } : {}) };
    if (later.length) {
      json.singleValueExtendedProperties = [...(gm.json.singleValueExtendedProperties as unknown[]), { id: PROP.deliveryState, value: 'incomplete' }];
      // Big messages take several requests: one more to check first is cheap, and it clears an incomplete copy a failed attempt left.
      const there = await this.lookup(mailbox, message.messageId, signal);
      if (there) return this.delivered(there.id, there.requestId);
    }

    for (let round = 1; ; round++) {
      const created = await this.create(mailbox, target.folder, json, message.messageId, signal);
      if (created.recovered || !later.length) return this.delivered(created.id, created.requestId);
      const { client } = this.connection();
      try {
        for (const a of later) await addAttachment({ client, mailbox, itemId: created.id, messageId: message.messageId, ...(signal ? { signal } : {}) }, a);
        await client.send({
          mailbox, method: 'PATCH', url: `${userPath(mailbox)}/messages/${encodeURIComponent(created.id)}`, idempotent: true,
          json: { singleValueExtendedProperties: [{ id: PROP.deliveryState, value: 'complete' }] },
          what: `marking message ${message.messageId} complete`, ...(signal ? { signal } : {}),
        });
        return this.delivered(created.id, created.requestId);
      } catch (err) {
        const e = classify(err);
        // An incomplete copy is never left for a user to see: delete it (if that fails too, the next lookup does).
        await this.discard(mailbox, created.id);
        if ((e.errorClass !== 'transient' && e.errorClass !== 'throttled') || round >= 2 || signal?.aborted) throw e;
      }
    }
  }

  async find(messageId: string, target: DeliveryTarget, signal?: AbortSignal): Promise<Delivered | null> {
    if (!target.mailbox) return null;
    const hit = await this.lookup(target.mailbox, messageId, signal);
    return hit ? this.delivered(hit.id, hit.requestId) : null;
  }

  private connection(): Connection {
    return this.conn.get();
  }

  private mailboxOf(target: DeliveryTarget): string {
    return targetMailbox(target, 'Microsoft 365');
  }

  private delivered(id: string, requestId?: string): Delivered {
    return { remoteId: id, ...(requestId ? { correlationId: requestId } : {}) };
  }

  /** Creates the message in the folder; after an uncertain attempt, finds it instead of creating it twice. */
  private async create(mailbox: string, folder: string, json: Record<string, unknown>, messageId: string, signal?: AbortSignal): Promise<Found & { recovered: boolean }> {
    const { client, folders } = this.connection();
    for (let attempt = 1; ; attempt++) {
      const folderId = await folders.resolve(mailbox, folder, signal);
      let recovered = false;
      try {
        const r: GraphResult = await client.send({
          mailbox, method: 'POST', url: `${userPath(mailbox)}/mailFolders/${encodeURIComponent(folderId)}/messages`, json, idempotent: false,
          what: `creating message ${messageId} in folder "${folder}"`, ...(signal ? { signal } : {}),
          recover: async () => {
            const hit = await this.lookup(mailbox, messageId, signal);
            if (!hit) return null;
            recovered = true;
            return { status: 201, headers: {}, json: { id: hit.id }, ...(hit.requestId ? { requestId: hit.requestId } : {}) };
          },
        });
        const id = (r.json as { id?: string } | null)?.id;
        if (!id) throw new FerryError('transient', `Microsoft 365 created message ${messageId} in mailbox ${mailbox} but returned no id`);
        return { id, recovered, ...(r.requestId ? { requestId: r.requestId } : {}) };
      } catch (err) {
        // The cached folder was deleted meanwhile: look it up (or create it) again, once.
        if (err instanceof GraphApiError && err.status === 404 && err.code === 'ErrorItemNotFound' && attempt === 1) {
          folders.forget(mailbox, folder);
          continue;
        }
        throw err;
      }
    }
  }

  /**
   * The complete copy of a message in the mailbox (any folder), by internetMessageId. Incomplete
   * copies (attachments missing after a failed attempt) are deleted on the way.
   */
  private async lookup(mailbox: string, messageId: string, signal?: AbortSignal): Promise<Found | null> {
    const { client } = this.connection();
    const filter = encodeURIComponent(`internetMessageId eq ${odataString(messageId)}`);
    const expand = encodeURIComponent(`singleValueExtendedProperties($filter=id eq ${odataString(PROP.deliveryState)})`);
    const r = await client.send({
      mailbox, method: 'GET', url: `${userPath(mailbox)}/messages?$filter=${filter}&$select=id&$expand=${expand}&$top=50`,
      idempotent: true, what: `looking up message ${messageId}`, ...(signal ? { signal } : {}),
    });
    const hits = ((r.json as { value?: { id: string; singleValueExtendedProperties?: { id: string; value: string }[] }[] } | null)?.value ?? []);
    let complete: Found | null = null;
    for (const h of hits) {
      const incomplete = (h.singleValueExtendedProperties ?? []).some((p) => p.value === 'incomplete');
      if (incomplete) await this.discard(mailbox, h.id, signal);
      else complete ??= { id: h.id, ...(r.requestId ? { requestId: r.requestId } : {}) };
    }
    return complete;
  }

  /** Deletes an incomplete copy for good (not to Deleted Items, where a lookup would still find it). */
  private async discard(mailbox: string, itemId: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.connection().client.send({
        mailbox, method: 'POST', url: `${userPath(mailbox)}/messages/${encodeURIComponent(itemId)}/permanentDelete`, idempotent: true,
        what: 'deleting an incomplete copy', ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (err instanceof GraphApiError && err.status === 404) return;
      // Left marked incomplete: the next lookup deletes it.
    }
  }
}
