/**
 * Every `ferry` command finds the data folder the way the desktop app does: --data-dir, else
 * FERRY_DATA_DIR, else the folder the admin moved it to in Settings, else the default. The real
 * command in a child process; the app's own folder is XDG_CONFIG_HOME/Ferry (Linux).
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { ferryCli } from '../helpers/cli';
import { tempDir } from '../helpers/engine';
import { writeMbox } from './helpers/exports';
import { resolveDataDir, writeDataLocation } from '../../main/ipc/data-location';

const ferry = (env: NodeJS.ProcessEnv, ...args: string[]) => ferryCli(args, env);

/** A machine whose app folder is under `dir`, with the data folder moved by Settings to `moved`. */
function movedSetup(prefix: string) {
  const dir = tempDir(prefix);
  const config = path.join(dir, 'config');
  const appDir = path.join(config, 'Ferry');
  const moved = path.join(dir, 'moved-data');
  writeDataLocation(appDir, moved);
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: config };
  delete env.FERRY_DATA_DIR;
  return { dir, appDir, moved, env };
}

describe('the data folder of every ferry command', () => {
  it('resolves --data-dir, then FERRY_DATA_DIR, then the moved folder, then the default', () => {
    const { dir, appDir, moved, env } = movedSetup('ferry-data-resolve-');
    expect(resolveDataDir(undefined, env)).toBe(moved);
    expect(resolveDataDir('relative/here', env)).toBe(path.resolve('relative/here'));
    expect(resolveDataDir(undefined, { ...env, FERRY_DATA_DIR: path.join(dir, 'env-data') })).toBe(path.join(dir, 'env-data'));
    fs.rmSync(path.join(appDir, 'data-location.json'));
    expect(resolveDataDir(undefined, env)).toBe(appDir);
  });

  it('refuses a saved location it cannot follow instead of starting a second archive', async () => {
    const { appDir, moved, env } = movedSetup('ferry-data-broken-');
    const pointer = path.join(appDir, 'data-location.json');
    // The moved folder is gone (an unmounted drive): nothing is created in its place or in the default.
    fs.rmSync(moved, { recursive: true });
    const gone = await ferry(env, 'runs');
    expect(gone.code).toBe(2);
    expect(gone.err).toContain(`ferry: the data folder ${moved}, chosen in the app's Settings (${pointer}), does not exist`);
    expect(fs.existsSync(moved)).toBe(false);
    expect(fs.readdirSync(appDir)).toEqual(['data-location.json']);

    fs.writeFileSync(pointer, '{"dataDir": ');
    expect(() => resolveDataDir(undefined, env)).toThrow(`the data-folder setting ${pointer} is not valid JSON`);
    fs.writeFileSync(pointer, JSON.stringify({ dataDir: 'relative/folder' }));
    const relative = await ferry(env, 'runs', '--json');
    expect(relative.code).toBe(2);
    expect(relative.err).toMatch(/names no absolute folder; choose the folder again in the app's Settings, or pass --data-dir/);
    // --data-dir still works around it.
    expect((await ferry(env, 'runs', '--json', '--data-dir', moved)).code).toBe(0);
  }, 60_000);

  it('import, runs, run, search and export without --data-dir use the folder the app was moved to', async () => {
    const { dir, appDir, moved, env } = movedSetup('ferry-data-moved-');
    const mbox = writeMbox(dir, 4);

    const imported = await ferry(env, 'import', 'mbox', mbox, '--json', '--no-progress');
    expect(imported.code, imported.err).toBe(0);
    const report = JSON.parse(imported.out) as { runId: number; status: string; counts: { imported: number } };
    expect(report).toMatchObject({ status: 'completed', counts: { imported: 4 } });
    // The store is in the moved folder; the app's own folder still holds only the pointer.
    expect(fs.existsSync(moved) && fs.readdirSync(moved).length).toBeGreaterThan(0);
    expect(fs.readdirSync(appDir)).toEqual(['data-location.json']);

    const runs = JSON.parse((await ferry(env, 'runs', '--json')).out) as { id: number; counts: { imported: number } }[];
    expect(runs).toMatchObject([{ id: report.runId, counts: { imported: 4 } }]);
    const one = JSON.parse((await ferry(env, 'run', String(report.runId), '--json')).out) as { items: unknown[] };
    expect(one.items).toHaveLength(4);
    const hits = JSON.parse((await ferry(env, 'search', 'figures', '--json')).out) as unknown[];
    expect(hits.length).toBeGreaterThan(0);
    const out = path.join(dir, 'out.mbox');
    expect((await ferry(env, 'export', '--format', 'mbox', '--out', out)).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8').match(/^From /gm)).toHaveLength(4);

    // The same import again is resumed/deduplicated in the same archive, not a second one.
    const again = JSON.parse((await ferry(env, 'import', 'mbox', mbox, '--json', '--no-progress')).out) as { counts: { imported: number; duplicate: number } };
    expect(again.counts).toMatchObject({ imported: 0, duplicate: 4 });

    // An explicit --data-dir still wins.
    const other = path.join(dir, 'other');
    expect(JSON.parse((await ferry(env, 'runs', '--json', '--data-dir', other)).out)).toEqual([]);
    expect(JSON.parse((await ferry(env, 'runs', '--json')).out)).toHaveLength(2);
  }, 120_000);
});
