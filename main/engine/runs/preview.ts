/**
 * Converted messages for display, without recording or delivering anything: the desktop app's
 * preview list and `ferry preview --show`. Same steps as a run (validate → route → convert).
 */
import type { Source, SourceSettings } from '../sources/types';
import { defaultFolder } from '../sources/default-folder';
import { type SourceRecord, describeOrigin, isBadRecord } from '../item';
import { validateItem } from '../validate';
import { type ConvertOptions, convertItem } from '../convert/convert';
import { type Router, unassignedRouter } from '../routing/types';
import type { DeliveryTarget } from '../destinations/types';
import { classify } from '../errors';
import { formatAddress } from '../convert/addresses';

export interface PreviewEntry {
  seq: number;
  origin: string;
  itemId?: string;
  /** Set when the item would fail, with the reason. */
  error?: string;
  messageId?: string;
  messageClass?: string;
  from?: string;
  to?: string[];
  cc?: string[];
  bcc?: string[];
  subject?: string;
  date?: string;
  text?: string;
  html?: string;
  attachments?: { filename: string; contentType: string; size: number }[];
  omitted?: { filename: string; size: number }[];
  /** Where each copy would go. */
  targets?: DeliveryTarget[];
  unmapped?: boolean;
  unmappedIdentities?: string[];
  mime?: string;
}

export async function* previewMessages(source: Source, settings: SourceSettings, opts: {
  router?: Router; convert?: ConvertOptions; folder?: string; offset?: number; limit?: number; withMime?: boolean; signal?: AbortSignal;
} = {}): AsyncGenerator<PreviewEntry> {
  const router = opts.router ?? unassignedRouter;
  const folder = opts.folder ?? defaultFolder(source, settings);
  const offset = opts.offset ?? 0;
  const limit = opts.limit ?? Infinity;
  let seq = -1;
  let yielded = 0;
  for await (const record of source.read(settings, opts.signal ? { signal: opts.signal } : {}) as AsyncGenerator<SourceRecord>) {
    seq++;
    if (seq < offset) continue;
    if (yielded >= limit || opts.signal?.aborted) break;
    yielded++;
    if (isBadRecord(record)) { yield { seq, origin: describeOrigin(record.origin), error: `${describeOrigin(record.origin)}: ${record.reason}` }; continue; }
    const base: PreviewEntry = { seq, origin: describeOrigin(record.origin), itemId: record.id, subject: record.subject ?? '' };
    const invalid = validateItem(record);
    if (invalid) { yield { ...base, error: invalid }; continue; }
    const route = router.route(record, folder);
    const routing = { targets: route.targets, unmapped: route.unmapped, unmappedIdentities: route.unmappedIdentities.map((i) => i.id) };
    if (route.refusal) { yield { ...base, ...routing, error: route.refusal }; continue; }
    try {
      const m = await convertItem(record, { ...opts.convert, resolve: route.resolve });
      yield {
        ...base, ...routing, messageId: m.messageId, messageClass: m.messageClass, from: formatAddress(m.from), to: m.to.map(formatAddress),
        ...(m.cc ? { cc: m.cc.map(formatAddress) } : {}), ...(m.bcc ? { bcc: m.bcc.map(formatAddress) } : {}),
        subject: m.subject, date: m.date.toISOString(), text: m.parts?.text ?? m.text, ...(m.parts?.html !== undefined ? { html: m.parts.html } : {}),
        attachments: (m.parts?.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.content.length })),
        omitted: m.omitted, ...(opts.withMime ? { mime: m.mime.toString('utf8') } : {}),
      };
    } catch (err) {
      yield { ...base, ...routing, error: classify(err).message };
    }
  }
}
