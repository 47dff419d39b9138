/**
 * The default data folder: the OS's per-user application-data folder, the same one Electron's
 * `app.getPath('userData')` gives, so the app and the command line share a store.
 */
import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'Ferry';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.FERRY_DATA_DIR) return env.FERRY_DATA_DIR;
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
}
