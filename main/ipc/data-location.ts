/**
 * Where the data folder is: the per-user default, unless the admin chose another folder in Settings.
 * The choice is a small pointer file in the app's own folder (it cannot live in the data folder it
 * points to) and applies from the next start, when the engine opens the store there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { defaultDataDir } from '../engine/paths';
import { configError, errorMessage } from '../engine/errors';

export const LOCATION_FILE = 'data-location.json';

export function readDataLocation(configDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.FERRY_DATA_DIR) return env.FERRY_DATA_DIR;
  try {
    const v = JSON.parse(fs.readFileSync(path.join(configDir, LOCATION_FILE), 'utf8')) as { dataDir?: unknown };
    if (typeof v.dataDir === 'string' && path.isAbsolute(v.dataDir)) return v.dataDir;
  } catch {
    // No pointer (the usual case) or an unreadable one: the default folder.
  }
  return defaultDataDir(env);
}

/**
 * The folder every `ferry` command uses: an explicit --data-dir, else the one the desktop app uses
 * (FERRY_DATA_DIR, or the folder the admin moved it to in Settings, or the default), so the command
 * line and the app share one archive and one history. The app's own folder is the default data
 * folder (Electron's userData), which is where Settings leaves the pointer.
 */
export function resolveDataDir(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return path.resolve(explicit);
  const { FERRY_DATA_DIR: _ignored, ...appEnv } = env;
  return readDataLocation(defaultDataDir(appEnv), env);
}

/** Records the folder to use from the next start, after checking Ferry can write there. */
export function writeDataLocation(configDir: string, dataDir: string): void {
  if (!path.isAbsolute(dataDir)) throw configError(`the data folder must be an absolute path, got "${dataDir}"`);
  const probe = path.join(dataDir, `.ferry-write-test-${process.pid}`);
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(probe, 'ok');
    fs.rmSync(probe);
  } catch (err) {
    throw configError(`Ferry cannot write to ${dataDir} (${errorMessage(err)}); choose another folder`, err);
  }
  fs.mkdirSync(configDir, { recursive: true });
  const tmp = path.join(configDir, `${LOCATION_FILE}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify({ dataDir }, null, 2));
  fs.renameSync(tmp, path.join(configDir, LOCATION_FILE));
}
