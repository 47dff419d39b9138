/**
 * The admin's field mapping for custom delimited-text and XML sources: which column (CSV) or element
 * path (XML) gives FROM, TO, DATE, SUBJECT, BODY, attachments…, and the source and event names of the
 * message class. Saved with the connector as the `fieldMap` setting (JSON) and validated before a run;
 * `validateFieldMap` is exported for the desktop app to call while the admin edits the mapping.
 */
import { z } from 'zod';
import type { IdentityKind } from '../../item';
import { formatProblem, isEpochFormat, isValidZone } from './date-format';

/** Where a field comes from: a column name (CSV) or a path relative to the record (XML). */
export interface FieldRef {
  column?: string;
  path?: string;
}

export interface IdentityField extends FieldRef {
  kind: IdentityKind;
  /** Column or path holding the display name(s). */
  nameColumn?: string;
  namePath?: string;
  /** Splits one cell into several values (TO lists); default `;` for TO. */
  separator?: string;
}

export interface FieldMap {
  /** Message class parts: `IPM.NOTE.<source>.<event>`. */
  source: string;
  event: string;
  /** The source as the admin names it (`Bloomberg Vault`): the default folder of its items. */
  sourceName?: string;
  from: IdentityField;
  to: IdentityField;
  date: FieldRef & { format: string; timeZone?: string };
  subject?: FieldRef;
  body?: FieldRef;
  bodyIsHtml?: boolean;
  /** The item's id in the source; without it, a hash of the mapped values. */
  id?: FieldRef;
  attachments?: FieldRef & { separator?: string; baseDir?: string };
  conversation?: FieldRef & { nameColumn?: string; namePath?: string };
  replyTo?: FieldRef;
}

/** The fields that name a column or a path, with their extra name references. */
export const REF_FIELDS = ['from', 'to', 'date', 'subject', 'body', 'id', 'attachments', 'conversation', 'replyTo'] as const;
export type RefField = (typeof REF_FIELDS)[number];

const CLASS_PART = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const classPart = () => z.string({ error: 'is required (text)' })
  .regex(CLASS_PART, `must be usable in a message class IPM.NOTE.<source>.<event>: a letter, then letters, digits, - or _ (at most 64)`);

/** A folder name in every destination: no hierarchy separator, nothing unprintable. */
const sourceName = z.string({ error: 'must be text, the name of the source (e.g. "Bloomberg Vault"); it is the default folder' })
  .trim()
  .min(1, 'is empty: name the source (e.g. "Bloomberg Vault") or leave sourceName out')
  .max(64, 'is longer than 64 characters (it is the default folder name)')
  .regex(/^[^/\\\p{Cc}]*$/u, 'must not contain /, \\ or control characters: it is the default folder name, not a path');

const ref = {
  column: z.string().min(1, 'column is empty').optional(),
  path: z.string().min(1, 'path is empty').optional(),
};
const separator = z.string().min(1, 'separator is empty').optional();
const kind = z.enum(['email', 'phone', 'handle', 'user-id'], { error: 'must be one of email, phone, handle, user-id' });

const identity = z.strictObject({ ...ref, kind, nameColumn: ref.column, namePath: ref.path, separator });
const plainRef = z.strictObject(ref);

const schema = z.strictObject({
  source: classPart(),
  event: classPart(),
  sourceName: sourceName.optional(),
  from: identity,
  to: identity,
  date: z.strictObject({
    ...ref,
    format: z.string({ error: 'is required: iso, epoch-seconds, epoch-ms or a luxon format such as "dd/MM/yyyy HH:mm"' })
      .superRefine((f, c) => { const p = formatProblem(f); if (p) c.addIssue({ code: 'custom', message: `"${f}" ${p}` }); }),
    timeZone: z.string().superRefine((tz, c) => {
      if (!isValidZone(tz)) c.addIssue({ code: 'custom', message: `"${tz}" is not an IANA time zone (e.g. Europe/London, America/New_York, UTC)` });
    }).optional(),
  }).superRefine((d, c) => {
    if (!d.timeZone && !isEpochFormat(d.format)) {
      c.addIssue({ code: 'custom', path: ['timeZone'], message: 'is required (an IANA zone such as Europe/London): dates without an offset are read in it' });
    }
  }),
  subject: plainRef.optional(),
  body: plainRef.optional(),
  bodyIsHtml: z.boolean({ error: 'must be true or false' }).optional(),
  id: plainRef.optional(),
  attachments: z.strictObject({ ...ref, separator, baseDir: z.string().optional() }).optional(),
  conversation: z.strictObject({ ...ref, nameColumn: ref.column, namePath: ref.path }).optional(),
  replyTo: plainRef.optional(),
});

/** What the mapping is checked against: a CSV header, or XML records read from the start of the file. */
export type FieldMapTarget =
  | { kind: 'csv'; header?: readonly string[] }
  | { kind: 'xml'; /** Whether a record-relative path is present in at least one sampled record. */ hasPath?: (path: string) => boolean; sampled?: number };

export interface FieldMapCheck {
  ok: boolean;
  /** Every problem found, each naming the field: `date.format: …`. Empty when ok. */
  problems: string[];
  /** Things that do not block a run (an optional path absent from the sampled records). */
  warnings: string[];
  /** The typed mapping, when it is structurally valid. */
  fieldMap?: FieldMap;
}

const REQUIRED: readonly RefField[] = ['from', 'to', 'date'];

/** A record-relative XML path: `Sender/Email`, `@timestamp`, `To/Address/@type`, `.` for the record's own text. */
export function xmlPathProblem(p: string): string | null {
  if (p === '.') return null;
  const segs = p.split('/');
  for (const [i, s] of segs.entries()) {
    if (s.startsWith('@')) {
      if (i !== segs.length - 1) return 'an @attribute must be the last step';
      if (!/^@[A-Za-z_][\w.:-]*$/.test(s)) return `"${s}" is not an attribute name`;
    } else if (!/^[A-Za-z_][\w.:-]*$/.test(s)) return `"${s}" is not an element name${s === '' ? ' (empty step: no leading, trailing or double /)' : ''}`;
  }
  return null;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The raw value at a zod issue's path (zod leaves the input out of its issues). */
function valueAt(obj: Record<string, unknown>, at: readonly PropertyKey[]): unknown {
  let v: unknown = obj;
  for (const k of at) v = asRecord(v)?.[k as string];
  return v;
}

/** Column or path references of one field, read leniently from a raw (possibly invalid) mapping. */
function refsOf(raw: Record<string, unknown>, field: RefField, target: FieldMapTarget['kind']): { key: string; value: string }[] {
  const f = asRecord(raw[field]);
  if (!f) return [];
  const keys = target === 'csv' ? ['column', 'nameColumn'] : ['path', 'namePath'];
  return keys.filter((k) => typeof f[k] === 'string' && f[k] !== '').map((k) => ({ key: k, value: f[k] as string }));
}

function suggestion(name: string, header: readonly string[]): string {
  const near = header.find((h) => h.trim().toLowerCase() === name.trim().toLowerCase());
  const list = header.length > 12 ? `${header.slice(0, 12).join(', ')}, …` : header.join(', ');
  return near !== undefined ? ` (did you mean "${near}"?)` : `; the columns are: ${list}`;
}

/**
 * Checks a mapping (the parsed JSON, or the JSON text) and, when given, that its columns exist in
 * the CSV header or its paths in the sampled XML records. Reports every problem at once.
 */
export function validateFieldMap(input: unknown, target: FieldMapTarget): FieldMapCheck {
  const problems: string[] = [];
  const warnings: string[] = [];
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch (err) {
      return { ok: false, problems: [`the field mapping is not valid JSON (${(err as Error).message})`], warnings };
    }
  }
  const obj = asRecord(raw);
  if (!obj) return { ok: false, problems: ['the field mapping must be a JSON object with source, event, from, to and date'], warnings };

  const parsed = schema.safeParse(obj);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const where = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        problems.push(`${where ? `${where}: ` : ''}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`);
      } else if (issue.code === 'invalid_type' && valueAt(obj, issue.path) === undefined) {
        problems.push(`${where}: is required`);
      } else problems.push(`${where}: ${issue.message}`);
    }
  }

  // Which kind of reference each field uses, whatever else is wrong with it.
  const want = target.kind === 'csv' ? 'column' : 'path';
  const other = target.kind === 'csv' ? 'path' : 'column';
  for (const field of REF_FIELDS) {
    const f = asRecord(obj[field]);
    if (!f) continue;
    const kindName = target.kind === 'csv' ? 'a delimited-text' : 'an XML';
    if (f[want] === undefined) problems.push(f[other] !== undefined ? `${field}: ${kindName} source names a ${want}, not a ${other}` : `${field}: ${want} is required`);
    else if (f[other] !== undefined) problems.push(`${field}: ${kindName} source names a ${want} only, not a ${other}`);
    const otherName = target.kind === 'csv' ? 'namePath' : 'nameColumn';
    if (f[otherName] !== undefined) problems.push(`${field}: ${kindName} source takes ${target.kind === 'csv' ? 'nameColumn' : 'namePath'}, not ${otherName}`);
  }

  for (const field of REF_FIELDS) {
    for (const { key, value } of refsOf(obj, field, target.kind)) {
      if (target.kind === 'csv') {
        if (target.header && !target.header.includes(value.trim())) {
          problems.push(`${field}.${key}: no column "${value}" in the header${suggestion(value, target.header)}`);
        }
      } else {
        const bad = xmlPathProblem(value);
        if (bad) problems.push(`${field}.${key}: "${value}" is not a usable path: ${bad}`);
        else if (target.hasPath && !target.hasPath(value)) {
          const msg = `${field}.${key}: "${value}" is in none of the first ${target.sampled ?? 'sampled'} record(s)`;
          if (REQUIRED.includes(field) && key === 'path') problems.push(msg);
          else warnings.push(msg);
        }
      }
    }
  }

  const unique = [...new Set(problems)];
  if (unique.length) return { ok: false, problems: unique, warnings };
  return { ok: true, problems: [], warnings, fieldMap: parsed.data as FieldMap };
}

/** The `fieldMap` setting as given (JSON text or an object). */
export function fieldMapSetting(settings: Record<string, unknown>): unknown {
  return settings.fieldMap;
}
