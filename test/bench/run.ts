/**
 * `npm run bench`: throughput and memory of the import engine on a large synthetic export, and of
 * delivery to the loopback Graph server under its throttling limits. Figures are printed, never
 * asserted. Sizes: BENCH_SIZES=100000,1000000 (default).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_PEOPLE, generateTelegramExport } from './generate';

const here = path.dirname(fileURLToPath(import.meta.url));
const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
const kind = 'telegram-export';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-bench-'));

interface Phase { phase: string; items: number; seconds: number; rate: number; maxRssMb: number }

function runPhase(phase: string, file: string): Phase {
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'phase.ts'), phase, kind, file, path.join(work, `data-${phase}`)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as Phase;
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const results: Record<number, Record<string, Phase>> = {};
console.log(`Ferry benchmark — ${os.cpus().length} cores, Node ${process.version}, work folder ${work}`);
try {
  for (const n of sizes) {
    const file = path.join(work, `result-${n}.json`);
    const bytes = await generateTelegramExport(file, n);
    console.log(`\n${fmt(n)} messages: synthetic ${kind} export of ${fmt(bytes / 1048576, 1)} MB`);
    results[n] = {};
    for (const phase of ['parse', 'preview', 'import', 'import-mapped']) {
      const r = runPhase(phase, file);
      results[n]![phase] = r;
      const ratio = phase === 'parse' ? '' : `  (${fmt(r.rate / results[n]!.parse!.rate, 2)} of parse-only)`;
      console.log(`  ${phase.padEnd(13)} ${fmt(r.items)} items in ${fmt(r.seconds, 1)} s = ${fmt(r.rate)} items/s, peak memory ${fmt(r.maxRssMb)} MB${ratio}`);
    }
    fs.rmSync(file);
    for (const p of ['preview', 'import', 'import-mapped']) fs.rmSync(path.join(work, `data-${p}`), { recursive: true, force: true });
  }
  if (sizes.length > 1) {
    const [a, b] = [sizes[0]!, sizes[sizes.length - 1]!];
    console.log(`\nMemory as the export grows ${fmt(b / a)}×: ${['parse', 'preview', 'import', 'import-mapped'].map((p) => `${p} ${fmt(results[b]![p]!.maxRssMb / results[a]![p]!.maxRssMb, 2)}×`).join(', ')} (flat = about 1×)`);
  }
  const last = results[sizes[sizes.length - 1]!]!;
  console.log(`Goal: 50,000 items/s into the local archive with its full-text index; measured ${fmt(last.import!.rate)} items/s (nobody mapped), ${fmt(last['import-mapped']!.rate)} items/s with every participant mapped (a copy in each of their ${BENCH_PEOPLE.length} mailboxes).`);

  const graphBench = path.join(here, 'graph.ts');
  if (fs.existsSync(graphBench)) {
    const { runGraphBench } = (await import(graphBench)) as { runGraphBench: () => Promise<void> };
    console.log('\nDelivery to the loopback Microsoft Graph server, limits on');
    await runGraphBench();
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
