/**
 * Pages of converted messages for the Preview screen. Scrolling asks for consecutive pages, so the
 * reader of the export is kept open between pages and continued, instead of re-reading the export
 * from the start for every page; any other offset starts a fresh reader.
 */
import { simpleParser } from 'mailparser';
import { type PreviewEntry, previewMessages } from '../engine/runs/preview';
import type { Source, SourceSettings } from '../engine/sources/types';
import type { Router } from '../engine/routing/types';
import type { ConvertOptions } from '../engine/convert/convert';

export interface PreviewRequest {
  key: string;
  source: Source;
  settings: SourceSettings;
  router?: Router;
  convert?: ConvertOptions;
  folder: string;
}

interface Cursor {
  key: string;
  position: number;
  iterator: AsyncGenerator<PreviewEntry>;
}

export class PreviewCursors {
  private cursor: Cursor | undefined;
  /** One page at a time: pages asked for concurrently wait their turn. */
  private queue: Promise<unknown> = Promise.resolve();

  page(req: PreviewRequest, offset: number, limit: number): Promise<{ entries: PreviewEntry[]; end: boolean }> {
    const run = this.queue.then(() => this.read(req, offset, limit));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async read(req: PreviewRequest, offset: number, limit: number): Promise<{ entries: PreviewEntry[]; end: boolean }> {
    let c = this.cursor;
    if (!c || c.key !== req.key || c.position !== offset) {
      await this.close();
      c = {
        key: req.key, position: offset,
        iterator: previewMessages(req.source, req.settings, {
          offset, folder: req.folder, withMime: true, ...(req.router ? { router: req.router } : {}), ...(req.convert ? { convert: req.convert } : {}),
        }),
      };
      this.cursor = c;
    }
    const entries: PreviewEntry[] = [];
    try {
      while (entries.length < limit) {
        const next = await c.iterator.next();
        if (next.done) {
          this.cursor = undefined;
          return { entries, end: true };
        }
        entries.push(await withParts(next.value));
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
async function withParts(e: PreviewEntry): Promise<PreviewEntry> {
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
