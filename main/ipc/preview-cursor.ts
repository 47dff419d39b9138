/**
 * Pages of converted messages for the Preview screen. Scrolling asks for consecutive pages, so the
 * reader of the export is kept open between pages and continued, instead of re-reading the export
 * from the start for every page; any other offset starts a fresh reader.
 */
import { simpleParser } from 'mailparser';
import { type PreviewEntry, previewMessages } from '../engine/runs/preview';
import type { Source, SourceSettings } from '../engine/sources/types';
import type { MappingRouter } from '../engine/mapping/router';
import { type Identity, type SourceRecord, isBadRecord } from '../engine/item';
import type { ConvertOptions } from '../engine/convert/convert';

export interface PreviewRequest {
  key: string;
  source: Source;
  settings: SourceSettings;
  router: MappingRouter;
  convert?: ConvertOptions;
  folder: string;
}

export interface Participant {
  role: 'from' | 'to' | 'cc' | 'bcc';
  id: string;
  name: string | null;
  /** The mailbox this participant's copy goes to, or null when they map to nobody. */
  mailbox: string | null;
  via: 'mapping' | 'automatic' | null;
}

export type PreviewPageEntry = Omit<PreviewEntry, 'mime'> & { participants?: Participant[] };

interface Cursor {
  key: string;
  position: number;
  iterator: AsyncGenerator<PreviewEntry>;
  /** The records read but not yet turned into entries, by position (to name each participant's mailbox). */
  records: Map<number, SourceRecord>;
}

/** The source, keeping each record it hands over until its entry is made. */
function recording(source: Source, records: Map<number, SourceRecord>): Source {
  return {
    spec: source.spec,
    check: (s) => source.check(s),
    async *read(settings, ctx) {
      let seq = 0;
      for await (const r of source.read(settings, ctx)) {
        records.set(seq++, r);
        yield r;
      }
    },
  };
}

function participantsOf(record: SourceRecord | undefined, router: MappingRouter): Participant[] | undefined {
  if (!record || isBadRecord(record)) return undefined;
  const one = (role: Participant['role'], i: Identity): Participant => {
    const m = router.match(i, record.date);
    return { role, id: i.id, name: i.name ?? null, mailbox: m?.mailbox ?? null, via: m?.via ?? null };
  };
  return [...(record.from ? [one('from', record.from)] : []), ...record.to.map((t) => one('to', t)),
    ...(record.cc ?? []).map((t) => one('cc', t)), ...(record.bcc ?? []).map((t) => one('bcc', t))];
}

export class PreviewCursors {
  private cursor: Cursor | undefined;
  /** One page at a time: pages asked for concurrently wait their turn. */
  private queue: Promise<unknown> = Promise.resolve();

  page(req: PreviewRequest, offset: number, limit: number): Promise<{ entries: PreviewPageEntry[]; end: boolean }> {
    const run = this.queue.then(() => this.read(req, offset, limit));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async read(req: PreviewRequest, offset: number, limit: number): Promise<{ entries: PreviewPageEntry[]; end: boolean }> {
    let c = this.cursor;
    if (!c || c.key !== req.key || c.position !== offset) {
      await this.close();
      const records = new Map<number, SourceRecord>();
      c = {
        key: req.key, position: offset, records,
        iterator: previewMessages(recording(req.source, records), req.settings, {
          offset, folder: req.folder, withMime: true, router: req.router, ...(req.convert ? { convert: req.convert } : {}),
        }),
      };
      this.cursor = c;
    }
    const entries: PreviewPageEntry[] = [];
    try {
      while (entries.length < limit) {
        const next = await c.iterator.next();
        if (next.done) {
          this.cursor = undefined;
          return { entries, end: true };
        }
        const e = next.value;
        const participants = participantsOf(c.records.get(e.seq), req.router);
        // Records up to this one are done with (the ones skipped before the offset too).
        for (const k of c.records.keys()) if (k <= e.seq) c.records.delete(k);
        entries.push({ ...await withParts(e), ...(participants ? { participants } : {}) });
      }
    } catch (err) {
      this.cursor = undefined;
      throw err;
    }
    c.position += entries.length;
    return { entries, end: false };
  }

  async close(): Promise<void> {
    const c = this.cursor;
    this.cursor = undefined;
    await c?.iterator.return(undefined);
  }
}

/**
 * Pass-through messages (EML, MBOX) keep their original MIME and have no structured parts: their
 * HTML body and attachments are read back from the MIME, so the preview shows them like any other.
 * The MIME itself is left out of the page (the raw view asks for it separately).
 */
async function withParts(e: PreviewEntry): Promise<PreviewPageEntry> {
  const { mime, ...entry } = e;
  if (mime === undefined || entry.html !== undefined || entry.error) return entry;
  try {
    const parsed = await simpleParser(Buffer.from(mime, 'utf8'), { skipImageLinks: true, skipTextToHtml: true });
    if (typeof parsed.html === 'string') entry.html = parsed.html;
    if (!entry.attachments?.length && parsed.attachments.length) {
      entry.attachments = parsed.attachments.map((a) => ({ filename: a.filename ?? '(no name)', contentType: a.contentType, size: a.size }));
    }
  } catch {
    // Unparseable MIME: the entry keeps its plain text; the raw view still shows the message.
  }
  return entry;
}
