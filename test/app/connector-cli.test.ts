/**
 * `ferry connector …` end to end: the real command in a child process over a temp data folder.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { tempDir } from '../helpers/engine';
import { writeMbox } from './helpers/exports';
import { ferryCli } from '../helpers/cli';
import { writeDataLocation } from '../../main/ipc/data-location';

const ferry = (dataDir: string | null, ...args: string[]) => ferryCli([...args, ...(dataDir ? ['--data-dir', dataDir] : [])]);
const ferryEnv = (env: NodeJS.ProcessEnv, args: string[]) => ferryCli(args, env);

describe('ferry connector', () => {
  it('adds, lists, shows, runs under the daily cap, runs the due ones, and removes', async () => {
    const dir = tempDir('ferry-cli-connector-');
    const data = path.join(dir, 'data');
    const mbox = writeMbox(dir, 5);

    const bad = await ferry(data, 'connector', 'add', 'Mail', '--kind', 'mbox', '--path', mbox, '--daily-cap', 'lots');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--daily-cap must be a positive whole number, got "lots"/);

    const added = await ferry(data, 'connector', 'add', 'Mail', '--kind', 'mbox', '--path', mbox, '--daily-cap', '3', '--every-hours', '12', '--json');
    expect(added.code).toBe(0);
    const c = JSON.parse(added.out) as { id: number; schedule: { enabled: boolean; everyHours: number }; dailyCap: number };
    expect(c).toMatchObject({ schedule: { enabled: true, everyHours: 12 }, dailyCap: 3 });
    const dup = await ferry(data, 'connector', 'add', 'Mail', '--kind', 'mbox', '--path', mbox);
    expect(dup.err).toMatch(/a connector named "Mail" already exists/);

    const list = JSON.parse((await ferry(data, 'connector', 'list', '--json')).out) as { id: number; name: string; lastRun: unknown; nextRunAt: string }[];
    expect(list).toMatchObject([{ id: c.id, name: 'Mail', lastRun: null }]);
    expect(Date.parse(list[0]!.nextRunAt)).toBeGreaterThan(Date.now() + 11 * 3600_000);

    // The cap defers the rest; a second run the same day does nothing more.
    const first = await ferry(data, 'connector', 'run', 'Mail', '--json', '--no-progress');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject([{ deferred: true, report: { status: 'cancelled', stopReason: 'daily-cap', counts: { imported: 3 } } }]);
    const runId = (JSON.parse(first.out) as { report: { runId: number } }[])[0]!.report.runId;
    // The history says why it stopped.
    expect((await ferry(data, 'runs')).out).toMatch(new RegExp(`^\\s*${runId}\\s.*\\bpaused-daily-cap\\b`, 'm'));
    expect(JSON.parse((await ferry(data, 'runs', '--json')).out)).toMatchObject([{ id: runId, status: 'cancelled', stopReason: 'daily-cap' }]);
    const report = (await ferry(data, 'run', String(runId))).out;
    expect(report).toMatch(/; paused-daily-cap in /);
    expect(report).toMatch(/note: Daily cap reached: 3 items imported today by "Mail" \(cap 3 a day\)\. The remaining items continue at the next scheduled run \(.+ UTC\), which resumes this run/);
    const second = await ferry(data, 'connector', 'run', String(c.id), '--json', '--no-progress');
    expect(JSON.parse(second.out)).toMatchObject([{ deferred: true, report: null, message: expect.stringMatching(/already imported today/) }]);

    const shown = await ferry(data, 'connector', 'show', 'Mail');
    expect(shown.out).toMatch(/daily cap\s+3 \(3 imported today\)/);
    expect(shown.out).toMatch(/deferred by the cap/);

    // Nothing is due yet (the schedule is every 12 hours from the last import).
    const due = await ferry(data, 'connector', 'run', '--due');
    expect(due.code).toBe(0);
    expect(due.out).toMatch(/No connector is due/);
    expect((await ferry(data, 'connector', 'run')).err).toMatch(/name the connectors to run, or --due/);

    const removed = await ferry(data, 'connector', 'remove', 'Mail', '--json');
    expect(JSON.parse(removed.out)).toEqual({ removed: c.id });
    expect((await ferry(data, 'connector', 'show', 'Mail')).err).toMatch(/no connector "Mail"/);
    // The history stays.
    expect(JSON.parse((await ferry(data, 'runs', '--json')).out)).toHaveLength(1);
  }, 120_000);

  it('without --data-dir, finds the data folder the desktop app was moved to', async () => {
    const dir = tempDir('ferry-cli-location-');
    const moved = path.join(dir, 'moved-data');
    const added = await ferry(moved, 'connector', 'add', 'Moved', '--kind', 'mbox', '--path', writeMbox(dir, 1), '--json');
    expect(added.code).toBe(0);
    // What Settings → Data folder → Change… writes in the app's own folder (XDG_CONFIG_HOME/Ferry on Linux).
    const config = path.join(dir, 'config');
    writeDataLocation(path.join(config, 'Ferry'), moved);
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: config };
    delete env.FERRY_DATA_DIR;
    const listed = await ferryEnv(env, ['connector', 'list', '--json']);
    expect(JSON.parse(listed.out)).toMatchObject([{ name: 'Moved' }]);
  }, 60_000);
});
