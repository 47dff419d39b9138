/**
 * `ferry demo` (npm run demo): imports the bundled sample exports (assets/samples/, made by the
 * project) into a fresh local archive and prints the run reports.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliContext } from '../context';
import { formatReport, table } from '../format';
import { parseSettings } from './import';
import type { RunReport } from '../../engine/runs/run';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The demo's user mapping (source ids to mailboxes) and organisation domain: the rest shows up as unmapped. */
export const DEMO_MAPPING = 'assets/samples/mapping.csv';
export const DEMO_ORG_DOMAINS = ['contoso.com'];

/** The samples, in the order the demo imports them. */
export const DEMO_SAMPLES: { kind: string; path: string; set?: string[] }[] = [
  { kind: 'twitter-archive', path: 'assets/samples/twitter-archive' },
  { kind: 'telegram-export', path: 'assets/samples/telegram-export' },
  { kind: 'slack-export', path: 'assets/samples/slack-export' },
  { kind: 'mbox', path: 'assets/samples/mail/contoso-inbox.mbox' },
  { kind: 'eml', path: 'assets/samples/mail' },
];

export function registerDemo(program: Command): void {
  program.command('demo')
    .description('import the bundled sample exports into a fresh local archive and print the report')
    .option('--data-dir <dir>', 'where to create the demo archive (emptied first)', '.ferry-demo')
    .option('--json', 'machine-readable output')
    .action(async (f: { dataDir: string }, cmd: Command) => {
      const dataDir = path.resolve(f.dataDir);
      fs.rmSync(dataDir, { recursive: true, force: true });
      const ctx = new CliContext({ ...cmd.opts(), dataDir });
      const engine = ctx.open();
      const mapping = await engine.mapping.importFile(path.join(repoRoot, DEMO_MAPPING), { label: 'demo mapping' });
      if (!ctx.json) process.stdout.write(`Mapping ${DEMO_MAPPING}: ${mapping.check.rows.length} rows saved as mapping set version ${mapping.saved.set.version}; organisation domain ${DEMO_ORG_DOMAINS.join(', ')}.\n\n`);
      const reports: RunReport[] = [];
      for (const s of DEMO_SAMPLES) {
        const input = path.join(repoRoot, s.path);
        const r = await engine.run({ kind: s.kind, settings: parseSettings(s.kind, input, s.set), mode: 'import', routing: { orgDomains: DEMO_ORG_DOMAINS } });
        reports.push(r);
        if (!ctx.json) process.stdout.write(`${formatReport(r, { maxFailures: 5 })}\n\n`);
      }
      const total = reports.reduce((t, r) => {
        for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] += r.counts[k];
        return t;
      }, { available: 0, imported: 0, partial: 0, duplicate: 0, failed: 0, unmapped: 0 });
      const archived = (engine.db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
      const unmapped = engine.mapping.queue.identities();
      ctx.print(() => [
        'Demo summary',
        table(reports.map((r) => [r.kind, r.counts.available, r.counts.imported, r.counts.partial, r.counts.duplicate, r.counts.failed, r.status]),
          ['source', 'available', 'imported', 'partial', 'duplicate', 'failed', 'status']),
        `Total: ${total.available} available, ${total.imported} imported, ${total.partial} partial, ${total.duplicate} duplicate, ${total.failed} failed, ${total.unmapped} unmapped; ${archived} messages in the archive at ${dataDir}.`,
        unmapped.length ? `Unmapped identities (review offline with \`ferry unmapped\`): ${unmapped.slice(0, 8).map((u) => `${u.name ? `${u.name} ` : ""}${u.id} (${u.items})`).join(', ')}${unmapped.length > 8 ? ', …' : ''}` : 'No unmapped items: every item reached at least one mailbox.',
        `Explore it: npx ferry --data-dir ${path.relative(process.cwd(), dataDir) || '.'} runs | search <words> | export --format mbox --out demo.mbox`,
      ].join('\n'), { dataDir, reports, total, archived, unmapped });
      if (reports.some((r) => r.status !== 'completed')) process.exitCode = 1;
    });
}
