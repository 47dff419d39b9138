/**
 * A preview of hostile messages: script and HTML-injection payloads in the body (HTML and text), the
 * subject, the sender's name and an attachment's name. None of them may run, load anything remote,
 * navigate, or open a dialog; names and subjects show as the literal text they are.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { appPerFile, checkScreen } from './helpers/app';

const app = appPerFile('injection');

const PWN = (tag: string) => `window.top.__pwned='${tag}'`;

const HTML_BODY = `<html><head><meta http-equiv="refresh" content="0;url=https://evil.example/refresh">
<style>body{background:url(https://evil.example/bg.png)}</style><base href="https://evil.example/"><link rel="stylesheet" href="https://evil.example/x.css"></head><body>
<p>Dear customer, please find the invoice attached.</p>
<script>${PWN('body-script')}; parent.__pwned='body-script-parent'</script>
<img src="x" onerror="${PWN('body-img')}">
<img src="https://evil.example/track.png" alt="tracker">
<a href="javascript:${PWN('link')}">click me</a> <a href="https://evil.example/phish">a normal-looking link</a>
<iframe src="https://evil.example/frame"></iframe><iframe srcdoc="<script>${PWN('nested')}</script>"></iframe>
<svg onload="${PWN('svg')}"><script>${PWN('svg-script')}</script></svg>
<form action="https://evil.example/post"><input name="q" autofocus onfocus="${PWN('focus')}"><button formaction="javascript:${PWN('formaction')}">Go</button></form>
<details open ontoggle="${PWN('toggle')}"><summary>details</summary>x</details>
<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/y.swf">
<p style="background-image:url(https://evil.example/style.png)">styled</p>
<video src="https://evil.example/v.mp4" autoplay></video>
<math><mtext><table><mglyph><style><img src=x onerror="${PWN('mxss')}"></style></mglyph></table></mtext></math>
<noscript><p title="</noscript><img src=x onerror=${PWN('noscript')}>"></p></noscript>
</body></html>`;

function hostileMbox(dir: string): string {
  const attName = `"><img src=x onerror=${PWN('attachment')}>.pdf`;
  const msg = [
    'From mallory@evil.example Mon Jan  1 10:00:00 2024',
    'Message-ID: <inj-1@evil.example>',
    'Date: Mon, 01 Jan 2024 10:00:00 +0000',
    `From: "<img src=x onerror=${PWN('from')}>Mallory" <mallory@evil.example>`,
    'To: Victim <victim@contoso.com>',
    `Subject: <script>${PWN('subject')}</script><img src=x onerror="${PWN('subject-img')}">Invoice`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: multipart/alternative; boundary="b2"',
    '',
    '--b2',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `</pre><script>${PWN('text')}</script>`,
    '--b2',
    'Content-Type: text/html; charset=utf-8',
    '',
    HTML_BODY,
    '--b2--',
    '--b1',
    `Content-Type: application/pdf; name="${attName.replace(/"/g, '\\"')}"`,
    `Content-Disposition: attachment; filename="${attName.replace(/"/g, '\\"')}"`,
    'Content-Transfer-Encoding: base64',
    '',
    'JVBERi0xLjQK',
    '--b1--',
    '',
    // A plain-text message whose whole body is markup.
    'From eve@evil.example Mon Jan  1 11:00:00 2024',
    'Message-ID: <inj-2@evil.example>',
    'Date: Mon, 01 Jan 2024 11:00:00 +0000',
    'From: Eve <eve@evil.example>',
    'To: Victim <victim@contoso.com>',
    'Subject: plain text',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `<script>${PWN('plain')}</script><img src=x onerror="${PWN('plain-img')}">`,
    '',
  ].join('\n');
  const file = path.join(dir, 'hostile.mbox');
  fs.writeFileSync(file, msg);
  return file;
}

describe('previewing hostile messages', () => {
  it('runs none of the payloads and shows names and subjects as text', async () => {
    const { page } = app;
    const saved = await app.svc.invoke('connectors.save', { connector: {
      name: 'Hostile mail', kind: 'mbox', source: { path: hostileMbox(app.dir) }, destination: { kind: 'archive', settings: {} },
      schedule: { enabled: false, everyHours: 24 }, dailyCap: 1000,
    } });
    expect(saved.ok).toBe(true);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Preview', exact: true }).click();
    const list = page.getByRole('listbox', { name: 'Converted messages' });
    const first = list.getByRole('option', { name: /Invoice/ });
    await first.click();
    const detail = page.getByRole('article', { name: 'Message details' });
    await detail.locator('iframe.message-frame').waitFor();

    // Subject, sender and attachment name are literal text.
    expect(await detail.locator('.message-subject').innerText()).toBe(`<script>${PWN('subject')}</script><img src=x onerror="${PWN('subject-img')}">Invoice`);
    expect(await detail.locator('table.headers').innerText()).toContain(`<img src=x onerror=${PWN('from')}>Mallory`);
    expect(await detail.locator('.attachments').innerText()).toContain(`"><img src=x onerror=${PWN('attachment')}>.pdf`);
    expect(await detail.locator('.message-subject img, .headers img, .attachments img, .row-subject img').count()).toBe(0);

    // The body: sanitised, in a sandboxed frame that may run nothing.
    const frame = detail.locator('iframe.message-frame');
    expect(await frame.getAttribute('sandbox')).toBe('');
    const srcdoc = (await frame.getAttribute('srcdoc')) ?? '';
    expect(srcdoc).toContain('Dear customer, please find the invoice attached.');
    expect(srcdoc).toContain('click me');
    for (const bad of [/<script/i, /\son\w+\s*=/i, /javascript:/i, /<iframe/i, /<form/i, /<object/i, /<embed/i, /<video/i, /<style/i, /<base/i, /<link/i, /http-equiv="refresh"/i, /src="https?:/i, /url\(/i, /href=/i]) {
      expect(srcdoc, String(bad)).not.toMatch(bad);
    }
    expect(srcdoc).toContain(`default-src 'none'; img-src data:`);

    await page.getByRole('tab', { name: 'Raw MIME' }).click();
    await page.locator('pre.mime').getByText(/Message-ID:/).waitFor();
    expect(await page.locator('pre.mime').innerText()).toContain('<script>');
    await page.getByRole('tab', { name: 'Message' }).click();

    await list.getByRole('option', { name: /plain text/ }).click();
    await detail.locator('pre.message-text').waitFor();
    expect(await detail.locator('pre.message-text').innerText()).toContain(`<script>${PWN('plain')}</script>`);
    await list.getByRole('option', { name: /Invoice/ }).click();
    await detail.locator('iframe.message-frame').waitFor();
    await checkScreen(app, '20-preview-hostile');

    // Give any payload that could run the time to do so, then look for its traces.
    await page.waitForTimeout(1000);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned ?? null)).toBeNull();
    expect(page.url()).toBe(app.url);
    expect(page.frames().every((f) => f === page.mainFrame() || f.url() === 'about:srcdoc')).toBe(true);
    expect(app.dialogs).toEqual([]);
    expect(app.foreignRequests).toEqual([]);
    expect(app.errors).toEqual([]);
    // Parsing the hostile HTML (to sanitise it) makes Chromium check it against the page's CSP: every
    // report is of something blocked, a second layer under the sanitiser, never of something that ran.
    for (const r of app.cspReports) expect(r).toMatch(/(The action has been blocked|has been blocked)\.?$/);
  });
});
