import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { emlSource } from '../../main/engine/sources/eml';
import { convertItem } from '../../main/engine/convert/convert';
import { messageIdFor } from '../../main/engine/convert/message-id';
import { validateItem } from '../../main/engine/validate';
import { getSource } from '../../main/engine/sources/registry';
import type { Item } from '../../main/engine/item';
import { collect } from '../helpers/source';
import { addressesOf, expectPassedThrough, plainMessage } from '../helpers/mail';
import { writeFile } from '../helpers/files';
import { writeZip } from '../helpers/zip';
import { fixture } from '../helpers/fixtures';
import { tempDir } from '../helpers/engine';

/** A small message, CRLF unless told otherwise. */
const message = (o: Parameters<typeof plainMessage>[0] = {}) => Buffer.from(plainMessage(o), 'utf8');

const write = (dir: string, name: string, bytes: Buffer | string) => writeFile(path.join(dir, name), bytes);

/** Converts an item and checks the "kept as it is" promise: Ferry headers, then the original bytes, nothing else. */
async function expectKeptAsItIs(item: Item, original: Buffer): Promise<Awaited<ReturnType<typeof convertItem>>> {
  const m = await expectPassedThrough(item, original);
  expect(m.messageClass).toBe('IPM.NOTE.Mail.Message');
  return m;
}

/** mailparser reads the converted message back with the fields the item has. */
async function expectSameFields(item: Item): Promise<void> {
  const m = await convertItem(item);
  const p = await simpleParser(m.mime);
  expect(addressesOf(p.from)[0]?.address).toBe(item.from?.id);
  expect(addressesOf(p.from)[0]?.name ?? '').toBe(item.from?.name ?? '');
  expect([...addressesOf(p.to), ...addressesOf(p.cc), ...addressesOf(p.bcc)].map((a) => a.address)).toEqual(item.to.map((t) => t.id));
  expect(p.subject).toBe(item.subject);
  expect(p.date?.toISOString()).toBe(item.date?.toISOString());
  expect(p.text ?? '').toBe(item.text);
  expect(p.attachments.map((a) => a.filename ?? '')).toEqual(item.attachments.map((a) => (a.filename.startsWith('attachment-') ? '' : a.filename)));
  expect(p.headers.get('x-ferry-message-class')).toBe('IPM.NOTE.Mail.Message');
}

describe('eml source over the copied samples', () => {
  it('reads every .eml in the folder, sorted, and reports the other files as notices', async () => {
    const { items, bad, notices } = await collect(emlSource, { path: fixture('eml') });
    expect(bad).toEqual([]);
    expect(items.map((i) => path.basename(i.origin.file))).toEqual([
      'attachment_with_encoded_name.eml', 'bad_date_header.eml', 'basic_email_lf.eml', 'calendar-event.eml',
      'japanese_attachment_long_name.eml', 'japanese_iso_2022.eml', 'japanese_shift_jis.eml', 'ks_c_5601-1987.eml',
      'mimetorture.eml', 'test_email_01.eml', 'utf8_headers.eml',
    ]);
    expect(notices).toEqual([`${fixture('eml', 'ATTRIBUTION.md')}: skipped, not an .eml file`]);
    for (const i of items) {
      expect(i.source).toBe('Mail');
      expect(i.event).toBe('Message');
      expect(i.mime?.length).toBeGreaterThan(0);
    }
    const total = items.reduce((n, i) => n + fs.statSync(i.origin.file).size, 0);
    expect(await emlSource.check({ path: fixture('eml') })).toEqual({ ok: true, message: `11 .eml files (${Math.round(total / 1024)} KB); 1 other file will be skipped` });
  });

  it('fills From, To, Subject, Date and text from the headers (LF line ends)', async () => {
    const { items: [i] } = await collect(emlSource, { path: fixture('eml', 'basic_email_lf.eml') });
    expect(i!.id).toBe('6B7EC235-5B17-4CA8-B2B8-39290DEB43A3@test.lindsaar.net');
    expect(i!.from).toEqual({ id: 'test@lindsaar.net', kind: 'email', platform: 'mail', name: 'Mikel Lindsaar', email: 'test@lindsaar.net' });
    expect(i!.to.map((t) => t.id)).toEqual(['raasdnil@gmail.com']);
    expect(i!.subject).toBe('Testing 123');
    expect(i!.date?.toISOString()).toBe('2008-11-22T04:04:59.000Z');
    expect(i!.text).toBe('Plain email.\n\nHope it works well!\n\nMikel');
    expect(validateItem(i!)).toBeNull();
    await expectKeptAsItIs(i!, fs.readFileSync(fixture('eml', 'basic_email_lf.eml')));
    await expectSameFields(i!);
  });

  it('decodes ISO-2022-JP, Shift_JIS and KS C 5601 subjects and bodies, and raw UTF-8 headers', async () => {
    const read = async (name: string) => (await collect(emlSource, { path: fixture('eml', name) })).items[0]!;
    const jis = await read('japanese_iso_2022.eml');
    expect(jis.subject).toBe('まみむめも');
    expect(jis.text).toBe('すみません。\n\n');
    const sjis = await read('japanese_shift_jis.eml');
    expect(sjis.text).toContain('あいうえお');
    expect(sjis.text).toContain('このメールはテスト用のメールです。');
    expect(sjis.date?.toISOString()).toBe('2014-05-28T08:18:19.000Z'); // +0900 (JST)
    const ks = await read('ks_c_5601-1987.eml');
    expect(ks.text).toBe('스티해\n');
    const utf8 = await read('utf8_headers.eml');
    expect(utf8.from).toMatchObject({ id: 'jdöe@mächine.example', name: 'Jöhn Doe' });
    expect(utf8.to.map((t) => t.id)).toEqual(['märy@exämple.net']);
    expect(utf8.subject).toBe('Säying Hello');
    const long = await read('japanese_attachment_long_name.eml');
    expect(long.attachments.map((a) => a.filename)).toEqual(['かきくけこかきくけこかきくけこかきくけこかきくけこ.txt']);
    for (const i of [sjis, ks, long]) await expectSameFields(i);
  });

  it('leaves DATE missing when the Date header cannot be read, keeping the raw value', async () => {
    const { items: [i] } = await collect(emlSource, { path: fixture('eml', 'bad_date_header.eml') });
    expect(i!.date).toBeUndefined();
    expect(i!.meta['Unparsed-Date']).toBe('<HR>');
    expect(validateItem(i!)).toBe(`item ${i!.id} (${fixture('eml', 'bad_date_header.eml')}): missing mandatory property DATE`);
    // No Message-ID: the id is the sha256 of the bytes.
    expect(i!.id).toBe(createHash('sha256').update(fs.readFileSync(fixture('eml', 'bad_date_header.eml'))).digest('hex'));
  });

  it('drops an mbox envelope line left at the top of an .eml, and lists attachments that read lazily', async () => {
    const file = fixture('eml', 'attachment_with_encoded_name.eml');
    const { items: [i] } = await collect(emlSource, { path: file });
    const raw = fs.readFileSync(file);
    const original = raw.subarray(raw.indexOf(0x0a) + 1);
    expect(i!.meta['Mbox-Envelope']).toBe('From xxxxxxxxx.xxxxxxx@gmail.com Sun May  8 19:07:09 2005');
    expect(i!.mime!.equals(original)).toBe(true);
    expect(i!.attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([['01 Quien Te Dijat. Pitbull.mp3', 'audio/mpeg', 399]]);
    const content = await i!.attachments[0]!.read();
    expect(content.length).toBe(399);
    const parsed = await simpleParser(original);
    expect(content.equals(parsed.attachments[0]!.content)).toBe(true);
    await expectKeptAsItIs(i!, original);
    await expectSameFields(i!);
  });

  it('lists every attachment of the MIME torture test and keeps the message whole', async () => {
    const { items: [i] } = await collect(emlSource, { path: fixture('eml', 'mimetorture.eml') });
    expect(i!.subject).toBe("Ryan Finnie's MIME Torture Test v1.0");
    expect(i!.attachments).toHaveLength(9);
    expect(i!.attachments.map((a) => a.filename)).toContain('signature.asc');
    // Each lazy read gives what mailparser decodes from the original, and the size listed up front.
    const parsed = await simpleParser(fs.readFileSync(fixture('eml', 'mimetorture.eml')));
    for (const [n, a] of i!.attachments.entries()) {
      const content = await a.read();
      expect(content.equals(parsed.attachments[n]!.content)).toBe(true);
      expect(content.length).toBe(a.size);
    }
    await expectKeptAsItIs(i!, fs.readFileSync(fixture('eml', 'mimetorture.eml')));
  });
});

describe('eml source over files made here', () => {
  it('gives a message without Message-ID the same deterministic Message-ID every time', async () => {
    const dir = tempDir();
    const bytes = message({ from: 'Ann Lee <ann@contoso.com>', to: 'bob@fabrikam.com', subject: 'No id', date: 'Tue, 2 Jan 2024 10:00:00 +0100' });
    write(dir, 'one.eml', bytes);
    write(dir, 'copy/two.eml', bytes);
    const { items } = await collect(emlSource, { path: dir });
    expect(items).toHaveLength(2);
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(items.map((i) => i.id)).toEqual([sha, sha]);
    const a = await expectKeptAsItIs(items[0]!, bytes);
    const b = await convertItem(items[1]!);
    expect(a.messageId).toBe(messageIdFor('Mail', sha));
    expect(b.messageId).toBe(a.messageId);
    expect(a.mime.equals(b.mime)).toBe(true);
    expect((await simpleParser(a.mime)).messageId).toBe(a.messageId);
    expect(items[0]!.date?.toISOString()).toBe('2024-01-02T09:00:00.000Z');
  });

  it('fails FROM and DATE by validation, with the raw values kept, and goes on', async () => {
    const dir = tempDir();
    write(dir, 'a-no-date.eml', message({ from: 'ann@contoso.com', to: 'bob@fabrikam.com', subject: 'No date' }));
    write(dir, 'b-bad-from.eml', message({ from: 'undisclosed', to: 'bob@fabrikam.com', date: 'Tue, 2 Jan 2024 10:00:00 +0000', messageId: '<b@x>' }));
    write(dir, 'c-bad-date.eml', message({ from: 'ann@contoso.com', to: 'bob@fabrikam.com', date: 'yesterday at 5', messageId: '<c@x>' }));
    write(dir, 'd-good.eml', message({ from: 'ann@contoso.com', to: 'bob@fabrikam.com', date: '2 Jan 2024 10:00 -0500', messageId: '<d@x>' }));
    const { items, bad } = await collect(emlSource, { path: dir });
    expect(bad).toEqual([]);
    expect(items.map((i) => validateItem(i)?.replace(/^item \S+ \(.*\): /, ''))).toEqual([
      'missing mandatory property DATE', 'missing mandatory property FROM', 'missing mandatory property DATE', undefined,
    ]);
    expect(items[1]!.meta['Unparsed-From']).toBe('undisclosed');
    expect(items[2]!.meta['Unparsed-Date']).toBe('yesterday at 5');
    expect(items[0]!.meta['Unparsed-Date']).toBeUndefined();
    expect(items[3]!.date?.toISOString()).toBe('2024-01-02T15:00:00.000Z');
  });

  it('turns an empty file, a text file and a binary file into bad records naming the file', async () => {
    const dir = tempDir();
    write(dir, 'a.eml', '');
    write(dir, 'b.eml', 'hello world\nthis is not mail\n');
    write(dir, 'c.eml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    write(dir, 'd.eml', message({ from: 'ann@contoso.com', to: 'bob@fabrikam.com', date: 'Tue, 2 Jan 2024 10:00:00 +0000', messageId: '<d@x>' }));
    const { items, bad } = await collect(emlSource, { path: dir });
    expect(bad.map((b) => [path.basename(b.origin.file), b.reason])).toEqual([
      ['a.eml', 'empty file: no header block, no body'],
      ['b.eml', 'not an email message: no header block (the first line, "hello world", is not a "Name: value" header)'],
      ['c.eml', expect.stringMatching(/^not an email message: no header block/)],
    ]);
    expect(items.map((i) => i.id)).toEqual(['d@x']);
  });

  it('reads a ZIP of .eml files in place, in path order', async () => {
    const dir = tempDir();
    const zipPath = path.join(dir, 'mail.zip');
    await writeZip(zipPath, [
      ['inbox/c.eml', message({ from: 'c@contoso.com', to: 'x@fabrikam.com', date: '1 Jan 2024 00:00 +0000', messageId: '<c@z>' })],
      ['a.EML', message({ from: 'a@contoso.com', to: 'x@fabrikam.com', date: '1 Jan 2024 00:00 +0000', messageId: '<a@z>', eol: '\n' })],
      ['readme.txt', 'not mail'],
      ['inbox/b.eml', message({ from: 'b@contoso.com', to: 'x@fabrikam.com', date: '1 Jan 2024 00:00 +0000' })],
    ]);
    const { items, bad, notices } = await collect(emlSource, { path: zipPath });
    expect(bad).toEqual([]);
    expect(items.map((i) => i.origin.file)).toEqual([`${zipPath}!a.EML`, `${zipPath}!inbox/b.eml`, `${zipPath}!inbox/c.eml`]);
    expect(items.map((i) => i.from?.id)).toEqual(['a@contoso.com', 'b@contoso.com', 'c@contoso.com']);
    expect(notices).toEqual([`${zipPath}!readme.txt: skipped, not an .eml file`]);
    expect((await emlSource.check({ path: zipPath })).message).toMatch(/^3 \.eml files \(\d+ bytes\); 1 other file will be skipped$/);
    for (const i of items) await expectSameFields(i);
  });

  it('keeps CRLF and LF messages as they are and writes its headers with the same line ends', async () => {
    const dir = tempDir();
    const crlf = message({ from: 'ann@contoso.com', to: 'bob@fabrikam.com', date: '1 Jan 2024 00:00 +0000', messageId: '<crlf@x>', body: 'line one\nline two' });
    const lf = message({ from: 'ann@contoso.com', to: 'bob@fabrikam.com', date: '1 Jan 2024 00:00 +0000', messageId: '<lf@x>', body: 'line one\nline two', eol: '\n' });
    write(dir, 'crlf.eml', crlf);
    write(dir, 'lf.eml', lf);
    const { items } = await collect(emlSource, { path: dir });
    expect(items.map((i) => i.text)).toEqual(['line one\nline two\n', 'line one\nline two\n']);
    const m1 = await expectKeptAsItIs(items[0]!, crlf);
    const m2 = await expectKeptAsItIs(items[1]!, lf);
    expect(m1.mime.toString('latin1')).toMatch(/^X-Ferry-Message-Class: IPM\.NOTE\.Mail\.Message\r\nX-Ferry-Source: Mail\r\n/);
    expect(m2.mime.toString('latin1')).toMatch(/^X-Ferry-Message-Class: IPM\.NOTE\.Mail\.Message\nX-Ferry-Source: Mail\n/);
  });

  it('drops a UTF-8 byte order mark, takes recipients from To, Cc and Bcc, else from Delivered-To', async () => {
    const dir = tempDir();
    const withBom = message({ from: 'ann@contoso.com', to: 'Bob <bob@fabrikam.com>, Team: carl@contoso.com, dee@contoso.com;', date: '1 Jan 2024 00:00 +0000', messageId: '<bom@x>', extra: ['Cc: eve@contoso.com', 'Bcc: fay@contoso.com'] });
    write(dir, 'a.eml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), withBom]));
    write(dir, 'b.eml', message({ from: 'ann@contoso.com', to: 'undisclosed-recipients:;', date: '1 Jan 2024 00:00 +0000', messageId: '<bcc@x>', extra: ['Delivered-To: gus@contoso.com'] }));
    write(dir, 'c.eml', message({ from: 'ann@contoso.com', date: '1 Jan 2024 00:00 +0000', messageId: '<none@x>' }));
    const { items } = await collect(emlSource, { path: dir });
    expect(items[0]!.mime!.equals(withBom)).toBe(true);
    expect(items[0]!.to.map((t) => [t.id, t.name])).toEqual([
      ['bob@fabrikam.com', 'Bob'], ['carl@contoso.com', undefined], ['dee@contoso.com', undefined], ['eve@contoso.com', undefined], ['fay@contoso.com', undefined],
    ]);
    expect(items[1]!.to.map((t) => t.id)).toEqual(['gus@contoso.com']);
    expect(items[1]!.meta['Recipients-From']).toBe('Delivered-To');
    expect(validateItem(items[2]!)).toMatch(/missing mandatory property TO$/);
  });

  it('derives the index text from HTML when there is no text part', async () => {
    const dir = tempDir();
    const html = Buffer.from([
      'From: ann@contoso.com', 'To: bob@fabrikam.com', 'Date: 1 Jan 2024 00:00 +0000', 'Message-ID: <html@x>',
      'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8', '', '<p>Quarterly <b>results</b> &amp; outlook</p><script>alert(1)</script>', '',
    ].join('\r\n'));
    write(dir, 'h.eml', html);
    const { items: [i] } = await collect(emlSource, { path: dir });
    expect(i!.text).toContain('Quarterly results & outlook');
    expect(i!.html).toBeUndefined(); // the MIME is passed through; no HTML is built
  });

  it('reads one chosen file whatever its extension, and reports a message over the size cap without reading it', async () => {
    const dir = tempDir();
    const file = write(dir, 'saved-message.txt', message({ from: 'ann@contoso.com', to: 'bob@fabrikam.com', date: '1 Jan 2024 00:00 +0000', messageId: '<txt@x>', body: 'x'.repeat(3000) }));
    const { items } = await collect(emlSource, { path: file });
    expect(items.map((i) => i.id)).toEqual(['txt@x']);
    const kb = (fs.statSync(file).size / 1024).toFixed(1);
    expect(await emlSource.check({ path: file })).toEqual({ ok: true, message: `1 .eml file (${kb} KB)` });
    const { items: none, bad } = await collect(emlSource, { path: file, maxMessageMB: 0.001 });
    expect(none).toEqual([]);
    expect(bad.map((b) => [b.origin.file, b.reason])).toEqual([[file, `message is ${kb} KB, over the 1.0 KB limit for one message (setting maxMessageMB); not read`]]);
  });

  it('check() says what is wrong instead of throwing; read() refuses a folder without .eml files', async () => {
    const dir = tempDir();
    expect(await emlSource.check({ path: path.join(dir, 'missing') })).toEqual({ ok: false, message: `${path.join(dir, 'missing')}: no such file or folder` });
    write(dir, 'notes.txt', 'hello');
    expect(await emlSource.check({ path: dir })).toEqual({ ok: false, message: `${dir}: no .eml files (1 other file)` });
    await expect(collect(emlSource, { path: dir })).rejects.toThrow(`${dir}: no .eml files found`);
    const textFile = write(dir, 'x.eml', 'hello world\n');
    expect(await emlSource.check({ path: textFile })).toEqual({ ok: false, message: `${textFile}: not an email message (no header block)` });
  });

  it('imports the two demo .eml samples (assets/samples/mail)', async () => {
    const dir = path.join(fixture(), '..', '..', 'assets', 'samples', 'mail');
    const { items, bad, notices } = await collect(emlSource, { path: dir });
    expect(bad).toEqual([]);
    expect(notices).toEqual([`${path.join(dir, 'contoso-inbox.mbox')}: skipped, not an .eml file`]);
    expect(items.map((i) => [path.basename(i.origin.file), i.from?.id, i.to.map((t) => t.name), i.subject, i.date?.toISOString()])).toEqual([
      ['board-meeting-invitation.eml', 'ann@contoso.com', ['Chloé Dubois'], 'Board meeting on 18 March', '2024-03-11T07:00:00.000Z'],
      ['fabrikam-invoice.eml', 'accounts@fabrikam.com', ['Ann Lee'], 'Invoice FAB-2024-031', '2024-03-12T13:45:10.000Z'],
    ]);
    expect(items[1]!.attachments.map((a) => [a.filename, a.contentType])).toEqual([['FAB-2024-031.csv', 'text/csv']]);
    for (const i of items) {
      expect(validateItem(i)).toBeNull();
      await expectSameFields(i);
    }
  });

  it('is registered as the eml kind', () => {
    expect(getSource('eml')).toBe(emlSource);
    expect(emlSource.spec.platform).toBe('Mail');
  });
});
