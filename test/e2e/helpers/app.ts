/**
 * The app in a browser, for tests: the built renderer (dist/renderer) served on 127.0.0.1 and opened
 * in Debian's Chromium with a fresh profile, its `window.ferry` bridged with `page.exposeFunction` to
 * a real FerryService (the very handlers the Electron engine host registers) over a temp data
 * folder, the real OS keychain and a test Host for native dialogs. Events the service pushes reach
 * the page in order, as they would over Electron's IPC.
 */
import fs from 'node:fs';
import http from 'node:http';
import { afterAll, afterEach, beforeAll } from 'vitest';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import type { FerryEvent } from '../../../preload/contract';
import { FerryService } from '../../../main/ipc/service';
import { KeychainSecretStore } from '../../../main/engine/secrets/secret-store';
import { repoRoot } from '../../helpers/fixtures';
import { tempDir } from '../../helpers/engine';
import { TestHost } from '../../app/helpers/host';

export const RENDERER = path.join(repoRoot, 'dist', 'renderer');
export const SCREENSHOTS = path.join(repoRoot, 'test', '.artifacts', 'screenshots');

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml', '.map': 'application/json' };

/** Serves the built renderer on loopback. */
export async function serveRenderer(): Promise<{ url: string; close: () => Promise<void> }> {
  if (!fs.existsSync(path.join(RENDERER, 'index.html'))) throw new Error(`${RENDERER}/index.html is missing: run \`npm run build:renderer\` first`);
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.resolve(RENDERER, rel);
    if (!file.startsWith(RENDERER + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`, close: () => new Promise((r) => server.close(() => r())) };
}

export interface AppUnderTest {
  /** The renderer's page as served. */
  url: string;
  page: Page;
  svc: FerryService;
  host: TestHost;
  dir: string;
  events: FerryEvent[];
  /** Requests the page made to anything but the app's own server. */
  foreignRequests: string[];
  /** Dialogs (alert, confirm, prompt) the page opened. */
  dialogs: string[];
  /** Page errors and console errors, except the Content-Security-Policy reports below. */
  errors: string[];
  /** Chromium's reports of something the page's CSP blocked. */
  cspReports: string[];
  shot(name: string): Promise<void>;
  /** axe-core on the current screen, in the current colour scheme: returns the violations. */
  axe(): Promise<{ id: string; impact: string | null | undefined; help: string; targets: string[] }[]>;
  close(): Promise<void>;
}

export interface LaunchOptions { colorScheme?: 'light' | 'dark'; acceptConfirms?: boolean }

/**
 * One app for a test file: the renderer served and the browser launched before its tests, a
 * screenshot `failure-<name>` of a test that failed, everything closed after. The object is filled
 * in when the file's tests start.
 */
export function appPerFile(name: string, o: LaunchOptions = {}): AppUnderTest {
  const app = {} as AppUnderTest;
  let server: Awaited<ReturnType<typeof serveRenderer>> | undefined;
  let launched = false;
  beforeAll(async () => {
    server = await serveRenderer();
    Object.assign(app, await launchApp(server.url, o));
    launched = true;
  });
  afterEach(async (ctx) => {
    if (launched && ctx.task.result?.state === 'fail') await app.shot(`failure-${name}`).catch(() => undefined);
  });
  afterAll(async () => {
    if (launched) await app.close();
    await server?.close();
  });
  return app;
}

export async function launchApp(url: string, o: LaunchOptions = {}): Promise<AppUnderTest> {
  const dir = tempDir('ferry-e2e-');
  const host = new TestHost(path.join(dir, 'config'));
  const events: FerryEvent[] = [];
  let page: Page | undefined;
  let delivery = Promise.resolve();
  const svc = FerryService.open({
    dataDir: path.join(dir, 'data'), secrets: new KeychainSecretStore(`Ferry-e2e-${randomUUID()}`), host, scheduleEveryMs: null,
    emit: (e) => {
      events.push(e);
      // In order, like Electron's IPC; an event for a page that is closing is dropped.
      delivery = delivery.then(() => page?.evaluate((ev) => (window as unknown as { __ferryEmit(e: unknown): void }).__ferryEmit(ev), e).catch(() => undefined));
    },
  });
  const browser: Browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1366, height: 860 }, colorScheme: o.colorScheme ?? 'light', locale: 'en-GB', timezoneId: 'UTC' });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const foreignRequests: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];
  const cspReports: string[] = [];
  const origin = new URL(url).origin;
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('about:')) foreignRequests.push(r.url()); });
  page.on('dialog', (d) => { dialogs.push(`${d.type()}: ${d.message()}`); void (o.acceptConfirms && d.type() === 'confirm' ? d.accept() : d.dismiss()); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/violates the following Content Security Policy directive/.test(m.text())) cspReports.push(m.text());
    else errors.push(`console: ${m.text()}`);
  });

  await page.exposeFunction('__ferryInvoke', (channel: unknown, payload: unknown) => svc.invoke(channel, payload));
  // What the preload's contextBridge gives the real app: window.ferry with invoke and onEvent.
  await page.addInitScript(() => {
    const w = window as unknown as { __ferryInvoke(c: unknown, p: unknown): Promise<unknown>; __ferryEmit(e: unknown): void; ferry: unknown };
    const listeners = new Set<(e: unknown) => void>();
    const invoke = w.__ferryInvoke;
    w.__ferryEmit = (e) => { for (const l of listeners) l(e); };
    w.ferry = Object.freeze({
      invoke: (c: unknown, p: unknown) => invoke(c, p),
      onEvent: (l: (e: unknown) => void) => { listeners.add(l); return () => { listeners.delete(l); }; },
    });
  });
  await page.goto(url);
  await page.getByRole('heading', { level: 1 }).first().waitFor();

  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    url, page, svc, host, dir, events, foreignRequests, dialogs, errors, cspReports,
    async shot(name) {
      await page!.waitForTimeout(150);
      await page!.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
    },
    async axe() {
      // The previewed message body is third-party markup in a sandboxed frame where no script (axe's
      // included) may run; axe would wait for it forever. Its frame's title is asserted by the tests.
      const r = await new AxeBuilder({ page: page! }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).exclude('iframe[sandbox]').analyze();
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
    },
    async close() {
      page = undefined;
      await delivery;
      await context.close();
      await browser.close();
      await svc.close();
    },
  };
}

/** Runs axe and takes a screenshot of the current screen in light and in dark mode. */
export async function checkScreen(app: AppUnderTest, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await app.page.emulateMedia({ colorScheme: scheme });
    await app.page.waitForTimeout(100);
    const violations = await app.axe();
    if (violations.length) throw new Error(`axe found ${violations.length} violation(s) on ${name} (${scheme}):\n${violations.map((v) => `- ${v.id} [${v.impact}] ${v.help}: ${v.targets.slice(0, 5).join(' | ')}`).join('\n')}`);
    await app.shot(`${name}-${scheme}`);
  }
  await app.page.emulateMedia({ colorScheme: 'light' });
}
