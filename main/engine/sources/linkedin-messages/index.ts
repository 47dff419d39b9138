/**
 * LinkedIn "Get a copy of your data" (Basic or Complete): `messages.csv`, the export folder, or the
 * export ZIP read in place. One item per row, streamed with papaparse: memory holds one row.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { FerryError, configError, errorMessage } from '../../errors';
import type { SourceRecord } from '../../item';
import { type ExportTree, openExportTree } from '../shared/export-tree';
import { checkOpened } from '../shared/check-opened';
import type { CheckResult, ReadContext, Source, SourceSettings } from '../types';
import { csvRows } from './csv-rows';
import { Ids, type Header, REQUIRED, SOURCE, isInMail, readHeader, rowRecord, COLUMNS } from './row';
import { byteProgress } from '../shared/progress';

interface Opened {
  tree: ExportTree;
  /** Entries to read, in path order. */
  files: string[];
}

async function openMessages(location: string): Promise<Opened> {
  if (!location || typeof location !== 'string') throw configError('linkedin-messages needs a path: messages.csv, the export folder, or the export ZIP');
  const tree = await openExportTree(location);
  const single = !tree.isZip && (await fs.stat(location)).isFile();
  // A single file is read whatever its name; in a folder or ZIP, every messages.csv.
  const files = single
    ? [tree.entries[0]!.path]
    : tree.entries.filter((e) => path.posix.basename(e.path).toLowerCase() === 'messages.csv').map((e) => e.path);
  if (!files.length) {
    await tree.close();
    const csvs = tree.entries.filter((e) => e.path.toLowerCase().endsWith('.csv')).slice(0, 5).map((e) => e.path);
    throw configError(`${location}: no messages.csv in it${csvs.length ? ` (CSV files found: ${csvs.join(', ')})` : ''}; LinkedIn puts messages in messages.csv at the top of its data export`);
  }
  return { tree, files };
}

/** Counts bytes as they pass, for progress. */
function counting(onBytes: (n: number) => void): Transform {
  return new Transform({ transform(chunk: Buffer, _enc, done) { onBytes(chunk.length); done(null, chunk); } });
}

function missingColumns(header: Header): string[] {
  return REQUIRED.filter((c) => !header.has(c));
}

async function* readMessages(location: string, ctx: ReadContext): AsyncGenerator<SourceRecord> {
  const { tree, files } = await openMessages(location);
  try {
    const onBytes = byteProgress(tree, files, ctx);
    const ids = new Ids();
    for (const entry of files) {
      const file = tree.describe(entry);
      const raw = await tree.open(entry);
      const input = raw.pipe(counting(onBytes));
      raw.once('error', (err) => input.destroy(err));
      let header: Header | undefined;
      let lastLine = 0;
      try {
        for await (const row of csvRows(input)) {
          if (ctx.signal?.aborted) return;
          lastLine = row.line;
          if (!header) {
            header = readHeader(row.cells);
            const missing = missingColumns(header);
            if (missing.length) {
              const why = `${file}: not a LinkedIn messages.csv, the header lacks ${missing.join(', ')} (line 1 reads ${JSON.stringify(row.cells.join(',').slice(0, 120))})`;
              if (files.length === 1) throw configError(why);
              ctx.notice?.(`${why}; skipped`);
              break;
            }
            continue;
          }
          // A trailing line break leaves one empty row at the end: nothing to report.
          if (row.cells.length === 1 && row.cells[0] === '') continue;
          yield rowRecord(row.cells, row.line, { file, header, ids });
        }
      } catch (err) {
        if (err instanceof FerryError && err.errorClass === 'config') throw err;
        yield { bad: true, origin: { file, position: `line ${lastLine}` }, reason: `the file could not be read to the end (${errorMessage(err)}); every row before line ${lastLine} was read` };
      }
    }
  } finally {
    await tree.close();
  }
}

/** How much of the file check() reads. */
const CHECK_ROWS = 200_000;

function check(settings: SourceSettings): Promise<CheckResult> {
  return checkOpened(() => openMessages(settings.path), (opened: Opened) => opened.tree.close(), async (opened: Opened) => {
    let rows = 0;
    let inmail = 0;
    const conversations = new Set<string>();
    const problems: string[] = [];
    let partial = false;
    for (const entry of opened.files) {
      let header: Header | undefined;
      for await (const row of csvRows(await opened.tree.open(entry))) {
        if (!header) {
          header = readHeader(row.cells);
          const missing = missingColumns(header);
          if (missing.length) { problems.push(`${opened.tree.describe(entry)}: not a LinkedIn messages.csv, the header lacks ${missing.join(', ')}`); break; }
          continue;
        }
        if (row.cells.length === 1 && row.cells[0] === '') continue;
        if (rows >= CHECK_ROWS) { partial = true; break; }
        rows++;
        const c = row.cells[header.get(COLUMNS.conversationId)!];
        if (c) conversations.add(c);
        if (isInMail(row.cells[header.get(COLUMNS.folder) ?? -1] ?? '')) inmail++;
      }
    }
    const n = (x: number) => x.toLocaleString('en-US');
    const more = partial ? ' or more' : '';
    const message = `${n(rows)}${more} message${rows === 1 ? '' : 's'} (${n(inmail)} InMail) in ${n(conversations.size)}${more} conversation${conversations.size === 1 ? '' : 's'}`;
    if (!rows) return { ok: false, message: problems.length ? problems.join('; ') : 'messages.csv holds no messages' };
    return { ok: true, message: problems.length ? `${message}; ${problems.join('; ')}` : message };
  });
}

export const linkedinMessagesSource: Source = {
  spec: {
    kind: 'linkedin-messages',
    title: 'LinkedIn messages (data export)',
    platform: SOURCE,
    description: 'messages.csv of LinkedIn\'s "Get a copy of your data" export (Basic or Complete), the export folder, or its ZIP. Messages and InMail.',
    settings: [],
  },
  check,
  async *read(settings, ctx) {
    yield* readMessages(settings.path, ctx);
  },
};
