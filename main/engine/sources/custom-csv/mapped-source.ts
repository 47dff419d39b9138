/**
 * What custom delimited text and custom XML do alike around their own parsing: the settings both
 * take (field mapping, encoding, attachments folder), reading every data file with one progress bar,
 * the bad record for a file unreadable from some point on, and the check's walk over the first files.
 */
import { FerryError, configError, errorMessage } from '../../errors';
import type { BadRecord, SourceRecord } from '../../item';
import type { CheckResult, ReadContext, SourceSettings } from '../types';
import { encodingProblem } from './decode';
import { type FieldMap, validateFieldMap } from './field-map';
import { type MappedInput, baseDirProblem, openMappedInput } from './input-files';
import { checkOpened } from '../shared/check-opened';
import { byteProgress } from '../shared/progress';

export const CUSTOM_PLATFORM = 'Custom';
/** Files `check()` looks into; the rest are only counted. */
export const CHECK_FILES = 20;

export interface MappedOptions {
  path: string;
  fieldMap: FieldMap;
  encoding: string;
}

/**
 * The settings every mapped source takes. `problems` lists what is wrong with them, the source's
 * `own` problems after the mapping's (the source throws one config error listing all); `fieldMap` is
 * set when the mapping is valid.
 */
export function mappedOptions(settings: SourceSettings, kind: 'csv' | 'xml', own: readonly string[]): { problems: string[]; fieldMap?: FieldMap; encoding: string } {
  const problems: string[] = [];
  const check = validateFieldMap(settings.fieldMap ?? {}, { kind });
  if (settings.fieldMap === undefined || settings.fieldMap === '') problems.push('fieldMap: the field mapping is required');
  else problems.push(...check.problems.map((p) => `fieldMap: ${p}`));
  problems.push(...own);
  const encoding = String(settings.encoding ?? 'auto').trim() || 'auto';
  const bad = encodingProblem(encoding);
  if (bad) problems.push(bad);
  const baseDir = check.fieldMap?.attachments?.baseDir;
  if (baseDir) { const b = baseDirProblem(baseDir); if (b) problems.push(`fieldMap: ${b}`); }
  return { problems, encoding, ...(check.fieldMap ? { fieldMap: check.fieldMap } : {}) };
}

/** The default folder: the mapping's `sourceName` when it declares a valid one (else the run's default applies). */
export function mappedSourceFolder(settings: SourceSettings, kind: 'csv' | 'xml'): string | undefined {
  if (settings.fieldMap === undefined || settings.fieldMap === '') return undefined;
  return validateFieldMap(settings.fieldMap, { kind }).fieldMap?.sourceName;
}

export const badRecord = (file: string, position: string | undefined, reason: string): BadRecord =>
  ({ bad: true, origin: { file, ...(position ? { position } : {}) }, reason });

/** A file unreadable from some point on (not the encoding it claims, a damaged ZIP entry): how far it was read. */
export function unreadableRest(err: unknown, file: string, last: string | undefined, unit: 'row' | 'record'): BadRecord {
  if (!(err instanceof FerryError) || err.errorClass !== 'data') throw err;
  return badRecord(file, undefined, `${errorMessage(err)}; ${last ? `every ${unit} up to ${last} was read` : `no ${unit} could be read`}, the rest of the file could not be`);
}

/** Reads every data file in turn; progress is the bytes read over the bytes of all of them. */
export async function* readEachFile(
  input: MappedInput, ctx: ReadContext,
  readFile: (entry: string, onBytes: (n: number) => void) => AsyncGenerator<SourceRecord>,
): AsyncGenerator<SourceRecord> {
  const onBytes = byteProgress(input.tree, input.files, ctx);
  for (const entry of input.files) {
    if (ctx.signal?.aborted) return;
    yield* readFile(entry, onBytes);
  }
}

/** Throws the config error of a mapping that does not fit some of the files. */
export function assertFits(problems: string[]): void {
  if (problems.length) throw configError(`the field mapping does not fit the file: ${problems.join(' | ')}`);
}

/**
 * `check()` of a mapped source: reads the settings and opens the input (a problem with either is the
 * answer), then lets `checkFiles` look at the first CHECK_FILES files. Never throws.
 */
export async function checkMapped<O extends MappedOptions>(
  settings: SourceSettings, options: (s: SourceSettings) => O, extensions: readonly string[], what: string,
  checkFiles: (input: MappedInput, o: O, files: string[]) => Promise<{ ok: boolean; lines: string[] }>,
): Promise<CheckResult> {
  const open = async () => ({ o: options(settings), input: await openMappedInput(settings.path, extensions, what) });
  return checkOpened(open, ({ input }) => input.close(), async ({ o, input }) => {
    const { ok, lines } = await checkFiles(input, o, input.files.slice(0, CHECK_FILES));
    if (input.files.length > CHECK_FILES) lines.push(`and ${input.files.length - CHECK_FILES} more file(s), not checked`);
    return { ok, message: lines.join('\n') };
  });
}
