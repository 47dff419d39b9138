/** `ferry import`, `ferry preview`, `ferry resume`. */
import type { Command } from 'commander';
import { CliContext, withGlobals } from '../context';
import { formatReport } from '../format';
import { progressReporter } from '../progress';
import { getSource } from '../../engine/sources/registry';
import type { SourceSettings, SettingSpec } from '../../engine/sources/types';
import { configError } from '../../engine/errors';
import { previewMessages } from '../../engine/runs/preview';
import type { RunReport } from '../../engine/runs/run';
import type { ImportRequest } from '../../engine/engine';
import { type DestFlags, addDestinationFlags, destinationFromFlags } from '../dest-options';
import { type MappingFileOutcome, type RoutingFlags, addRoutingFlags, mappingNotice, routingWithMappingFile } from './mapping';
import type { Engine } from '../../engine/engine';

interface RunFlags extends DestFlags, RoutingFlags {
  set?: string[];
  maxItemMb?: string;
  oversize?: string;
  folder?: string;
  newRun?: boolean;
  show?: string;
  progress?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

const withDest = (f: DestFlags) => { const d = destinationFromFlags(f); return d ? { destination: d } : {}; };

/** `--set key=value` pairs, typed by the source's declared settings. */
export function parseSettings(kind: string, inputPath: string, pairs: string[] = []): SourceSettings {
  const spec = getSource(kind).spec;
  const settings: SourceSettings = { path: inputPath };
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw configError(`--set expects key=value, got "${pair}"`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    const s: SettingSpec | undefined = spec.settings.find((x) => x.key === key);
    if (!s) throw configError(`${kind} has no setting "${key}"; its settings: ${spec.settings.map((x) => x.key).join(', ') || '(none)'}`);
    if (s.type === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw configError(`setting ${key} must be a number, got "${raw}"`);
      settings[key] = n;
    } else if (s.type === 'boolean') {
      if (!/^(true|false|yes|no|1|0)$/i.test(raw)) throw configError(`setting ${key} must be true or false, got "${raw}"`);
      settings[key] = /^(true|yes|1)$/i.test(raw);
    } else if (s.type === 'select' && s.options && !s.options.some((o) => o.value === raw)) {
      throw configError(`setting ${key} must be one of ${s.options.map((o) => o.value).join(', ')}, got "${raw}"`);
    } else settings[key] = raw;
  }
  for (const s of spec.settings) if (s.required && settings[s.key] === undefined && s.default === undefined) throw configError(`${kind} needs the setting ${s.key} (${s.label}): --set ${s.key}=…`);
  for (const s of spec.settings) if (settings[s.key] === undefined && s.default !== undefined) settings[s.key] = s.default;
  return settings;
}

export function convertOptions(f: RunFlags): ImportRequest['convert'] {
  const out: NonNullable<ImportRequest['convert']> = {};
  if (f.maxItemMb !== undefined) {
    const mb = Number(f.maxItemMb);
    if (!(mb > 0)) throw configError(`--max-item-mb must be a positive number, got "${f.maxItemMb}"`);
    out.maxItemBytes = Math.round(mb * 1024 * 1024);
  }
  if (f.oversize !== undefined) {
    if (f.oversize !== 'partial' && f.oversize !== 'fail') throw configError(`--oversize must be partial or fail, got "${f.oversize}"`);
    out.oversize = f.oversize;
  }
  return out;
}

/** Ctrl-C cancels cleanly (the run can be resumed); a second Ctrl-C exits at once, which is safe too. */
function cancelOnSigint(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const onSig = () => {
    if (ac.signal.aborted) process.exit(130);
    process.stderr.write('\nCancelling after the current batch… (Ctrl-C again to stop at once; resume with `ferry resume`)\n');
    ac.abort();
  };
  process.on('SIGINT', onSig);
  process.on('SIGTERM', onSig);
  return { signal: ac.signal, dispose: () => { process.off('SIGINT', onSig); process.off('SIGTERM', onSig); } };
}

export async function runWithProgress<T = RunReport>(ctx: CliContext, start: (hooks: Pick<ImportRequest, 'signal' | 'onProgress'>) => Promise<T>, showProgress = true): Promise<T> {
  const bar = progressReporter(showProgress && !ctx.json);
  const cancel = cancelOnSigint();
  try {
    return await start({ signal: cancel.signal, onProgress: bar.update });
  } finally {
    bar.stop();
    cancel.dispose();
  }
}

export function finishReport(ctx: CliContext, r: RunReport): void {
  ctx.print(() => formatReport(r), r);
  if (r.status === 'failed') process.exitCode = 1;
  else if (r.status === 'cancelled') process.exitCode = 130;
}

/** Records which mapping file a run used (and the rows it left out) as a run notice; the JSON output gets the details. */
function withMappingNotice(engine: Engine, r: RunReport, mapping: MappingFileOutcome | undefined): RunReport & { mapping?: MappingFileOutcome } {
  if (!mapping) return r;
  const notice = mappingNotice(mapping);
  engine.runs.addNotice(r.runId, notice);
  return { ...r, notices: [...r.notices, notice], mapping };
}

function addRunFlags(cmd: Command): Command {
  return addRoutingFlags(addDestinationFlags(cmd))
    .option('--set <key=value>', 'a source setting (repeatable); `ferry kinds` lists them', collect)
    .option('--max-item-mb <mb>', 'largest item imported whole (default 10)')
    .option('--oversize <policy>', 'over the limit: partial (leave out attachments) or fail', undefined)
    .option('--folder <name>', 'folder per source (default: a custom source\'s sourceName, else "<Platform> Archive")')
    .option('--no-progress', 'no progress bar');
}

export function registerImport(program: Command): void {
  addRunFlags(withGlobals(program.command('import <kind> <path>')
    .description('import an export into the destination (resumes an interrupted import of the same input)')))
    .option('--new-run', 'start a new run even if an interrupted one could be resumed')
    .action(async (kind: string, inputPath: string, f: RunFlags, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const settings = parseSettings(kind, inputPath, f.set);
      const engine = ctx.open();
      const { routing, mapping } = await routingWithMappingFile(ctx, engine, f);
      const r = await runWithProgress(ctx, (hooks) => engine.run({
        kind, settings, mode: 'import', ...withDest(f), convert: convertOptions(f), ...(f.folder ? { folder: f.folder } : {}),
        routing, newRun: f.newRun === true, ...hooks,
      }), f.progress !== false);
      finishReport(ctx, withMappingNotice(engine, r, mapping));
    });

  addRunFlags(withGlobals(program.command('preview <kind> <path>')
    .description('convert and validate without delivering; records a preview run')))
    .option('--show <n>', 'also print the first n converted messages', '0')
    .action(async (kind: string, inputPath: string, f: RunFlags, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const settings = parseSettings(kind, inputPath, f.set);
      const engine = ctx.open();
      const { routing, mapping } = await routingWithMappingFile(ctx, engine, f);
      const show = Number(f.show ?? 0);
      const shown = [];
      if (show > 0) {
        const router = engine.mapping.router(engine.mapping.routingConfig(routing, withDest(f).destination?.kind ?? 'archive'));
        for await (const e of previewMessages(getSource(kind), settings, { limit: show, router, convert: convertOptions(f) ?? {}, ...(f.folder ? { folder: f.folder } : {}) })) shown.push(e);
      }
      const r = withMappingNotice(engine, await runWithProgress(ctx, (hooks) => engine.run({
        kind, settings, mode: 'preview', ...withDest(f), convert: convertOptions(f), ...(f.folder ? { folder: f.folder } : {}), routing, ...hooks,
      }), f.progress !== false), mapping);
      if (ctx.json) ctx.print('', { ...r, messages: shown });
      else {
        for (const e of shown) {
          process.stdout.write(e.error ? `#${e.seq} FAILED ${e.error}\n\n` : [
            `#${e.seq} ${e.messageClass}`, `  From: ${e.from}`, `  To: ${e.to?.join(', ')}`, `  Subject: ${e.subject}`,
            `  Date: ${e.date}`, `  Message-ID: ${e.messageId}`,
            `  Mailboxes: ${e.targets?.map((t) => `${t.mailbox || '(unassigned)'}/${t.folder}`).join(', ') || '(none)'}${e.unmapped ? ` — unmapped: ${e.unmappedIdentities?.join(', ')}` : ''}`,
            ...(e.attachments?.length ? [`  Attachments: ${e.attachments.map((a) => `${a.filename} (${a.size} bytes)`).join(', ')}`] : []),
            '',
          ].join('\n') + '\n');
        }
        ctx.print(() => formatReport(r), r);
      }
      if (r.status === 'failed') process.exitCode = 1;
    });

  withGlobals(program.command('resume <runId>').description('continue an interrupted or cancelled run'))
    .option('--no-progress', 'no progress bar')
    .action(async (runId: string, f: RunFlags, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const id = Number(runId);
      if (!Number.isInteger(id) || id <= 0) throw configError(`run id must be a positive number, got "${runId}"`);
      const engine = ctx.open();
      finishReport(ctx, await runWithProgress(ctx, (hooks) => engine.resume(id, hooks), f.progress !== false));
    });
}
