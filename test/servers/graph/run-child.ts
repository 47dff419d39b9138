/**
 * Child process for the Graph crash test: imports the synthetic chat into the loopback Graph server
 * (resuming an interrupted run if there is one) and prints progress lines; the parent kills it with
 * SIGKILL while a send is in flight. Arguments: data folder, JSON file with { settings, secret, count, badEvery, mailboxes }.
 */
import fs from 'node:fs';
import { openStore } from '../../../main/engine/store/db';
import { executeRun } from '../../../main/engine/runs/run';
import { RunStore } from '../../../main/engine/store/runs';
import { GraphDestination } from '../../../main/engine/destinations/graph/graph-destination';
import type { GraphSettings } from '../../../main/engine/destinations/graph/settings';
import { chatSource, mailboxRouter } from './chat-source';

const [dataDir, configFile] = process.argv.slice(2) as [string, string];
const cfg = JSON.parse(fs.readFileSync(configFile, 'utf8')) as { settings: GraphSettings; secret: string; count: number; badEvery: number; mailboxes: string[] };
const db = openStore(dataDir);
const dest = new GraphDestination(cfg.settings, async () => cfg.secret);
const resumable = new RunStore(db).findResumable('chat', '/exports/chat.json', dest.key);
const report = await executeRun(db, {
  kind: 'chat', source: chatSource(cfg.count, cfg.badEvery), settings: { path: '/exports/chat.json' }, mode: 'import',
  destination: dest, router: mailboxRouter(cfg.mailboxes), folder: 'Chat Archive',
  ...(resumable ? { resumeRunId: resumable.id } : {}),
  progressIntervalMs: 0, onProgress: (p) => process.stdout.write(`done ${p.done}\n`),
});
process.stdout.write(`REPORT ${JSON.stringify(report.counts)} ${report.runId} ${report.status} ${report.error ?? ''}\n`);
db.close();
