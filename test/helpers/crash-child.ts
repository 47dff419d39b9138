/**
 * Child process for the crash test: imports the synthetic source into a data folder, resuming an
 * interrupted run if there is one, and prints progress lines the parent uses to time its kill -9.
 */
import { openStore } from '../../main/engine/store/db';
import { executeRun } from '../../main/engine/runs/run';
import { RunStore } from '../../main/engine/store/runs';
import { ArchiveDestination } from '../../main/engine/destinations/archive/archive-destination';
import { syntheticSource } from './synthetic-source';

const [dataDir, countArg] = process.argv.slice(2);
const db = openStore(dataDir!);
const runs = new RunStore(db);
const resumable = runs.findResumable('synthetic', '/exports/crash.json', 'archive');
const report = await executeRun(db, {
  kind: 'synthetic', source: syntheticSource({ count: Number(countArg), badEvery: 97, attachEvery: 13 }),
  settings: { path: '/exports/crash.json' }, mode: 'import', destination: new ArchiveDestination(db), batchSize: 100,
  ...(resumable ? { resumeRunId: resumable.id } : {}),
  progressIntervalMs: 0, onProgress: (p) => process.stdout.write(`done ${p.done}\n`),
});
process.stdout.write(`REPORT ${JSON.stringify(report.counts)} ${report.runId} ${report.status}\n`);
db.close();
