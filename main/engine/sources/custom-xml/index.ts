/**
 * Custom XML for platforms Ferry has no connector for: the admin names the record element
 * (`recordPath`, e.g. `Export/Messages/Message`) and maps record-relative paths (`Sender/Email`,
 * `@timestamp`, repeated `To` elements) to FROM, TO, DATE, SUBJECT, BODY, attachments… with the same
 * field mapping as custom delimited text. The document streams record by record; a malformed record
 * is reported with its number and line, and the next one is read.
 */
import iconv from 'iconv-lite';
import { FerryError, configError, errorMessage } from '../../errors';
import type { SourceRecord } from '../../item';
import type { ReadContext, Source, SourceSettings } from '../types';
import { decodeText } from '../custom-csv/decode';
import { type FieldMapCheck, validateFieldMap } from '../custom-csv/field-map';
import { type MappedInput, openMappedInput } from '../custom-csv/input-files';
import { mapRecord } from '../custom-csv/map-record';
import {
  CUSTOM_PLATFORM, type MappedOptions, assertFits, badRecord as bad, checkMapped, mappedOptions, mappedSourceFolder, readEachFile, unreadableRest,
} from '../custom-csv/mapped-source';
import { type ParsedRecord, parseRecord } from './record-values';
import { type ReaderStats, type RecordPath, type RecordText, parseRecordPath, xmlRecords } from './record-reader';

export { validateFieldMap } from '../custom-csv/field-map';

const EXTENSIONS = ['.xml'];
/** Records read from the start of each file to check the mapping's paths against. */
const SAMPLE = 20;

interface Options extends MappedOptions {
  recordPath: RecordPath;
  recordPathText: string;
}

function options(settings: SourceSettings): Options {
  const recordPathText = String(settings.recordPath ?? '').trim();
  const rp = recordPathText ? parseRecordPath(recordPathText) : { problem: 'recordPath is required: the path of the element that holds one message, e.g. Export/Messages/Message' };
  const { problems, fieldMap, encoding } = mappedOptions(settings, 'xml', 'problem' in rp ? [rp.problem] : []);
  if (problems.length || !fieldMap || 'problem' in rp) throw configError(`custom XML: ${problems.join('; ')}`);
  return { path: settings.path, fieldMap, recordPath: rp, recordPathText, encoding };
}

/** The encoding an XML declaration names, when iconv-lite knows it. */
function declaredEncoding(head: Buffer): string | undefined {
  if (head[0] === 0x3c && head[1] === 0x00) return 'utf-16le';
  if (head[0] === 0x00 && head[1] === 0x3c) return 'utf-16be';
  const m = /^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head.subarray(0, 200).toString('latin1'));
  return m && iconv.encodingExists(m[1]!) ? m[1] : undefined;
}

interface OpenFile {
  file: string;
  records: AsyncGenerator<RecordText>;
  stats: ReaderStats;
}

async function openXml(input: MappedInput, entry: string, o: Options, onBytes?: (n: number) => void): Promise<OpenFile> {
  const file = input.tree.describe(entry);
  const text = decodeText(await input.tree.open(entry), {
    encoding: o.encoding, describe: file, sniff: declaredEncoding, ...(onBytes ? { onBytes } : {}),
  });
  const stats: ReaderStats = { paths: new Set(), unclosed: [] };
  return { file, records: xmlRecords(text, o.recordPath, stats), stats };
}

const position = (r: RecordText) => `record ${r.index} (line ${r.line})`;

interface Sample {
  file: string;
  parsed: ParsedRecord[];
  records: number;
  /** Element paths seen, when no record was found (to suggest a recordPath). */
  seen: string[];
  error?: string;
}

async function sampleFile(input: MappedInput, entry: string, o: Options): Promise<Sample> {
  const f = await openXml(input, entry, o);
  const out: Sample = { file: f.file, parsed: [], records: 0, seen: [] };
  try {
    for await (const r of f.records) {
      out.records++;
      if (!r.error) { const p = parseRecord(r.text, r.line); if (typeof p !== 'string') out.parsed.push(p); }
      if (out.records >= SAMPLE) break;
    }
  } catch (err) {
    if (!(err instanceof FerryError) || err.errorClass !== 'data') throw err;
    out.error = errorMessage(err);
  } finally {
    await f.records.return(undefined);
  }
  out.seen = [...f.stats.paths];
  return out;
}

function sampleProblems(s: Sample, o: Options): FieldMapCheck | { problems: string[]; warnings: string[] } {
  if (!s.records) {
    const seen = s.seen.length ? `; elements found: ${s.seen.slice(0, 8).map((p) => `/${p}`).join(', ')}${s.seen.length > 8 ? ', …' : ''}` : '';
    return { problems: [`no element at recordPath ${o.recordPathText}${s.error ? ` (${s.error})` : ''}${seen}`], warnings: [] };
  }
  if (!s.parsed.length) return { problems: [], warnings: [`none of the first ${s.records} record(s) is well-formed; the mapping's paths could not be checked`] };
  return validateFieldMap(o.fieldMap, { kind: 'xml', sampled: s.parsed.length, hasPath: (p) => s.parsed.some((r) => r.has(p)) });
}

async function* readFile(input: MappedInput, entry: string, o: Options, ctx: ReadContext, onBytes: (n: number) => void): AsyncGenerator<SourceRecord> {
  const file = input.tree.describe(entry);
  let f: OpenFile | undefined;
  let last: string | undefined;
  let count = 0;
  try {
    f = await openXml(input, entry, o, onBytes);
    const attachments = input.resolver(entry, o.fieldMap.attachments?.baseDir);
    for await (const r of f.records) {
      if (ctx.signal?.aborted) return;
      count++;
      last = position(r);
      if (r.error) { yield bad(file, last, r.error); continue; }
      const parsed = parseRecord(r.text, r.line);
      if (typeof parsed === 'string') { yield bad(file, last, parsed); continue; }
      yield await mapRecord(parsed.values, { fieldMap: o.fieldMap, origin: { file, position: last }, attachments });
    }
    if (f.stats.elsewhere?.size) {
      const list = [...f.stats.elsewhere].map(([p, n]) => `${n} at ${p}`).join(', ');
      ctx.notice?.(`${file}: elements named like the record element but not at recordPath ${o.recordPathText} were not read: ${list}`);
    }
    if (!count) ctx.notice?.(`${file}: no element at recordPath ${o.recordPathText}`);
    else if (f.stats.unclosed.length) ctx.notice?.(`${file}: the document ends with <${f.stats.unclosed.join('>, <')}> still open (truncated?); every record before the end was read`);
  } catch (err) {
    yield unreadableRest(err, file, last, 'record');
  } finally {
    await f?.records.return(undefined);
  }
}

async function* readAll(o: Options, ctx: ReadContext): AsyncGenerator<SourceRecord> {
  const input = await openMappedInput(o.path, EXTENSIONS, 'XML');
  try {
    // The mapping is checked against the first records of every file before the first item.
    const problems: string[] = [];
    let first: Sample | undefined;
    let found = 0;
    for (const entry of input.files) {
      const s = await sampleFile(input, entry, o);
      first ??= s;
      found += s.records;
      const check = sampleProblems(s, o);
      for (const w of check.warnings) ctx.notice?.(`${s.file}: ${w}`);
      if (s.records && check.problems.length) problems.push(`${s.file}: ${check.problems.join('; ')}`);
    }
    if (!found) throw configError(`custom XML: ${first!.file}: ${sampleProblems(first!, o).problems.join('; ')}`);
    assertFits(problems);
    yield* readEachFile(input, ctx, (entry, onBytes) => readFile(input, entry, o, ctx, onBytes));
  } finally {
    await input.close();
  }
}

/** Per file: the records found at recordPath, and what the mapping's paths give in the first of them. */
async function checkFiles(input: MappedInput, o: Options, files: string[]): Promise<{ ok: boolean; lines: string[] }> {
  const lines: string[] = [];
  let ok = true;
  let found = 0;
  for (const entry of files) {
    const s = await sampleFile(input, entry, o);
    found += s.records;
    const check = sampleProblems(s, o);
    if (check.problems.length) ok = false;
    const malformed = s.records - s.parsed.length;
    const head = s.records ? `${s.file}: ${s.records >= SAMPLE ? `first ${SAMPLE}` : s.records} record${s.records === 1 ? '' : 's'} at ${o.recordPathText}${malformed ? ` (${malformed} malformed)` : ''}` : s.file;
    lines.push([head, ...check.problems, ...check.warnings.map((w) => `warning: ${w}`)].join('; '));
  }
  return { ok: ok && found > 0, lines };
}

export const customXmlSource: Source = {
  spec: {
    kind: 'custom-xml',
    title: 'Custom XML',
    platform: CUSTOM_PLATFORM,
    description: 'Any XML export with one element per message, for platforms Ferry has no connector for: name the record element and map element paths and @attributes to FROM, TO, DATE, SUBJECT, BODY and attachments. One file, a folder of files, or a ZIP.',
    settings: [
      {
        key: 'recordPath', label: 'Record element path', type: 'string', required: true,
        help: 'The element that holds one message, from the root: Export/Messages/Message (or //Message at any depth; * matches any element).',
      },
      {
        key: 'fieldMap', label: 'Field mapping', type: 'json', required: true,
        help: 'JSON, with paths relative to the record: {"source":"Acme","event":"Message","sourceName":"Acme Chat","from":{"path":"Sender/Email","kind":"email","namePath":"Sender/Name"},"to":{"path":"Recipients/To","kind":"email"},"date":{"path":"@sent","format":"iso","timeZone":"UTC"},"subject":{"path":"Subject"},"body":{"path":"Body"},"attachments":{"path":"Attachment/@file"}}.',
      },
      {
        key: 'encoding', label: 'Character encoding', type: 'string', default: 'auto',
        help: 'auto (a byte order mark or the XML declaration, else UTF-8), or utf-8, utf-16le, windows-1252, iso-8859-1…',
      },
    ],
  },
  check: (settings) => checkMapped(settings, options, EXTENSIONS, 'XML', checkFiles),
  defaultFolder: (settings) => mappedSourceFolder(settings, 'xml'),
  async *read(settings, ctx) {
    yield* readAll(options(settings), ctx);
  },
};
