/**
 * Custom XML for platforms Ferry has no connector for: the admin names the record element
 * (`recordPath`, e.g. `Export/Messages/Message`) and maps record-relative paths (`Sender/Email`,
 * `@timestamp`, repeated `To` elements) to FROM, TO, DATE, SUBJECT, BODY, attachments… with the same
 * field mapping as custom delimited text. The document streams record by record; a malformed record
 * is reported with its number and line, and the next one is read.
 */
import iconv from 'iconv-lite';
import { FerryError, configError, errorMessage } from '../../errors';
import type { BadRecord, SourceRecord } from '../../item';
import type { CheckResult, ReadContext, Source, SourceSettings } from '../types';
import { decodeText, encodingProblem } from '../custom-csv/decode';
import { type FieldMap, type FieldMapCheck, validateFieldMap } from '../custom-csv/field-map';
import { type MappedInput, baseDirProblem, openMappedInput } from '../custom-csv/input-files';
import { mapRecord } from '../custom-csv/map-record';
import { type ParsedRecord, parseRecord } from './record-values';
import { type ReaderStats, type RecordPath, type RecordText, parseRecordPath, xmlRecords } from './record-reader';

export { validateFieldMap } from '../custom-csv/field-map';

const EXTENSIONS = ['.xml'];
/** Records read from the start of each file to check the mapping's paths against. */
const SAMPLE = 20;

interface Options {
  path: string;
  fieldMap: FieldMap;
  recordPath: RecordPath;
  recordPathText: string;
  encoding: string;
}

function options(settings: SourceSettings): Options {
  const problems: string[] = [];
  const check = validateFieldMap(settings.fieldMap ?? {}, { kind: 'xml' });
  if (settings.fieldMap === undefined || settings.fieldMap === '') problems.push('fieldMap: the field mapping is required');
  else problems.push(...check.problems.map((p) => `fieldMap: ${p}`));
  const recordPathText = String(settings.recordPath ?? '').trim();
  const rp = recordPathText ? parseRecordPath(recordPathText) : { problem: 'recordPath is required: the path of the element that holds one message, e.g. Export/Messages/Message' };
  if ('problem' in rp) problems.push(rp.problem);
  const encoding = String(settings.encoding ?? 'auto').trim() || 'auto';
  const bad = encodingProblem(encoding);
  if (bad) problems.push(bad);
  const baseDir = check.fieldMap?.attachments?.baseDir;
  if (baseDir) { const b = baseDirProblem(baseDir); if (b) problems.push(`fieldMap: ${b}`); }
  if (problems.length || !check.fieldMap || 'problem' in rp) throw configError(`custom XML: ${problems.join('; ')}`);
  return { path: settings.path, fieldMap: check.fieldMap, recordPath: rp, recordPathText, encoding };
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
const bad = (file: string, pos: string | undefined, reason: string): BadRecord => ({ bad: true, origin: { file, ...(pos ? { position: pos } : {}) }, reason });

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
    if (!(err instanceof FerryError) || err.errorClass !== 'data') throw err;
    yield bad(file, undefined, `${errorMessage(err)}; ${last ? `every record up to ${last} was read` : 'no record could be read'}, the rest of the file could not be`);
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
    if (problems.length) throw configError(`the field mapping does not fit the file: ${problems.join(' | ')}`);

    const total = input.files.reduce((t, e) => t + (input.tree.get(e)?.size ?? 0), 0) || 1;
    let done = 0;
    const onBytes = (n: number) => { done += n; ctx.progress?.(Math.min(1, done / total)); };
    for (const entry of input.files) {
      if (ctx.signal?.aborted) return;
      yield* readFile(input, entry, o, ctx, onBytes);
    }
  } finally {
    await input.close();
  }
}

const CHECK_FILES = 20;

async function checkXml(settings: SourceSettings): Promise<CheckResult> {
  let o: Options;
  let input: MappedInput;
  try {
    o = options(settings);
    input = await openMappedInput(settings.path, EXTENSIONS, 'XML');
  } catch (err) {
    return { ok: false, message: errorMessage(err) };
  }
  try {
    const lines: string[] = [];
    let ok = true;
    let found = 0;
    for (const entry of input.files.slice(0, CHECK_FILES)) {
      const s = await sampleFile(input, entry, o);
      found += s.records;
      const check = sampleProblems(s, o);
      if (check.problems.length) ok = false;
      const malformed = s.records - s.parsed.length;
      const head = s.records ? `${s.file}: ${s.records >= SAMPLE ? `first ${SAMPLE}` : s.records} record${s.records === 1 ? '' : 's'} at ${o.recordPathText}${malformed ? ` (${malformed} malformed)` : ''}` : s.file;
      lines.push([head, ...check.problems, ...check.warnings.map((w) => `warning: ${w}`)].join('; '));
    }
    if (input.files.length > CHECK_FILES) lines.push(`and ${input.files.length - CHECK_FILES} more file(s), not checked`);
    return { ok: ok && found > 0, message: lines.join('\n') };
  } catch (err) {
    return { ok: false, message: errorMessage(err) };
  } finally {
    await input.close();
  }
}

export const customXmlSource: Source = {
  spec: {
    kind: 'custom-xml',
    title: 'Custom XML',
    platform: 'Custom',
    description: 'Any XML export with one element per message, for platforms Ferry has no connector for: name the record element and map element paths and @attributes to FROM, TO, DATE, SUBJECT, BODY and attachments. One file, a folder of files, or a ZIP.',
    settings: [
      {
        key: 'recordPath', label: 'Record element path', type: 'string', required: true,
        help: 'The element that holds one message, from the root: Export/Messages/Message (or //Message at any depth; * matches any element).',
      },
      {
        key: 'fieldMap', label: 'Field mapping', type: 'json', required: true,
        help: 'JSON, with paths relative to the record: {"source":"Acme","event":"Message","from":{"path":"Sender/Email","kind":"email","namePath":"Sender/Name"},"to":{"path":"Recipients/To","kind":"email"},"date":{"path":"@sent","format":"iso","timeZone":"UTC"},"subject":{"path":"Subject"},"body":{"path":"Body"},"attachments":{"path":"Attachment/@file"}}.',
      },
      {
        key: 'encoding', label: 'Character encoding', type: 'string', default: 'auto',
        help: 'auto (a byte order mark or the XML declaration, else UTF-8), or utf-8, utf-16le, windows-1252, iso-8859-1…',
      },
    ],
  },
  check: checkXml,
  async *read(settings, ctx) {
    yield* readAll(options(settings), ctx);
  },
};
