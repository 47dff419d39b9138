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
    return savedDataLocation(configDir) ?? defaultDataDir(env);
  } catch {
    // An unreadable pointer: the app still starts, on the default folder.
    return defaultDataDir(env);
  }
}

/** The folder saved in Settings; null when none was. A pointer that cannot be used is an error naming it. */
export function savedDataLocation(configDir: string): string | null {
  const file = path.join(configDir, LOCATION_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw configError(`cannot read the data-folder setting ${file} (${errorMessage(err)})`, err);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw configError(`the data-folder setting ${file} is not valid JSON (${errorMessage(err)}); choose the folder again in the app's Settings, or pass --data-dir`, err);
  }
  const dir = (v as { dataDir?: unknown } | null)?.dataDir;
  if (typeof dir !== 'string' || !path.isAbsolute(dir)) {
    throw configError(`the data-folder setting ${file} names no absolute folder; choose the folder again in the app's Settings, or pass --data-dir`);
  }
  return dir;
}

/**
 * The folder every `ferry` command uses: an explicit --data-dir, else the one the desktop app uses
 * (FERRY_DATA_DIR, or the folder the admin moved it to in Settings, or the default), so the command
 * line and the app share one archive and one history. The app's own folder is the default data
 * folder (Electron's userData), where Settings leaves the pointer. Unlike the app, the command line
 * refuses a pointer it cannot follow (unreadable, or naming a folder that is gone, e.g. an unmounted
 * drive) instead of quietly starting a second, empty archive.
 */
export function resolveDataDir(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return path.resolve(explicit);
  if (env.FERRY_DATA_DIR) return env.FERRY_DATA_DIR;
  const appDir = defaultDataDir(env);
  const saved = savedDataLocation(appDir);
  if (saved === null) return appDir;
  if (!fs.existsSync(saved)) {
    throw configError(`the data folder ${saved}, chosen in the app's Settings (${path.join(appDir, LOCATION_FILE)}), does not exist; reconnect it, choose another folder in Settings, or pass --data-dir`);
  }
  return saved;
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
