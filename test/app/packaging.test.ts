/**
 * The built app: the esbuild bundles and the packaged layout. No Electron binary can be downloaded
 * here, so (1) the engine-host bundle runs under plain Node with a stand-in for Electron's
 * `process.parentPort` (a child process over Node IPC, as a utility process is), driven by the same
 * messages main sends; (2) electron-builder packages the app around a placeholder Electron that
 * carries a real fuse wire, and the asar contents, the unpacked native modules and the flipped
 * fuses are checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildProcess, execFile, fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import asar from '@electron/asar';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { buildApp, buildRenderer } from '../../scripts/build';
import type { FromEngine, ToEngine } from '../../main/app/engine-protocol';
import { repoRoot } from '../helpers/fixtures';
import { tempDir } from '../helpers/engine';
import { writeMbox } from './helpers/exports';

const run = promisify(execFile);
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

beforeAll(async () => {
  await buildApp();
  await buildRenderer();
}, 180_000);

class HostChild {
  readonly messages: FromEngine[] = [];
  private waiters: { test: (m: FromEngine) => boolean; resolve: (m: FromEngine) => void }[] = [];
  readonly child: ChildProcess;

  constructor(bundle: string, env: NodeJS.ProcessEnv) {
    const dir = tempDir('ferry-host-');
    const bootstrap = path.join(dir, 'bootstrap.cjs');
    // Electron gives a utility process `process.parentPort`; Node IPC stands in for it.
    fs.writeFileSync(bootstrap, `const { EventEmitter } = require('node:events');
const port = new EventEmitter();
port.postMessage = (m) => process.send(m);
process.on('message', (m) => port.emit('message', { data: m, ports: [] }));
process.parentPort = port;
require(process.argv[2]);
`);
    this.child = fork(bootstrap, [bundle], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: FromEngine) => {
      this.messages.push(m);
      const w = this.waiters.find((x) => x.test(m));
      if (w) { this.waiters = this.waiters.filter((x) => x !== w); w.resolve(m); }
    });
  }

  send(m: ToEngine): void { this.child.send(m); }

  wait<T extends FromEngine>(test: (m: FromEngine) => boolean): Promise<T> {
    const found = this.messages.find(test);
    if (found) return Promise.resolve(found as T);
    return new Promise((resolve) => this.waiters.push({ test, resolve: resolve as (m: FromEngine) => void }));
  }

  async invoke(id: number, channel: string, request: unknown): Promise<unknown> {
    this.send({ type: 'invoke', id, channel, request });
    const m = await this.wait<Extract<FromEngine, { type: 'reply' }>>((x) => x.type === 'reply' && x.id === id);
    return m.result;
  }
}

describe('the engine host bundle', () => {
  let host: HostChild | undefined;
  afterAll(() => { host?.child.kill(); });

  it('opens the store, answers requests, runs imports, asks main for dialogs, and shuts down cleanly', async () => {
    const dir = tempDir('ferry-bundle-');
    host = new HostChild(path.join(repoRoot, 'dist', 'main', 'engine-host.cjs'), { ...process.env, FERRY_DATA_DIR: path.join(dir, 'data') });
    host.send({ type: 'init', configDir: path.join(dir, 'config'), appVersion: '9.9.9', platform: 'linux', mode: 'app' });
    expect(await host.wait((m) => m.type === 'ready')).toEqual({ type: 'ready', dataDir: path.join(dir, 'data') });

    expect(await host.invoke(1, 'app.info', {})).toMatchObject({ ok: true, value: { version: '9.9.9', dataDir: path.join(dir, 'data') } });
    expect(await host.invoke(2, 'connectors.list', { bogus: 1 })).toMatchObject({ ok: false, error: { class: 'invalid' } });
    const saved = await host.invoke(3, 'connectors.save', { connector: {
      name: 'Bundled', kind: 'mbox', source: { path: writeMbox(dir, 9) }, destination: { kind: 'archive', settings: {} }, schedule: { enabled: false, everyHours: 24 }, dailyCap: 100,
    } }) as { ok: true; value: { id: number } };
    expect(saved.ok).toBe(true);
    await host.invoke(4, 'runs.start', { connectorId: saved.value.id, mode: 'import' });
    const finished = await host.wait<Extract<FromEngine, { type: 'event' }>>((m) => m.type === 'event' && m.event.type === 'run-finished');
    expect(finished.event).toMatchObject({ type: 'run-finished', report: { status: 'completed', counts: { imported: 9 } } });

    // A dialog is asked of main; main's answer comes back as the reply.
    host.send({ type: 'invoke', id: 5, channel: 'dialog.choosePath', request: { pathKind: 'folder' } });
    const call = await host.wait<Extract<FromEngine, { type: 'host-call' }>>((m) => m.type === 'host-call');
    expect(call).toMatchObject({ op: 'choosePath', args: { pathKind: 'folder' } });
    host.send({ type: 'host-reply', id: call.id, value: '/exports/chosen' });
    expect(await host.wait((m) => m.type === 'reply' && m.id === 5)).toMatchObject({ result: { ok: true, value: { path: '/exports/chosen' } } });

    host.send({ type: 'shutdown' });
    await host.wait((m) => m.type === 'closed');
  }, 60_000);
});

describe('packaging', () => {
  it('puts only the bundles in app.asar, unpacks the native modules, and flips the fuses', async () => {
    const dir = tempDir('ferry-pack-');
    const electronDist = path.join(dir, 'electron-dist');
    fs.mkdirSync(electronDist);
    // A placeholder Electron: a script carrying Electron's fuse wire with its default states.
    fs.writeFileSync(path.join(electronDist, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n'), Buffer.from(SENTINEL), Buffer.from([1, 9]), Buffer.from('101100011'), Buffer.alloc(32)]), { mode: 0o755 });
    fs.writeFileSync(path.join(electronDist, 'version'), '45.4.1');
    fs.writeFileSync(path.join(electronDist, 'LICENSE'), 'MIT');
    fs.writeFileSync(path.join(electronDist, 'LICENSES.chromium.html'), '<html></html>');
    const out = path.join(dir, 'release');
    await run(process.execPath, [path.join(repoRoot, 'node_modules', 'electron-builder', 'cli.js'), '--linux', '--dir', '--config', 'electron-builder.yml',
      `-c.electronDist=${electronDist}`, `-c.directories.output=${out}`], { cwd: repoRoot, env: { ...process.env, CI: '1' }, maxBuffer: 16 * 1024 * 1024 });

    const app = path.join(out, 'linux-unpacked');
    const files = asar.listPackage(path.join(app, 'resources', 'app.asar'), { isPack: false }).map((f) => f.replace(/\\/g, '/'));
    for (const f of ['/package.json', '/dist/main/app.cjs', '/dist/main/engine-host.cjs', '/dist/preload/preload.cjs', '/dist/renderer/index.html']) expect(files, f).toContain(f);
    expect(files.filter((f) => /\.(ts|tsx|map)$/.test(f))).toEqual([]);
    expect(files.filter((f) => /node_modules\/(react|zod|mailparser|electron)\//.test(f))).toEqual([]);
    const unpacked = path.join(app, 'resources', 'app.asar.unpacked', 'node_modules');
    expect(fs.existsSync(path.join(unpacked, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))).toBe(true);
    const keyringNative = fs.readdirSync(path.join(unpacked, '@napi-rs'), { recursive: true }).map(String).filter((f) => f.endsWith('.node'));
    expect(keyringNative.length).toBeGreaterThan(0);
    const indexHtml = asar.extractFile(path.join(app, 'resources', 'app.asar'), 'dist/renderer/index.html').toString();
    expect(indexHtml).toMatch(/Content-Security-Policy" content="default-src 'none'; script-src 'self'; style-src 'self'/);
    expect(indexHtml).not.toMatch(/<script>|<style>/);
    // A production bundle (a test runner's NODE_ENV must not leak React's development JSX runtime into it).
    const script = /src="\.\/(assets\/index-[^"]+\.js)"/.exec(indexHtml)?.[1];
    const js = asar.extractFile(path.join(app, 'resources', 'app.asar'), `dist/renderer/${script}`).toString();
    expect(js).not.toContain('jsxDEV');

    const wire = await getCurrentFuseWire(path.join(app, 'ferry'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
  }, 180_000);
});
