/**
 * Running an import from the keyboard alone: the skip link, the navigation, starting a run, its
 * progress bar (counts, rate, time left), cancelling it, and resuming it to the end; the preview list
 * moved through with the arrow keys.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AppUnderTest, checkScreen, launchApp, serveRenderer } from './helpers/app';
import { writeMbox } from '../app/helpers/exports';

let server: Awaited<ReturnType<typeof serveRenderer>>;
let app: AppUnderTest;
const TOTAL = 9000;

beforeAll(async () => {
  server = await serveRenderer();
  app = await launchApp(server.url, { colorScheme: 'dark' });
});
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await app?.shot('failure-run-keyboard').catch(() => undefined);
});
afterAll(async () => {
  await app?.close();
  await server?.close();
});

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

describe('the keyboard alone', () => {
  it('starts, follows, cancels and resumes an import', async () => {
    const { page } = app;
    const saved = await app.svc.invoke('connectors.save', { connector: {
      name: 'Big mailbox', kind: 'mbox', source: { path: writeMbox(app.dir, TOTAL) }, destination: { kind: 'archive', settings: {} },
      schedule: { enabled: false, everyHours: 24 }, dailyCap: 200_000,
    } });
    expect(saved.ok).toBe(true);
    await page.getByRole('row', { name: /Big mailbox/ }).waitFor();

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

    await tabTo(/^Start import$/);
    await page.keyboard.press('Enter');
    const bar = page.getByRole('progressbar', { name: /Big mailbox import progress/ });
    await bar.waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow') ?? 0) > 0);
    const stats = await page.locator('.progress-stats').innerText();
    expect(stats).toMatch(/Rate\s+[\d,.]+\/s/);
    expect(stats).toMatch(/Time left/);
    await checkScreen(app, '21-run-in-progress');

    await tabTo(/^Cancel run$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Last run' }).waitFor({ timeout: 60_000 });
    const report = page.locator('.report').first();
    await report.getByText('Cancelled').waitFor();
    const first = app.events.filter((e) => e.type === 'run-finished').at(-1);
    expect(first?.type === 'run-finished' && first.report.status).toBe('cancelled');
    const done = first?.type === 'run-finished' ? first.report.counts.available : 0;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(TOTAL);
    await checkScreen(app, '22-run-cancelled');

    // Start again: the import resumes where it stopped and finishes, with nothing twice.
    await tabTo(/^Start import$/);
    await page.keyboard.press('Enter');
    await page.getByText(/\(resumed\)/).waitFor({ timeout: 120_000 });
    const last = app.events.filter((e) => e.type === 'run-finished').at(-1);
    expect(last?.type === 'run-finished' && last.report).toMatchObject({ status: 'completed', resumed: true, counts: { available: TOTAL, imported: TOTAL, duplicate: 0 } });
    expect((app.svc.engine.db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n).toBe(TOTAL);
    await checkScreen(app, '23-run-resumed');

    // The preview list, with the arrow keys.
    await page.keyboard.press('Shift+Tab');
    await tabTo(/^Preview$/);
    await page.keyboard.press('Enter');
    const list = page.getByRole('listbox', { name: 'Converted messages' });
    await list.getByRole('option').first().waitFor();
    await tabTo(/Weekly figures 0/);
    const selected = () => list.locator('[role=option][aria-selected=true]').innerText();
    expect(await selected()).toMatch(/Weekly figures 0\b/);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await selected()).toMatch(/Weekly figures 2\b/);
    await page.getByRole('article', { name: 'Message details' }).getByText('Weekly figures 2', { exact: true }).waitFor();
    await page.keyboard.press('End');
    expect(await selected()).not.toMatch(/Weekly figures [0-2]\b/);

    expect(app.errors).toEqual([]);
    expect(app.cspReports).toEqual([]);
  });
});
