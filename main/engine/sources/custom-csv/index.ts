/**
 * Custom delimited text (CSV, TSV, semicolon-separated…) for platforms Ferry has no connector for: the
 * admin maps columns to FROM, TO, DATE, SUBJECT, BODY, attachments… (`fieldMap`, see field-map.ts) and
 * names the source and event of the message class. The input is one file, a folder or a ZIP of data
 * files with a header row; rows stream through papaparse, one item per row.
 */
import { FerryError, configError, errorMessage } from '../../errors';
import type { SourceRecord } from '../../item';
import type { ReadContext, Source, SourceSettings } from '../types';
import { type CsvRow, csvRows } from './csv-rows';
import { decodeText } from './decode';
import { type FieldMap, REF_FIELDS, validateFieldMap } from './field-map';
import { type MappedInput, openMappedInput } from './input-files';
import { mapRecord } from './map-record';
import {
  CUSTOM_PLATFORM, type MappedOptions, assertFits, badRecord as bad, checkMapped, mappedOptions, mappedSourceFolder, readEachFile, unreadableRest,
} from './mapped-source';

export { validateFieldMap } from './field-map';
export type { FieldMap, FieldMapCheck, FieldMapTarget } from './field-map';

const DELIMITERS: Record<string, string> = { auto: '', comma: ',', semicolon: ';', tab: '\t', pipe: '|' };
const EXTENSIONS = ['.csv', '.tsv', '.txt'];

interface Options extends MappedOptions {
  delimiter: string;
}

/** Settings that do not depend on the file; throws a config error listing every problem. */
function options(settings: SourceSettings): Options {
  const delimiter = String(settings.delimiter ?? 'auto');
  const own = delimiter in DELIMITERS ? [] : [`delimiter "${delimiter}" must be one of ${Object.keys(DELIMITERS).join(', ')}`];
  const { problems, fieldMap, encoding } = mappedOptions(settings, 'csv', own);
  if (problems.length || !fieldMap) throw configError(`custom delimited text: ${problems.join('; ')}`);
  return { path: settings.path, fieldMap, delimiter: DELIMITERS[delimiter]!, encoding };
}

const isBlank = (r: CsvRow) => r.fields.length === 1 && r.fields[0]!.trim() === '';

/** The problems of a header against the mapping: unknown columns, mapped columns named twice. */
function headerProblems(header: string[], fm: FieldMap, delimiter: string | undefined): string[] {
  const problems = validateFieldMap(fm, { kind: 'csv', header }).problems;
  for (const field of REF_FIELDS) {
    const f = fm[field] as Record<string, unknown> | undefined;
    for (const key of ['column', 'nameColumn']) {
      const c = typeof f?.[key] === 'string' ? (f[key] as string).trim() : undefined;
      if (c !== undefined && header.filter((h) => h === c).length > 1) problems.push(`${field}.${key}: the header names column "${c}" more than once`);
    }
  }
  if (header.length === 1 && problems.length) problems.push(`the header has a single column: the delimiter${delimiter ? ` ("${delimiter === '\t' ? 'tab' : delimiter}")` : ''} may be wrong; set the delimiter setting`);
  return problems;
}

interface OpenFile {
  file: string;
  header?: string[];
  rows: AsyncGenerator<CsvRow>;
  delimiter(): string | undefined;
  overflowed(): boolean;
}

async function openCsv(input: MappedInput, entry: string, o: Options, ctx: { onBytes?(n: number): void; notice?(m: string): void }): Promise<OpenFile> {
  const file = input.tree.describe(entry);
  const text = decodeText(await input.tree.open(entry), {
    encoding: o.encoding, describe: file,
    ...(ctx.onBytes ? { onBytes: ctx.onBytes } : {}),
    onReplaced: (n) => ctx.notice?.(`${file}: ${n} byte(s) have no character in ${o.encoding} and were read as U+FFFD; check the encoding setting`),
  });
  const s = csvRows(text, { delimiter: o.delimiter });
  const out: OpenFile = { file, rows: s.rows, delimiter: s.delimiter, overflowed: s.overflowed };
  for (;;) {
    const first = await s.rows.next();
    if (first.done) return out;
    if (isBlank(first.value)) continue;
    out.header = first.value.fields.map((h) => h.trim());
    return out;
  }
}

function rowProblem(row: CsvRow, header: string[], overflowed: boolean): string | undefined {
  if (row.error) {
    return row.error === 'a quoted field is not closed'
      ? `a quoted field is not closed${overflowed ? ' within 16 MB' : ''}: the rest of the file from this line reads as one broken row and is not imported`
      : row.error;
  }
  const n = row.fields.length;
  if (n < header.length) return `${n} field${n === 1 ? '' : 's'}, the header has ${header.length}: too few fields`;
  // Even extra empty fields: the row's values may have shifted, and a shifted value must not land in another field.
  if (n > header.length) return `${n} fields, the header has ${header.length}: too many fields (an unquoted delimiter in a value?)`;
  return undefined;
}

/** The rows after the header, mapped to items or bad records. */
async function* mappedRows(input: MappedInput, entry: string, f: OpenFile, o: Options, signal?: AbortSignal): AsyncGenerator<SourceRecord> {
  const header = f.header!;
  const index = new Map<string, number>();
  header.forEach((h, i) => { if (!index.has(h)) index.set(h, i); });
  const attachments = input.resolver(entry, o.fieldMap.attachments?.baseDir);
  for await (const row of f.rows) {
    if (signal?.aborted) return;
    if (isBlank(row)) continue;
    const position = `line ${row.line}`;
    const problem = rowProblem(row, header, f.overflowed());
    if (problem) { yield bad(f.file, position, problem); continue; }
    const get = (name: string) => { const i = index.get(name.trim()); const v = i === undefined ? undefined : row.fields[i]; return v === undefined ? [] : [v]; };
    yield await mapRecord(get, { fieldMap: o.fieldMap, origin: { file: f.file, position }, attachments });
  }
}

async function* readFile(input: MappedInput, entry: string, o: Options, ctx: ReadContext, onBytes: (n: number) => void): AsyncGenerator<SourceRecord> {
  const file = input.tree.describe(entry);
  let f: OpenFile | undefined;
  let last: string | undefined;
  try {
    f = await openCsv(input, entry, o, { onBytes, ...(ctx.notice ? { notice: ctx.notice } : {}) });
    if (!f.header) { ctx.notice?.(`${f.file}: empty file, no header row`); return; }
    for await (const r of mappedRows(input, entry, f, o, ctx.signal)) {
      last = r.origin.position;
      yield r;
    }
  } catch (err) {
    yield unreadableRest(err, file, last, 'row');
  } finally {
    await f?.rows.return(undefined);
  }
}

async function* readAll(o: Options, ctx: ReadContext): AsyncGenerator<SourceRecord> {
  const input = await openMappedInput(o.path, EXTENSIONS, 'delimited-text');
  try {
    // Every file's header is checked against the mapping before the first item: a run never starts on a wrong mapping.
    const problems: string[] = [];
    for (const entry of input.files) {
      let f: OpenFile;
      try {
        f = await openCsv(input, entry, o, {});
        await f.rows.return(undefined);
      } catch (err) {
        // An unreadable file is reported as a bad record when its turn comes; it says nothing about the mapping.
        if (err instanceof FerryError && err.errorClass === 'data') continue;
        throw err;
      }
      if (!f.header) continue;
      const p = headerProblems(f.header, o.fieldMap, f.delimiter());
      if (p.length) problems.push(`${f.file}: ${p.join('; ')}`);
    }
    assertFits(problems);
    yield* readEachFile(input, ctx, (entry, onBytes) => readFile(input, entry, o, ctx, onBytes));
  } finally {
    await input.close();
  }
}

const CHECK_ROWS = 200;

/** Per file: its columns and delimiter, the header's problems, and what its first rows give. */
async function checkFiles(input: MappedInput, o: Options, files: string[]): Promise<{ ok: boolean; lines: string[] }> {
  const lines: string[] = [];
  let ok = true;
  for (const entry of files) {
    const f = await openCsv(input, entry, o, {});
    try {
      if (!f.header) { lines.push(`${f.file}: empty, no header row`); continue; }
      const problems = headerProblems(f.header, o.fieldMap, f.delimiter());
      const d = f.delimiter();
      const what = `${f.file}: ${f.header.length} columns${d ? ` (delimiter ${d === '\t' ? 'tab' : `"${d}"`})` : ''}`;
      if (problems.length) { ok = false; lines.push(`${what}; ${problems.join('; ')}`); continue; }
      let items = 0;
      let rows = 0;
      const bads: string[] = [];
      for await (const r of mappedRows(input, entry, f, o)) {
        rows++;
        if ('bad' in r) bads.push(`${r.origin.position}: ${r.reason}`);
        else items++;
        if (rows >= CHECK_ROWS) break;
      }
      if (rows && !items) ok = false;
      lines.push(`${what}; ${rows >= CHECK_ROWS ? `first ${CHECK_ROWS} rows` : `${rows} row${rows === 1 ? '' : 's'}`}: ${items} message${items === 1 ? '' : 's'}${bads.length ? `, ${bads.length} bad (${bads.slice(0, 3).join('; ')}${bads.length > 3 ? '; …' : ''})` : ''}`);
    } catch (err) {
      ok = false;
      lines.push(`${f.file}: ${errorMessage(err)}`);
    } finally {
      await f.rows.return(undefined);
    }
  }
  return { ok, lines };
}

export const customCsvSource: Source = {
  spec: {
    kind: 'custom-csv',
    title: 'Custom delimited text (CSV)',
    platform: CUSTOM_PLATFORM,
    description: 'Any CSV, TSV or semicolon-separated file with a header row, for platforms Ferry has no connector for: map its columns to FROM, TO, DATE, SUBJECT, BODY and attachments, and name the source and event of the message class. One file, a folder of files, or a ZIP.',
    settings: [
      {
        key: 'fieldMap', label: 'Field mapping', type: 'json', required: true,
        help: 'JSON: {"source":"Acme","event":"Message","sourceName":"Acme Chat","from":{"column":"Sender","kind":"email"},"to":{"column":"Recipients","separator":";","kind":"email"},"date":{"column":"Sent","format":"dd/MM/yyyy HH:mm","timeZone":"Europe/London"},"subject":{"column":"Subject"},"body":{"column":"Text"},"attachments":{"column":"Files"}}. sourceName (optional) is the default folder (else "Custom Archive"). Kinds: email, phone, handle, user-id. Date formats: iso, epoch-seconds, epoch-ms or a luxon format.',
      },
      {
        key: 'delimiter', label: 'Delimiter', type: 'select', default: 'auto',
        options: [
          { value: 'auto', label: 'Detect' }, { value: 'comma', label: 'Comma (,)' }, { value: 'semicolon', label: 'Semicolon (;)' },
          { value: 'tab', label: 'Tab' }, { value: 'pipe', label: 'Pipe (|)' },
        ],
      },
      {
        key: 'encoding', label: 'Character encoding', type: 'string', default: 'auto',
        help: 'auto (a byte order mark, else UTF-8), or utf-8, utf-16le, utf-16be, windows-1252, iso-8859-1, windows-1251, shift_jis, gb18030…',
      },
    ],
  },
  check: (settings) => checkMapped(settings, options, EXTENSIONS, 'delimited-text', checkFiles),
  defaultFolder: (settings) => mappedSourceFolder(settings, 'csv'),
  async *read(settings, ctx) {
    yield* readAll(options(settings), ctx);
  },
};
