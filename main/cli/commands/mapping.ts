/**
 * `ferry mapping check|import|list|lookup|settings`, and the routing flags `import`, `preview` and
 * `unmapped` share (`--mapping FILE`, `--org-domain`, `--catch-all`, `--require-sender-mapping`,
 * `--default-region`, `--mapping-set`).
 */
import type { Command } from 'commander';
import { CliContext, withGlobals } from '../context';
import { table } from '../format';
import { configError } from '../../engine/errors';
import type { Engine } from '../../engine/engine';
import type { MappingCheck } from '../../engine/mapping/csv';
import type { RoutingRequest } from '../../engine/mapping/service';
import type { DateOrder } from '../../engine/mapping/dates';
import { IDENTITY_KINDS } from '../../engine/mapping/identity';
import type { IdentityKind } from '../../engine/item';
import { describeValidity } from '../../engine/mapping/mapping-table';

export interface RoutingFlags {
  mapping?: string;
  mappingSet?: string;
  orgDomain?: string[];
  catchAll?: string;
  requireSenderMapping?: boolean;
  defaultRegion?: string;
}

interface FileFlags {
  defaultRegion?: string;
  dateOrder?: string;
  label?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** What `--mapping FILE` did, for the output. */
export interface MappingFileOutcome {
  file: string;
  version: number | null;
  reused: boolean;
  loaded: number;
  errors: MappingCheck['errors'];
}

export function addRoutingFlags(cmd: Command, mappingHelp = 'mapping CSV (source user id → mailbox); stored as a new mapping set version'): Command {
  return cmd
    .option('--mapping <file>', mappingHelp)
    .option('--mapping-set <version>', 'mapping set to use: a version number, latest (default) or none')
    .option('--org-domain <domain>', "an organisation domain: participants with an address there map to it (repeatable)", collect)
    .option('--catch-all <mailbox>', 'mailbox for items whose participants map to nobody')
    .option('--require-sender-mapping', 'refuse items whose sender maps to no mailbox')
    .option('--default-region <cc>', 'country for phone numbers written without a country code (GB, US, FR, DE, IN…)');
}

function dateOrderOf(v: string | undefined): DateOrder | undefined {
  if (v === undefined) return undefined;
  if (v !== 'dmy' && v !== 'mdy') throw configError(`--date-order must be dmy or mdy, got "${v}"`);
  return v;
}

function mappingSetOf(v: string | undefined): RoutingRequest['mappingSet'] {
  if (v === undefined) return undefined;
  if (v === 'latest' || v === 'none') return v;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw configError(`--mapping-set must be a version number, latest or none, got "${v}"`);
  return n;
}

/** The routing flags as a request (unset ones take the app-wide defaults), without the mapping file. */
export function routingFromFlags(f: RoutingFlags): RoutingRequest {
  const r: RoutingRequest = {};
  const set = mappingSetOf(f.mappingSet);
  if (set !== undefined) r.mappingSet = set;
  if (f.orgDomain?.length) r.orgDomains = f.orgDomain;
  if (f.catchAll !== undefined) r.catchAll = f.catchAll;
  if (f.requireSenderMapping) r.requireSenderMapping = true;
  if (f.defaultRegion !== undefined) r.defaultRegion = f.defaultRegion;
  return r;
}

/**
 * The routing flags, with `--mapping FILE` checked and saved as a mapping set version (an identical
 * newest version is reused). Bad rows are reported on stderr; the good rows are used.
 */
export async function routingWithMappingFile(ctx: CliContext, engine: Engine, f: RoutingFlags): Promise<{ routing: RoutingRequest; mapping?: MappingFileOutcome }> {
  const routing = routingFromFlags(f);
  if (!f.mapping) return { routing };
  if (f.mappingSet !== undefined) throw configError('give --mapping or --mapping-set, not both');
  const { check, saved } = await engine.mapping.importFile(f.mapping, { ...(f.defaultRegion !== undefined ? { defaultRegion: f.defaultRegion } : {}) });
  reportRowErrors(ctx, check);
  routing.mappingSet = saved.set.version;
  return { routing, mapping: { file: f.mapping, version: saved.set.version, reused: saved.reused, loaded: check.rows.length, errors: check.errors } };
}

function reportRowErrors(ctx: CliContext, check: MappingCheck): void {
  if (ctx.json || !check.errors.length) return;
  process.stderr.write(`${check.file}: ${check.errors.length} row(s) rejected, the other ${check.rows.length} loaded:\n`);
  for (const e of check.errors) process.stderr.write(`  line ${e.line}: ${e.reason}\n`);
}

/** A run notice that says which mapping file was used and what it left out. */
export function mappingNotice(m: MappingFileOutcome): string {
  return `mapping file ${m.file}: ${m.loaded} row(s) loaded as mapping set v${m.version}${m.reused ? ' (identical to the newest version, reused)' : ''}`
    + (m.errors.length ? `; ${m.errors.length} row(s) rejected (lines ${m.errors.map((e) => e.line).join(', ')}): ferry mapping check ${m.file}` : '');
}

function formatCheck(c: MappingCheck): string {
  const lines = [
    `${c.file}: ${c.rows.length} row(s) loaded, ${c.errors.length} rejected`,
    `  read as ${c.encoding}, separator ${JSON.stringify(c.delimiter)}, ${c.header ? `columns "${c.columns.id}" → "${c.columns.mailbox}"` : 'no header row (id, mailbox by position)'}`
      + `${c.columns.validFrom ? `, valid from "${c.columns.validFrom}"` : ''}${c.columns.validTo ? `, valid to "${c.columns.validTo}"` : ''}${c.columns.kind ? `, id type "${c.columns.kind}"` : ''}`,
  ];
  for (const n of c.notes) lines.push(`  note: ${n}`);
  for (const e of c.errors) lines.push(`  line ${e.line}: ${e.reason}`);
  return lines.join('\n');
}

const checkJson = (c: MappingCheck) => ({ ...c, loaded: c.rows.length, rejected: c.errors.length });

export function registerMapping(program: Command): void {
  const mapping = program.command('mapping').description('mapping files (source user id → mailbox), mapping set versions and routing defaults');

  const fileFlags = (cmd: Command) => cmd
    .option('--default-region <cc>', 'country for phone numbers written without a country code (default: the app setting)')
    .option('--date-order <order>', 'how to read dates like 03/04/2024: dmy or mdy (default: from the file\'s other dates)');

  fileFlags(withGlobals(mapping.command('check <file>').description('read a mapping CSV and report the rows loaded and every bad row by line')))
    .action(async (file: string, f: FileFlags, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const c = await ctx.open().mapping.checkFile(file, { ...(f.defaultRegion !== undefined ? { defaultRegion: f.defaultRegion } : {}), ...(f.dateOrder ? { dateOrder: dateOrderOf(f.dateOrder)! } : {}) });
      ctx.print(() => formatCheck(c), checkJson(c));
      if (c.errors.length) process.exitCode = 1;
    });

  fileFlags(withGlobals(mapping.command('import <file>').description('store a mapping CSV as a new mapping set version (bad rows are left out and listed)')))
    .option('--label <text>', 'a name for this version (default: the file name)')
    .action(async (file: string, f: FileFlags, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const { check, saved } = await ctx.open().mapping.importFile(file, {
        ...(f.defaultRegion !== undefined ? { defaultRegion: f.defaultRegion } : {}), ...(f.dateOrder ? { dateOrder: dateOrderOf(f.dateOrder)! } : {}),
        ...(f.label ? { label: f.label } : {}),
      });
      ctx.print(() => `${formatCheck(check)}\nSaved as mapping set v${saved.set.version}${saved.reused ? ' (identical to the newest version, reused)' : ''}; imports use the newest version unless told otherwise.`,
        { ...checkJson(check), version: saved.set.version, reused: saved.reused, set: saved.set });
    });

  withGlobals(mapping.command('list').description('mapping set versions, newest first'))
    .action((_f: unknown, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const sets = ctx.open().mapping.sets.list();
      ctx.print(() => (sets.length ? table(sets.map((s) => [s.version, s.createdAt.replace('T', ' ').slice(0, 19), s.rows, s.rejected.length, s.label]),
        ['version', 'saved (UTC)', 'rows', 'rejected', 'label']) : 'No mapping set yet: ferry mapping import FILE.csv'), sets);
    });

  addRoutingFlags(withGlobals(mapping.command('lookup <id>').description('where one source identity maps (mapping set, then organisation domains)')), 'mapping CSV to look the id up in (not saved)')
    .option('--kind <kind>', `read the id as ${IDENTITY_KINDS.join(', ')} (default: by its shape)`)
    .option('--date <date>', 'the item date, for dated mappings (default: now)')
    .action(async (id: string, f: RoutingFlags & { kind?: string; date?: string }, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const engine = ctx.open();
      if (f.kind && !IDENTITY_KINDS.includes(f.kind as IdentityKind)) throw configError(`--kind must be one of ${IDENTITY_KINDS.join(', ')}`);
      const date = f.date ? new Date(f.date) : undefined;
      if (date && Number.isNaN(date.getTime())) throw configError(`--date is not a date: "${f.date}"`);
      const routing = routingFromFlags(f);
      let result;
      if (f.mapping) {
        const check = await engine.mapping.checkFile(f.mapping, f.defaultRegion !== undefined ? { defaultRegion: f.defaultRegion } : {});
        reportRowErrors(ctx, check);
        result = engine.mapping.lookup({ id, ...(f.kind ? { kind: f.kind as IdentityKind } : {}), ...(date ? { date } : {}), routing, rows: check.rows });
      } else {
        result = engine.mapping.lookup({ id, ...(f.kind ? { kind: f.kind as IdentityKind } : {}), ...(date ? { date } : {}), routing });
      }
      ctx.print(() => (result.mailbox
        ? `${id} (${result.key}) → ${result.mailbox}, ${result.via === 'mapping' ? `mapping row on line ${result.row!.line} (${describeValidity(result.row!)})` : 'its own address in an organisation domain'}`
        : `${id} (${result.key}) maps to no mailbox`), result);
      if (!result.mailbox) process.exitCode = 1;
    });

  withGlobals(mapping.command('settings').description('show or change the app-wide routing defaults that connectors and imports use'))
    .option('--org-domain <domain>', 'set the organisation domains (repeatable; replaces the list)', collect)
    .option('--clear-org-domains', 'no organisation domain')
    .option('--catch-all <mailbox>', 'the catch-all mailbox ("none" for none)')
    .option('--default-region <cc>', 'default region for phone numbers ("none" for none)')
    .option('--require-sender-mapping <on|off>', 'refuse items whose sender maps to no mailbox')
    .option('--mapping-set <version>', 'the mapping set imports use: a version, latest or none')
    .action((f: { orgDomain?: string[]; clearOrgDomains?: boolean; catchAll?: string; defaultRegion?: string; requireSenderMapping?: string; mappingSet?: string }, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const settings = ctx.open().mapping.settings;
      const patch: Parameters<typeof settings.saveRoutingDefaults>[0] = {};
      if (f.clearOrgDomains) patch.orgDomains = [];
      if (f.orgDomain?.length) patch.orgDomains = f.orgDomain;
      if (f.catchAll !== undefined) patch.catchAll = f.catchAll === 'none' ? null : f.catchAll;
      if (f.defaultRegion !== undefined) patch.defaultRegion = f.defaultRegion === 'none' ? null : f.defaultRegion;
      if (f.requireSenderMapping !== undefined) {
        if (!/^(on|off)$/.test(f.requireSenderMapping)) throw configError(`--require-sender-mapping must be on or off, got "${f.requireSenderMapping}"`);
        patch.requireSenderMapping = f.requireSenderMapping === 'on';
      }
      const set = mappingSetOf(f.mappingSet);
      if (set !== undefined) patch.mappingSet = set;
      const d = settings.saveRoutingDefaults(patch);
      ctx.print(() => [
        `organisation domains: ${d.orgDomains.join(', ') || '(none)'}`, `catch-all mailbox: ${d.catchAll ?? '(none)'}`,
        `default region: ${d.defaultRegion ?? '(none)'}`, `require sender mapping: ${d.requireSenderMapping ? 'on' : 'off'}`,
        `mapping set: ${d.mappingSet}`,
      ].join('\n'), d);
    });
}
