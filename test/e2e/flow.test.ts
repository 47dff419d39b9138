/**
 * The whole admin flow in the built renderer, against the real engine, on the sample Twitter/X
 * archive: set up the organisation, add a connector, load a CSV mapping, preview, import, read the
 * history and export its log, review the unmapped identities, map one in place and re-import. Every
 * screen is checked with axe-core in light and dark mode and saved as a screenshot.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { appPerFile, checkScreen } from './helpers/app';
import { repoRoot } from '../helpers/fixtures';

const SAMPLE = path.join(repoRoot, 'assets', 'samples', 'twitter-archive');

const app = appPerFile('flow');

const nav = (name: string) => app.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true }).click();
const h1 = (text: string | RegExp) => app.page.getByRole('heading', { level: 1, name: text }).waitFor();

describe('an admin sets up a connector and imports the sample archive', () => {
  it('walks every screen', async () => {
    const { page } = app;
    await h1('Connectors');
    await page.getByText('No connectors yet').waitFor();
    await checkScreen(app, '01-connectors-empty');

    // Settings: the organisation's domain and a catch-all mailbox.
    await nav('Settings');
    await h1('Settings');
    // The account's own address (support@contoso.com, from account.js) is not in the organisation's
    // domains, so its items map only through the CSV mapping (or not at all).
    await page.getByLabel('Organisation domains').fill('fabrikam.com');
    await page.getByLabel('Catch-all mailbox').fill('archive@contoso.com');
    await page.getByLabel('Default phone region').fill('GB');
    await checkScreen(app, '02-settings');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    expect(app.svc.engine.mapping.settings.routingDefaults()).toMatchObject({ orgDomains: ['fabrikam.com'], catchAll: 'archive@contoso.com', defaultRegion: 'GB' });

    // The connector wizard.
    await nav('Connectors');
    await page.getByRole('button', { name: 'Add your first connector' }).click();
    await h1(/Add a connector: Source/);
    await page.getByRole('radio', { name: /Twitter\/X archive/ }).check();
    await checkScreen(app, '03-wizard-source');
    await page.getByRole('button', { name: 'Next' }).click();
    await h1(/Export$/);
    await page.getByRole('textbox', { name: 'Export (file or folder)' }).fill(SAMPLE);
    await checkScreen(app, '04-wizard-export');
    await page.getByRole('button', { name: 'Next' }).click();
    await h1(/Destination$/);
    expect(await page.getByLabel('Destination', { exact: true }).inputValue()).toBe('archive');
    await checkScreen(app, '05-wizard-destination');
    await page.getByRole('button', { name: 'Next' }).click();
    await h1(/Schedule and limits$/);
    await page.getByLabel('Connector name').fill('Contoso Support on X');
    await page.getByLabel(/Run on a schedule/).check();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText(/tweets|direct message/i).first().waitFor();
    const checks = await page.locator('.checks li').allInnerTexts();
    expect(checks.some((c) => /settings/.test(c)), checks.join('\n')).toBe(true);
    expect(await page.locator('.checks li.check-bad').count(), checks.join('\n')).toBe(0);
    await checkScreen(app, '06-wizard-schedule-tested');
    await page.getByRole('button', { name: 'Save connector' }).click();
    await page.getByText(/Saved "Contoso Support on X"/).waitFor();
    const row = page.getByRole('row', { name: /Contoso Support on X/ });
    await row.getByText('Never run').waitFor();
    await expect(await row.innerText()).toMatch(/Twitter\/X archive/);
    await checkScreen(app, '07-connectors');
    const connector = app.svc.connectors.list()[0]!;
    expect(connector).toMatchObject({ name: 'Contoso Support on X', kind: 'twitter-archive', schedule: { enabled: true, everyHours: 24 }, dailyCap: 200_000 });

    // Mapping: a CSV with one bad row; a lookup; save.
    await nav('Mapping');
    await h1('Mapping');
    const csv = path.join(app.dir, 'x-mapping.csv');
    fs.writeFileSync(csv, [
      'External User ID,Microsoft 365 User Mailbox',
      '@northwind_lee,lee.north@contoso.com',
      '1450000000000000003,lee.north@contoso.com',
      '@fabrikam_pat,not-an-address',
      '1450000000000000002,pat@contoso.com',
      '',
    ].join('\r\n'));
    await page.locator('#mapping-file').setInputFiles(csv);
    await page.getByText(/3 rows loaded/).waitFor();
    await page.getByText('1 with errors').waitFor();
    const badRow = page.locator('tr.row-error');
    await expect(await badRow.count()).toBe(1);
    expect(await badRow.innerText()).toMatch(/4\s+@fabrikam_pat/);
    await page.getByRole('textbox', { name: 'Source user id' }).fill('@northwind_lee');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.locator('.lookup-result').getByText('lee.north@contoso.com').waitFor();
    await checkScreen(app, '08-mapping-loaded');
    await page.getByRole('button', { name: "Save as this connector's mapping" }).click();
    await page.getByText(/Saved mapping version \d+ \(3 rows\)/).waitFor();
    expect(app.svc.engine.mapping.sets.latest(connector.id)?.rows).toBe(3);

    // Preview: the quote to @northwind_lee goes to Lee's mailbox; the raw MIME is there.
    await nav('Preview');
    await h1('Preview');
    const list = page.getByRole('listbox', { name: 'Converted messages' });
    await list.getByRole('option').first().waitFor();
    await list.getByRole('option', { name: /This is how it/ }).click();
    const detail = page.getByRole('article', { name: 'Message details' });
    await detail.locator('.targets').getByText('lee.north@contoso.com').waitFor();
    // Per participant: the account maps to nobody yet, @northwind_lee through the CSV.
    const perParticipant = await detail.getByRole('table', { name: "Where each participant's copy goes" }).innerText();
    expect(perParticipant).toMatch(/From\s+contoso_support \(Contoso Support\)\s+not mapped/);
    expect(perParticipant).toMatch(/To\s+northwind_lee.*\s+lee\.north@contoso\.com \(mapping\)/);
    await expect(await detail.innerText()).toMatch(/IPM\.NOTE\.Twitter\.Quote/);
    expect(await detail.locator('iframe').getAttribute('title')).toMatch(/^Body of/);
    expect(await detail.locator('iframe').getAttribute('sandbox')).toBe('');
    await checkScreen(app, '09-preview');
    await list.getByRole('option', { name: /Error/ }).first().click();
    await detail.getByText(/Would fail/).waitFor();
    await checkScreen(app, '10-preview-error');
    await list.getByRole('option', { name: /This is how it/ }).click();
    await page.getByRole('tab', { name: 'Raw MIME' }).click();
    await page.locator('pre.mime').getByText(/Message-ID:/).waitFor();
    await checkScreen(app, '11-preview-mime');

    // Run: import, follow it to the end.
    await nav('Run');
    await h1('Run');
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByRole('heading', { name: 'Last run' }).waitFor({ timeout: 60_000 });
    const report = app.events.find((e) => e.type === 'run-finished');
    expect(report?.type === 'run-finished' && report.report.counts).toMatchObject({ available: 18, failed: 1 });
    const runId = report?.type === 'run-finished' ? report.report.runId : 0;
    await checkScreen(app, '12-run-finished');

    // History: the run, its log filtered to the failure, exported as CSV.
    await nav('History');
    await h1('History');
    await page.getByRole('button', { name: `Open run ${runId}` }).click();
    await page.getByRole('heading', { name: `Run ${runId}` }).waitFor();
    await page.getByText(/^18 items\.$/).waitFor();
    await checkScreen(app, '13-history');
    await page.getByLabel('Outcome').selectOption('failed');
    await page.getByText(/^1 item match\.$/).waitFor();
    expect(await page.getByRole('table', { name: `Items of run ${runId}` }).innerText()).toMatch(/is not a date/);
    app.host.nextSavePath = path.join(app.dir, 'history.csv');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    await page.getByText(/Exported 1 row to/).waitFor();
    const exported = fs.readFileSync(path.join(app.dir, 'history.csv'), 'utf8').trim().split('\r\n');
    expect(exported).toHaveLength(2);
    expect(exported[1]).toMatch(/failed/);
    await checkScreen(app, '14-history-filtered');

    // Unmapped: the account itself maps to nobody yet; map it in place, see where its items go, re-import.
    await nav('Unmapped');
    await h1('Unmapped');
    const who = page.getByRole('row', { name: /contoso_support/ }).first();
    await who.waitFor();
    await expect(await who.innerText()).toMatch(/nowhere yet/);
    await checkScreen(app, '15-unmapped');
    await who.getByRole('button', { name: /Add a mapping for/ }).click();
    await page.getByLabel(/Mailbox for contoso_support/).fill('support@contoso.com');
    await checkScreen(app, '16-unmapped-add-mapping');
    await page.getByRole('button', { name: 'Save mapping' }).click();
    await page.getByText(/contoso_support now maps to support@contoso.com/).waitFor();
    await page.getByRole('row', { name: /contoso_support/ }).first().getByText('support@contoso.com').waitFor();
    await page.getByRole('row', { name: /contoso_support/ }).first().getByRole('button', { name: /Items of/ }).click();
    await page.locator('.unmapped-items li').first().getByText('support@contoso.com').waitFor();
    await page.getByRole('button', { name: /Re-import items that map now/ }).click();
    await page.getByRole('heading', { name: 'Re-import', level: 2 }).waitFor();
    await checkScreen(app, '17-unmapped-reimported');

    // The archive: support@ got the items; the catch-all kept its single copies; no message twice.
    const db = app.svc.engine.db;
    const copies = (mailbox: string) => (db.prepare('SELECT COUNT(*) AS n FROM archive_copies WHERE mailbox = ?').get(mailbox) as { n: number }).n;
    expect(copies('support@contoso.com')).toBeGreaterThan(5);
    expect(copies('lee.north@contoso.com')).toBeGreaterThan(0);
    const dupes = db.prepare('SELECT message_id, COUNT(*) AS n FROM messages GROUP BY message_id HAVING n > 1').all();
    expect(dupes).toEqual([]);
    const perMailbox = db.prepare('SELECT message, mailbox, COUNT(*) AS n FROM archive_copies GROUP BY message, mailbox HAVING n > 1').all();
    expect(perMailbox).toEqual([]);

    // A second re-import finds nothing more to do.
    const again = await app.svc.invoke('unmapped.reimport', { connectorId: connector.id });
    expect(again).toMatchObject({ ok: true, value: { runs: [] } });

    await nav('History');
    await page.getByText('Unmapped re-import').first().waitFor();
    await checkScreen(app, '18-history-with-reimport');
    await nav('Connectors');
    await page.getByRole('row', { name: /Contoso Support on X/ }).getByText('OK').waitFor();
    await checkScreen(app, '19-connectors-after-run');

    expect(app.dialogs).toEqual([]);
    expect(app.foreignRequests).toEqual([]);
    expect(app.errors).toEqual([]);
    // The app itself never does anything its own CSP forbids.
    expect(app.cspReports).toEqual([]);
  });
});
