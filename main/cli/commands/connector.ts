/**
 * `ferry connector add|list|show|remove|run`: the desktop app's connectors from the command line.
 * `ferry connector run --due` is what the operating system's scheduler calls (cron, Task Scheduler,
 * launchd): every connector whose schedule is due runs, under its daily cap. Like every verb, it uses
 * the desktop app's data folder (wherever Settings moved it) unless --data-dir says otherwise.
 */
import type { Command } from 'commander';
import { CliContext, withGlobals } from '../context';
import { formatReport, table } from '../format';
import { progressReporter } from '../progress';
import { configError } from '../../engine/errors';
import type { Engine } from '../../engine/engine';
import { type Connector, type ConnectorDraft, ConnectorStore, DEFAULT_DAILY_CAP, DEFAULT_EVERY_HOURS } from '../../engine/connectors/connector-store';
import { type ConnectorRunResult, runConnector } from '../../engine/connectors/connector-run';
import { stopReasonOf } from '../../engine/connectors/run-stop';
import { credentialEntries, credentialStatus } from '../../engine/connectors/credentials';
import { knownMailboxes } from '../../engine/connectors/connector-routing';
import { importedToday } from '../../engine/connectors/daily-cap';
import { isDue, nextRunAt } from '../../engine/connectors/schedule';
import type { SettingValues } from '../../engine/connectors/setting-values';

const collect = (v: string, prev: string[] = []) => [...prev, v];


function pairs(flag: string, list: string[] = []): SettingValues {
  const out: SettingValues = {};
  for (const pair of list) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw configError(`${flag} expects key=value, got "${pair}"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

function positive(flag: string, raw: string | undefined, integer = false): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!(n > 0) || (integer && !Number.isInteger(n))) throw configError(`${flag} must be a positive ${integer ? 'whole ' : ''}number, got "${raw}"`);
  return n;
}

/** A connector by id or by name. */
function find(store: ConnectorStore, ref: string): Connector {
  const c = /^\d+$/.test(ref) ? store.get(Number(ref)) : store.byName(ref);
  if (!c) throw configError(`no connector "${ref}"; \`ferry connector list\` shows them`);
  return c;
}

function lastImport(engine: Engine, c: Connector) {
  return engine.runs.list({ connectorId: c.id, limit: 20 }).find((r) => r.mode === 'import');
}

function overview(engine: Engine, c: Connector, now: Date) {
  const last = lastImport(engine, c);
  const today = importedToday(engine.db, c.id, now);
  const next = nextRunAt(c, { lastImportStartedAt: last?.startedAt ?? null, capReached: today >= c.dailyCap }, now);
  return {
    ...c,
    lastRun: last ? { id: last.id, status: last.status, startedAt: last.startedAt, deferred: stopReasonOf(engine.db, last.id, last) === 'daily-cap', counts: engine.runs.counts(last.id) } : null,
    nextRunAt: next?.toISOString() ?? null, importedToday: today,
  };
}

interface AddFlags {
  kind: string; path: string; set?: string[]; dest?: string; destSet?: string[]; folder?: string;
  everyHours?: string; schedule?: boolean; dailyCap?: string; maxItemMb?: string; oversize?: string;
}

export function registerConnector(program: Command): void {
  const cmd = program.command('connector').description("connectors: an export, a destination, a schedule and a daily cap (the desktop app's list)");

  withGlobals(cmd.command('add <name>').description('add a connector (secrets never on the command line: `ferry secret set`)'))
    .requiredOption('--kind <kind>', 'source kind (`ferry kinds` lists them)')
    .requiredOption('--path <export>', 'the export: a folder, a ZIP or a file')
    .option('--set <key=value>', 'a source setting (repeatable)', collect)
    .option('--dest <kind>', 'destination kind (default archive)')
    .option('--dest-set <key=value>', 'a destination setting (repeatable)', collect)
    .option('--folder <name>', 'folder per source in each mailbox (default: a custom source\'s sourceName, else "<Platform> Archive")')
    .option('--schedule', `run on a schedule (every --every-hours, default ${DEFAULT_EVERY_HOURS})`)
    .option('--every-hours <n>', 'hours between scheduled runs')
    .option('--daily-cap <n>', `items imported per day at most (default ${DEFAULT_DAILY_CAP}); the rest waits for the next run`)
    .option('--max-item-mb <mb>', 'largest item imported whole (default 10)')
    .option('--oversize <policy>', 'items over that size: partial or fail')
    .action(async (name: string, f: AddFlags, c: Command) => {
      const ctx = CliContext.of(c);
      if (f.oversize !== undefined && f.oversize !== 'partial' && f.oversize !== 'fail') throw configError(`--oversize must be partial or fail, got "${f.oversize}"`);
      const draft: ConnectorDraft = {
        name, kind: f.kind, source: { ...pairs('--set', f.set), path: f.path },
        destination: { kind: f.dest ?? 'archive', settings: pairs('--dest-set', f.destSet) },
        ...(f.folder ? { folder: f.folder } : {}),
        schedule: { enabled: f.schedule === true || f.everyHours !== undefined, everyHours: positive('--every-hours', f.everyHours) ?? DEFAULT_EVERY_HOURS },
        dailyCap: positive('--daily-cap', f.dailyCap, true) ?? DEFAULT_DAILY_CAP,
        ...(f.maxItemMb ? { maxItemMb: positive('--max-item-mb', f.maxItemMb)! } : {}),
        ...(f.oversize ? { oversize: f.oversize as 'partial' | 'fail' } : {}),
      };
      const engine = ctx.open();
      const saved = new ConnectorStore(engine.db).save(draft);
      const creds = credentialEntries(saved, knownMailboxes(engine, saved));
      ctx.print(() => [`Added connector ${saved.id}: ${saved.name} (${saved.kind} ${saved.source.path} → ${saved.destination.kind}).`,
        ...creds.map((e) => `  its ${e.label} goes in the OS keychain: ferry secret set ${e.ref}`)].join('\n'), { ...saved, credentials: creds });
    });

  withGlobals(cmd.command('list').description('every connector with its status, last and next run'))
    .action((_f: unknown, c: Command) => {
      const ctx = CliContext.of(c);
      const engine = ctx.open();
      const now = new Date();
      const list = new ConnectorStore(engine.db).list().map((x) => overview(engine, x, now));
      ctx.print(() => (list.length ? table(list.map((x) => [x.id, x.name, x.kind, x.destination.kind,
        x.lastRun ? `${x.lastRun.deferred ? 'deferred' : x.lastRun.status} ${x.lastRun.startedAt.replace('T', ' ').slice(0, 16)}` : 'never run',
        x.nextRunAt ? x.nextRunAt.replace('T', ' ').slice(0, 16) : 'manual', `${x.importedToday}/${x.dailyCap}`]),
      ['id', 'name', 'kind', 'destination', 'last run (UTC)', 'next run (UTC)', 'today/cap']) : 'No connectors yet: ferry connector add <name> --kind <kind> --path <export>'), list);
    });

  withGlobals(cmd.command('show <connector>').description('one connector (id or name): settings, schedule, cap, credentials set or not'))
    .action(async (ref: string, _f: unknown, c: Command) => {
      const ctx = CliContext.of(c);
      const engine = ctx.open();
      const x = overview(engine, find(new ConnectorStore(engine.db), ref), new Date());
      const creds = await credentialStatus(engine.secrets, credentialEntries(x, knownMailboxes(engine, x)));
      ctx.print(() => [
        `Connector ${x.id}: ${x.name}`,
        `  source       ${x.kind} ${x.source.path}`,
        ...Object.entries(x.source).filter(([k]) => k !== 'path').map(([k, v]) => `    ${k} = ${String(v)}`),
        `  destination  ${x.destination.kind}${Object.entries(x.destination.settings).map(([k, v]) => ` ${k}=${String(v)}`).join('')}`,
        `  folder       ${x.folder ?? '(default)'}`,
        `  schedule     ${x.schedule.enabled ? `every ${x.schedule.everyHours} h; next ${x.nextRunAt}` : 'manual'}`,
        `  daily cap    ${x.dailyCap} (${x.importedToday} imported today)`,
        `  last run     ${x.lastRun ? `${x.lastRun.id} ${x.lastRun.deferred ? 'deferred by the cap' : x.lastRun.status}, ${x.lastRun.counts.imported} imported, ${x.lastRun.counts.failed} failed` : 'never'}`,
        ...creds.map((e) => `  credential   ${e.label}: ${e.set ? 'set' : `NOT SET (ferry secret set ${e.ref})`}`),
      ].join('\n'), { ...x, credentials: creds });
    });

  withGlobals(cmd.command('remove <connector>').description('delete a connector (its run history stays)'))
    .action((ref: string, _f: unknown, c: Command) => {
      const ctx = CliContext.of(c);
      const engine = ctx.open();
      const store = new ConnectorStore(engine.db);
      const x = find(store, ref);
      store.delete(x.id);
      ctx.print(`Removed connector ${x.id} (${x.name}); its runs stay in the history. Its keychain entries, if any, stay until \`ferry secret delete\`.`, { removed: x.id });
    });

  withGlobals(cmd.command('run [connectors...]').description('run connectors now (ids or names), or with --due every connector whose schedule is due (for the OS scheduler)'))
    .option('--due', 'run the connectors whose schedule is due')
    .option('--preview', 'a recorded preview run instead of an import')
    .option('--no-progress', 'no progress bar')
    .action(async (refs: string[], f: { due?: boolean; preview?: boolean; progress?: boolean }, c: Command) => {
      const ctx = CliContext.of(c);
      if (!refs.length && !f.due) throw configError('name the connectors to run, or --due for those whose schedule is due');
      const engine = ctx.open();
      const store = new ConnectorStore(engine.db);
      const now = new Date();
      const chosen = f.due
        ? store.list().filter((x) => isDue(x, { lastImportStartedAt: lastImport(engine, x)?.startedAt ?? null, capReached: importedToday(engine.db, x.id, now) >= x.dailyCap }, now))
        : refs.map((r) => find(store, r));
      const results: (ConnectorRunResult & { connector: { id: number; name: string } })[] = [];
      const ac = new AbortController();
      const onSig = () => { if (ac.signal.aborted) process.exit(130); process.stderr.write('\nCancelling after the current batch… (the next run resumes)\n'); ac.abort(); };
      process.on('SIGINT', onSig);
      process.on('SIGTERM', onSig);
      try {
        for (const x of chosen) {
          if (ac.signal.aborted) break;
          const bar = progressReporter(f.progress !== false && !ctx.json);
          try {
            results.push({ connector: { id: x.id, name: x.name }, ...await runConnector(engine, x, { mode: f.preview ? 'preview' : 'import', signal: ac.signal, onProgress: bar.update, now }) });
          } finally {
            bar.stop();
          }
        }
      } finally {
        process.off('SIGINT', onSig);
        process.off('SIGTERM', onSig);
      }
      ctx.print(() => (results.length ? results.map((r) => `${r.connector.name}:\n${r.report ? formatReport(r.report, { maxFailures: 5 }) : `  ${r.message}`}`).join('\n\n') : 'No connector is due.'), results);
      if (results.some((r) => r.report?.status === 'failed')) process.exitCode = 1;
      else if (ac.signal.aborted) process.exitCode = 130;
    });
}
