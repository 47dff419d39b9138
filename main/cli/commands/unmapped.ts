/**
 * `ferry unmapped`: the unmapped queue, offline. The identities that failed to map (with item counts
 * and a sample), the items of one identity, where they would go with a changed mapping, and their
 * re-import as a normal run (`ferry unmapped reimport`).
 */
import type { Command } from 'commander';
import { CliContext, withGlobals } from '../context';
import { formatReport, table } from '../format';
import { configError } from '../../engine/errors';
import type { Engine } from '../../engine/engine';
import { parseRegion } from '../../engine/mapping/identity';
import { runWithProgress } from './import';
import { type RoutingFlags, addRoutingFlags, mappingNotice, routingFromFlags, routingWithMappingFile } from './mapping';

interface QueueFlags {
  destination?: string;
  limit?: string;
  progress?: boolean;
}

const limitOf = (v: string | undefined, dflt: number) => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw configError(`--limit must be a positive number, got "${v}"`);
  return n;
};

/** The queue key an admin means: a key as `ferry unmapped` lists it, or an id as written. */
function identityKey(engine: Engine, text: string, region?: string): string {
  const cc = region ?? engine.mapping.settings.get('routing.defaultRegion');
  const keys = engine.mapping.queue.findIdentity(text, cc ? parseRegion(cc) : null);
  if (keys.length === 1) return keys[0]!;
  if (!keys.length) throw configError(`no open unmapped item has the identity "${text}"; ferry unmapped lists them`);
  throw configError(`"${text}" matches several identities (${keys.join(', ')}); give one of them`);
}

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '');

export function registerUnmapped(program: Command): void {
  const unmapped = withGlobals(program.command('unmapped').description('the unmapped queue: identities that mapped to no mailbox, with item counts'))
    .option('--destination <key>', 'only the items queued for this destination (e.g. archive)')
    .option('--limit <n>', 'identities to list (default 100)')
    .action((f: QueueFlags, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const q = ctx.open().mapping.queue;
      const identities = q.identities({ limit: limitOf(f.limit, 100), ...(f.destination ? { destination: f.destination } : {}) });
      const counts = q.counts(f.destination);
      ctx.print(() => (identities.length
        ? `${counts.open} item(s) waiting, ${counts.resolved} resolved\n${table(identities.map((i) => [i.key, i.name ?? '', i.items, `${day(i.firstDate)}…${day(i.lastDate)}`, `${i.sample.itemId}: ${(i.sample.subject ?? '').slice(0, 40)}`]),
          ['identity', 'name', 'items', 'dates', 'sample'])}\nSee the items: ferry unmapped items <identity>; fix the mapping, then: ferry unmapped preview, ferry unmapped reimport`
        : `No unmapped item waiting (${counts.resolved} resolved).`), { counts, identities });
    });

  withGlobals(unmapped.command('items <identity>').description('the queued items one identity appears in (a key as listed, or the id as written)'))
    .option('--default-region <cc>', 'country for a phone number written without a country code')
    .option('--limit <n>', 'items to list (default 100)')
    .action((identity: string, f: QueueFlags & { defaultRegion?: string }, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const engine = ctx.open();
      const key = identityKey(engine, identity, f.defaultRegion);
      const items = engine.mapping.queue.items({ identity: key, limit: limitOf(f.limit, 100) });
      ctx.print(() => `${key}: ${items.length} item(s)\n${table(items.map((i) => [i.queueId, i.date?.replace('T', ' ').slice(0, 19) ?? '', i.itemId, (i.subject ?? '').slice(0, 50), i.reason]),
        ['queue id', 'date (UTC)', 'item', 'subject', 'reason'])}`, { identity: key, items });
    });

  addRoutingFlags(withGlobals(unmapped.command('preview [identity]').description('where the queued items would go now (or with a changed mapping file, not saved)')),
    'mapping CSV to preview with (not saved)')
    .option('--destination <key>', 'only the items queued for this destination')
    .action(async (identity: string | undefined, f: RoutingFlags & QueueFlags, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const engine = ctx.open();
      const routing = routingFromFlags(f);
      const rows = f.mapping ? (await engine.mapping.checkFile(f.mapping, f.defaultRegion !== undefined ? { defaultRegion: f.defaultRegion } : {})) : undefined;
      if (rows?.errors.length && !ctx.json) process.stderr.write(`${rows.file}: ${rows.errors.length} row(s) rejected: ferry mapping check ${f.mapping}\n`);
      const entries = engine.mapping.previewUnmapped({
        routing, ...(rows ? { rows: rows.rows } : {}), ...(identity ? { identity: identityKey(engine, identity, f.defaultRegion) } : {}),
        ...(f.destination ? { destination: f.destination } : {}),
      });
      const summary = {
        items: entries.length, wouldImport: entries.filter((e) => e.newCopies.length > 0).length,
        stillUnmapped: entries.filter((e) => e.stillUnmapped).length, refused: entries.filter((e) => e.refusal).length,
      };
      ctx.print(() => `${summary.items} queued item(s): ${summary.wouldImport} would reach a mailbox, ${summary.stillUnmapped} still map to nobody${summary.refused ? `, ${summary.refused} refused (sender)` : ''}\n`
        + table(entries.map((e) => [e.queueId, e.itemId, (e.subject ?? '').slice(0, 40), e.stillUnmapped ? '(still unmapped)' : e.refusal ? '(refused)' : e.mailboxes.map((m) => m.mailbox).join(', '),
          e.newCopies.length ? e.newCopies.join(', ') : '—']), ['queue id', 'item', 'subject', 'maps to', 'new copies']), { ...summary, entries });
    });

  addRoutingFlags(withGlobals(unmapped.command('reimport [identity]').description('import again the queued items that map now, as a run (resumable; no mailbox gets a second copy)')))
    .option('--destination <key>', 'only the items queued for this destination')
    .option('--no-progress', 'no progress bar')
    .action(async (identity: string | undefined, f: RoutingFlags & QueueFlags, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const engine = ctx.open();
      const key = identity ? identityKey(engine, identity, f.defaultRegion) : undefined;
      const { routing, mapping } = await routingWithMappingFile(ctx, engine, f);
      const result = await runWithProgress(ctx, (hooks) => engine.mapping.reimport({
        routing, ...(key ? { identity: key } : {}), ...(f.destination ? { destination: f.destination } : {}), ...hooks,
      }), f.progress !== false);
      if (mapping) for (const r of result.runs) { const n = mappingNotice(mapping); engine.runs.addNotice(r.runId, n); r.notices.push(n); }
      ctx.print(() => [
        result.runs.length ? result.runs.map((r) => formatReport(r)).join('\n\n') : 'Nothing to re-import: no queued item maps to a mailbox now.',
        `${result.selected} item(s) re-imported; ${result.stillUnmapped} still map to nobody${result.refused ? `, ${result.refused} still refused (sender)` : ''}.`,
      ].join('\n'), { ...result, ...(mapping ? { mapping } : {}) });
      if (result.runs.some((r) => r.status === 'failed')) process.exitCode = 1;
      else if (result.runs.some((r) => r.status === 'cancelled')) process.exitCode = 130;
    });
}
