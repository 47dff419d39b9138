/**
 * `npm run build`: the Electron main process and the engine host (Node bundles), the sandboxed
 * preload (one CommonJS file, as sandboxed preloads must be), each with esbuild; then the renderer
 * with Vite. Native modules stay outside the bundles and are unpacked from the asar by
 * electron-builder (see electron-builder.yml).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild, type BuildOptions } from 'esbuild';
import { build as vite } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
/** Loaded from node_modules at run time: native code, and Electron itself. */
export const EXTERNAL = ['electron', 'better-sqlite3', '@napi-rs/keyring'];

const common: BuildOptions = {
  bundle: true, format: 'cjs', sourcemap: 'linked', legalComments: 'linked', logLevel: 'warning', absWorkingDir: root,
  define: { 'process.env.NODE_ENV': '"production"' },
};

export async function buildApp(out = dist): Promise<void> {
  await Promise.all([
    // Electron 45 runs Node 22 in main and utility processes.
    esbuild({ ...common, platform: 'node', target: 'node22', external: EXTERNAL, entryPoints: { app: 'main/app/main.ts', 'engine-host': 'main/app/engine-host.ts' }, outdir: path.join(out, 'main'), outExtension: { '.js': '.cjs' } }),
    esbuild({ ...common, platform: 'browser', target: 'chrome120', external: ['electron'], entryPoints: { preload: 'preload/preload.ts' }, outdir: path.join(out, 'preload'), outExtension: { '.js': '.cjs' } }),
  ]);
}

export async function buildRenderer(): Promise<void> {
  // A production build whoever calls it: Vite and the React plugin read NODE_ENV (a test runner sets "test",
  // which would mix the development JSX runtime with production React).
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await vite({ configFile: path.join(root, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
  } finally {
    if (env === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = env;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await buildApp();
  await buildRenderer();
  process.stdout.write(`built dist/main, dist/preload and dist/renderer in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
