/**
 * Running an import from the keyboard alone, into Microsoft 365 (the loopback Graph server, held
 * still while the test looks at the run so that it is certainly under way when cancelled): the skip link, the
 * navigation, starting a run, its progress bar (counts, rate, time left), cancelling it, resuming it
 * to the end with every message delivered exactly once; then the preview list with the arrow keys.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appPerFile, checkScreen } from './helpers/app';
import { writeMbox } from '../app/helpers/exports';
import type { ConnectorView } from '../../preload/contract';
import { startGraphHarness, type GraphHarness } from '../servers/graph/harness';

const MAILBOX = 'ann@contoso.com';
const TOTAL = 160;

const app = appPerFile('run-keyboard', { colorScheme: 'dark' });
let graph: GraphHarness;

beforeAll(async () => { graph = await startGraphHarness({ mailboxes: [MAILBOX], latencyMs: 20 }); });
afterAll(async () => { await graph?.stop(); });

const focused = () => app.page.evaluate(() => {
  const el = document.activeElement as HTMLElement | null;
  return { tag: el?.tagName ?? '', text: (el?.innerText ?? el?.getAttribute('aria-label') ?? '').trim() };
});

/** Presses Tab until the focused element's text matches (at most `max` times). */
async function tabTo(text: RegExp, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await app.page.keyboard.press('Tab');
    if (text.test((await focused()).text)) return;
  }
  throw new Error(`Tab never reached ${text}; focus is on ${JSON.stringify(await focused())}`);
}

/** How many copies of each message the mailbox holds, over all its folders. */
function copies(): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of graph.server.messages(MAILBOX)) out.set(m.internetMessageId, (out.get(m.internetMessageId) ?? 0) + 1);
  return out;
}

describe('the keyboard alone', () => {
  it('starts, follows, cancels and resumes an import into Microsoft 365', async () => {
    const { page, svc } = app;
    // Set up through the same handlers the screens use: the organisation's domain routes Ann's copy
    // to her mailbox; the app's client secret goes to the keychain.
    const settings = await svc.invoke('settings.save', { settings: {
      orgDomains: ['contoso.com'], catchAll: null, defaultRegion: null, requireSenderMapping: false, defaultDestination: { kind: 'archive', settings: {} },
    } });
    expect(settings.ok).toBe(true);
    const s = graph.settings();
    const caFile = path.join(app.dir, 'loopback-ca.pem');
    fs.writeFileSync(caFile, s.caCertificate!);
    const saved = await svc.invoke('connectors.save', { connector: {
      name: 'Ann mailbox', kind: 'mbox', source: { path: writeMbox(app.dir, TOTAL) },
      destination: { kind: 'graph', settings: { tenantId: s.tenantId, clientId: s.clientId, auth: 'secret', authorityHost: s.authorityHost!, graphBaseUrl: s.graphBaseUrl!, caCertificateFile: caFile } },
      schedule: { enabled: false, everyHours: 24 }, dailyCap: 200_000,
    } });
    if (!saved.ok) throw new Error(JSON.stringify(saved));
    const slot = (saved.value as ConnectorView).secrets.find((x) => x.scope === 'destination');
    expect(slot?.set).toBe(false);
    expect((await svc.invoke('secrets.set', { ref: slot!.ref, value: graph.secretApp.secret })).ok).toBe(true);
    await svc.invoke('connectors.list', {});
    await page.reload();
    await page.getByRole('row', { name: /Ann mailbox/ }).waitFor();

    // The skip link comes first and lands on the screen's title.
    await page.keyboard.press('Tab');
    expect(await focused()).toEqual({ tag: 'A', text: 'Skip to content' });
    await page.keyboard.press('Enter');
    expect(await focused()).toMatchObject({ tag: 'H1', text: 'Connectors' });

    // Through the navigation to Run; the new screen's title takes the focus.
    await page.keyboard.press('Shift+Tab');
    await tabTo(/^Run$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Run' }).waitFor();
    expect(await focused()).toMatchObject({ tag: 'H1', text: 'Run' });

    // Start: the button gives way to Cancel, which takes the focus.
    await tabTo(/^Start import$/);
    await page.keyboard.press('Enter');
    const bar = page.getByRole('progressbar', { name: /Ann mailbox import progress/ });
    await bar.waitFor();
    await expect.poll(focused).toEqual({ tag: 'BUTTON', text: 'Cancel run' });
    // Once a few messages are in, the service stops answering: the run waits on the deliveries under way.
    await expect.poll(() => graph.server.messages(MAILBOX).length, { interval: 5, timeout: 20_000 }).toBeGreaterThanOrEqual(5);
    const release = graph.server.hold();
    await page.waitForFunction(() => /Items\s*([5-9]|\d\d)/.test(document.querySelector('.progress-stats')?.textContent ?? ''));
    const stats = await page.locator('.progress-stats').innerText();
    expect(stats).toMatch(/Rate\s+[\d,.]+\/s/);
    expect(stats).toMatch(/Time left/);
    await checkScreen(app, '21-run-in-progress');

    // Cancel: the run stops after the deliveries under way; the focus goes to its report.
    expect(await focused()).toEqual({ tag: 'BUTTON', text: 'Cancel run' });
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Cancelling…' }).waitFor();
    release();
    await page.getByRole('heading', { name: 'Last run' }).waitFor({ timeout: 60_000 });
    await page.locator('.report').first().getByText('Cancelled').waitFor();
    await expect.poll(focused).toEqual({ tag: 'H3', text: 'LAST RUN' }); // upper case by the style sheet
    const first = app.events.filter((e) => e.type === 'run-finished').at(-1);
    expect(first?.type === 'run-finished' && first.report.status).toBe('cancelled');
    const done = first?.type === 'run-finished' ? first.report.counts.imported : 0;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(TOTAL);
    // What the cancelled run counted as imported is in the mailbox, once each; so may be the sends the
    // cancel cut short (the server took them after the client gave up): the resume looks them up.
    expect(copies().size).toBeGreaterThanOrEqual(done);
    expect([...copies().values()].every((n) => n === 1)).toBe(true);
    await checkScreen(app, '22-run-cancelled');

    // Start again: the import resumes where it stopped and finishes, with nothing twice.
    await tabTo(/^Start import$/);
    await page.keyboard.press('Enter');
    await page.getByText(/\(resumed\)/).waitFor({ timeout: 120_000 });
    const last = app.events.filter((e) => e.type === 'run-finished').at(-1);
    expect(last?.type === 'run-finished' && last.report).toMatchObject({ status: 'completed', resumed: true, counts: { available: TOTAL, failed: 0 } });
    const held = copies();
    expect(held.size).toBe(TOTAL);
    expect([...held.values()].every((n) => n === 1)).toBe(true);
    await checkScreen(app, '23-run-resumed');

    // The preview list, with the arrow keys.
    await page.keyboard.press('Shift+Tab');
    await tabTo(/^Preview$/);
    await page.keyboard.press('Enter');
    const list = page.getByRole('listbox', { name: 'Converted messages' });
    await list.getByRole('option', { name: /Weekly figures 0\b/ }).waitFor();
    await tabTo(/Weekly figures 0\b/);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('listbox');
    const selected = () => list.locator('[role=option][aria-selected=true] .row-subject').innerText();
    const shown = () => page.getByRole('article', { name: 'Message details' }).locator('.message-subject').innerText();
    expect(await selected()).toBe('Weekly figures 0');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(selected).toBe('Weekly figures 2');
    await expect.poll(shown).toBe('Weekly figures 2');
    await page.keyboard.press('PageDown');
    await expect.poll(selected).toBe('Weekly figures 12');
    await page.keyboard.press('ArrowUp');
    await expect.poll(selected).toBe('Weekly figures 11');
    await page.keyboard.press('End');
    await expect.poll(selected).toMatch(/^Weekly figures (49|[5-9]\d|1[0-5]\d)$/);
    await page.keyboard.press('Home');
    await expect.poll(selected).toBe('Weekly figures 0');
    // The list keeps the focus throughout, and names the selected option for assistive technology.
    const activeDescendant = await list.getAttribute('aria-activedescendant');
    expect(await page.locator(`#${activeDescendant} .row-subject`).innerText()).toBe('Weekly figures 0');

    expect(app.errors).toEqual([]);
    expect(app.cspReports).toEqual([]);
  });
});
