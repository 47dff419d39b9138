/**
 * One benchmark phase in its own process, so its peak memory (maxRSS) is its own:
 *   parse   — read the export through the source only
 *   preview — convert, validate and record outcomes, deliver nothing
 *   import  — convert and archive into the local archive with its full-text index; nobody is mapped,
 *             so every item is also kept in the unmapped queue (the cost of an unconfigured connector)
 *   import-mapped — the same with a mapping file that gives every participant a mailbox
 * Prints one JSON line: { phase, items, seconds, rate, maxRssMb }.
 */
import fs from 'node:fs';
import { getSource } from '../../main/engine/sources/registry';
import { Engine } from '../../main/engine/engine';
import { BENCH_PEOPLE } from './generate';

const [phase, kind, file, dataDir] = process.argv.slice(2) as [string, string, string, string];
const started = performance.now();
let items = 0;
if (phase === 'parse') {
  for await (const _ of getSource(kind).read({ path: file }, {})) items++;
} else {
  fs.rmSync(dataDir, { recursive: true, force: true });
  const engine = Engine.open(dataDir);
  if (phase === 'import-mapped') {
    const csv = `${dataDir}.mapping.csv`;
    fs.writeFileSync(csv, `id,mailbox\n${BENCH_PEOPLE.map(([id, name]) => `${id},${name.split(' ')[0]!.toLowerCase()}@contoso.com`).join('\n')}\n`);
    await engine.mapping.importFile(csv);
  }
  const r = await engine.run({ kind, settings: { path: file }, mode: phase.startsWith('import') ? 'import' : 'preview' });
  if (phase === 'import-mapped' && r.counts.unmapped > 0) throw new Error(`bench ${phase}: ${r.counts.unmapped} items unmapped`);
  items = r.counts.available;
  if (r.status !== 'completed' || r.counts.failed > 0) throw new Error(`bench ${phase} ended ${r.status} with ${r.counts.failed} failures: ${r.failures[0]?.reason ?? r.error}`);
  engine.close();
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ phase, items, seconds, rate: items / seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
