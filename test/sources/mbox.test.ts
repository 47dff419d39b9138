import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { simpleParser } from 'mailparser';
import { mboxSource } from '../../main/engine/sources/mbox';
import { splitMbox, type MboxPart } from '../../main/engine/sources/mbox/split';
import { splitLines } from '../../main/engine/sources/mbox/lines';
import { convertItem } from '../../main/engine/convert/convert';
import { messageIdFor } from '../../main/engine/convert/message-id';
import { validateItem } from '../../main/engine/validate';
import { getSource } from '../../main/engine/sources/registry';
import { isBadRecord, type Item } from '../../main/engine/item';
import { collect } from '../helpers/source';
import { addressesOf, expectPassedThrough, plainMessage } from '../helpers/mail';
import { writeFile } from '../helpers/files';
import { writeZip } from '../helpers/zip';
import { fixture } from '../helpers/fixtures';
import { tempDir } from '../helpers/engine';

/** A small message, LF unless told otherwise. */
const message = (o: Parameters<typeof plainMessage>[0] = {}) => plainMessage({ eol: '\n', ...o });

/** An mboxrd file: each message after its separator, body `From ` lines escaped, a blank line after each. */
function mboxrd(messages: string[], eol = '\n'): string {
  return messages.map((m, i) => `From sender${i}@contoso.com Mon Jan  1 00:00:0${i % 10} 2024${eol}${m.replace(/^(>*From )/gm, '>$1')}${eol}`).join('');
}

const write = (dir: string, name: string, content: string | Buffer) => writeFile(path.join(dir, name), content);

/** Kept as it is behind Ferry's headers, and read back with the item's fields. */
async function expectKeptAsItIs(item: Item, original: Buffer): Promise<void> {
  const m = await expectPassedThrough(item, original);
  const p = await simpleParser(m.mime);
  expect(addressesOf(p.from)[0]?.address).toBe(item.from?.id);
  expect([...addressesOf(p.to), ...addressesOf(p.cc)].map((a) => a.address)).toEqual(item.to.map((t) => t.id));
  expect(p.subject).toBe(item.subject);
  expect(p.date?.toISOString()).toBe(item.date?.toISOString());
  expect(p.text ?? '').toBe(item.text);
  expect(p.messageId).toBe(m.messageId);
}

async function parts(input: Iterable<Buffer> | AsyncIterable<Buffer>, quoting: 'mboxrd' | 'mboxo' | 'none' = 'mboxrd', max = 1 << 20): Promise<MboxPart[]> {
  const out: MboxPart[] = [];
  async function* gen() { for await (const c of input) yield c; }
  for await (const p of splitMbox(gen(), { quoting, maxMessageBytes: max })) out.push(p);
  return out;
}

describe('mbox source over the copied MimeKit samples (MIT)', () => {
  it('splits on "From -" separators that have no blank line before them', async () => {
    const { items, bad } = await collect(mboxSource, { path: fixture('mbox', 'simple.mbox') });
    expect(bad).toEqual([]);
    expect(items.map((i) => i.origin.position)).toEqual(['line 1', 'line 25', 'line 48']);
    expect(items.map((i) => i.subject)).toEqual([
      "this'll probably break a lot of mime parsers",
      "this'll probably break even more mime parsers",
      "if a mime parser can correctly handle this, I'm impressed",
    ]);
    for (const i of items) {
      expect(i.from?.id).toBe('fejj@gnome.org');
      expect(i.date?.toISOString()).toBe('2002-08-23T06:32:53.000Z');
      expect(i.meta['Mbox-Envelope']).toBe('From - ');
      expect(i.mime!.subarray(0, 6).toString()).toBe('From: ');
      await expectKeptAsItIs(i, i.mime!);
    }
    // The three messages, put back with their separators, are the file again.
    const file = fs.readFileSync(fixture('mbox', 'simple.mbox'));
    expect(Buffer.concat(items.flatMap((i) => [Buffer.from('From - \n'), i.mime!])).equals(file)).toBe(true);
  });

  it('keeps an unescaped "From Russia with love" body line inside its message, and drops the byte order mark', async () => {
    const { items } = await collect(mboxSource, { path: fixture('mbox', 'unmunged.mbox') });
    expect(items.map((i) => [i.origin.position, i.subject])).toEqual([
      ['line 1', 'This is a test message with an unmunged From line'],
      ['line 13', 'Another test message with an unmunged From line'],
    ]);
    expect(items[0]!.text).toBe('This is my favourite James Bond movie:\n\nFrom Russia with love\n\nWhat does Thunderbird do?\n');
    expect(items[1]!.text).toContain('From Russia with love\nYear: 1963\n');
    expect(items[0]!.mime!.subarray(0, 5).toString()).toBe('From:');
    // No To and no Date: validation refuses them, naming the file and line.
    expect(validateItem(items[1]!)).toBe(`item ${items[1]!.id} (${fixture('mbox', 'unmunged.mbox')} (line 13)): missing mandatory properties TO, DATE`);
  });

  it('reads Gmail Takeout separators and what mailparser makes of a part with no blank line after its headers', async () => {
    const { items } = await collect(mboxSource, { path: fixture('mbox', 'gmail-takeout-style.mbox') });
    expect(items.map((i) => [i.origin.position, i.subject, i.meta['Mbox-Envelope']])).toEqual([
      ['line 1', 'Message 1', 'From 1844347792267117879@xxx'],
      ['line 22', 'Message 2', 'From 1844347839636459560@xxx'],
      ['line 53', 'Message 3', 'From 1844347853750471882@xxx'],
      ['line 74', 'Message 4', 'From 1844347869536581428@xxx'],
    ]);
    expect(items.map((i) => i.id)).toEqual([
      'f092d8d2-8781-469e-a1a6-c938087dc1f4@example.com', 'fb45a588-31d2-48f4-abec-9f0f2accfee7@example.com',
      '56fa92a4-2d4c-4a34-b7e2-11282004b7c5@example.com', '7fbaba61-56f5-4e06-9453-5fbf941593a0@example.com',
    ]);
    expect(items[0]!.date?.toISOString()).toBe('2025-09-26T17:18:40.000Z');
    expect(items[0]!.text).toBe('Body of message 1.\n');
    // The attachment's base64 follows its headers without a blank line: mailparser reads the line as a
    // header, so the attachment is listed with no content. The message itself is passed through whole.
    expect(items[1]!.attachments.map((a) => [a.filename, a.size])).toEqual([['Attachment.zip', 0]]);
    expect(items[1]!.mime!.toString()).toContain('N3q8ryccAAQFn0NaGrkKAAAAAACSAAAAAAAAAGE3uUrhx43ABF0');
    for (const i of items) expect(validateItem(i)).toBeNull();
  });

  it('reads a folder of mbox files in path order, with notices for other files', async () => {
    const { items, bad, notices } = await collect(mboxSource, { path: fixture('mbox') });
    expect(bad).toEqual([]);
    expect(items.map((i) => path.basename(i.origin.file))).toEqual([...Array(4).fill('gmail-takeout-style.mbox'), ...Array(3).fill('simple.mbox'), ...Array(2).fill('unmunged.mbox')]);
    expect(notices).toEqual([`${fixture('mbox', 'ATTRIBUTION.md')}: skipped, not an mbox file`]);
    const check = await mboxSource.check({ path: fixture('mbox') });
    expect(check.ok).toBe(true);
    expect(check.message).toMatch(/^3 mbox files \(\d+\.\d KB\), 9 messages$/);
  });
});

describe('mbox source over files made here', () => {
  it('undoes mboxrd ">From " escaping, and mboxo or none when told so', async () => {
    const dir = tempDir();
    const original = message({ from: 'ann@contoso.com', to: 'bob@fabrikam.com', date: 'Tue, 2 Jan 2024 10:00:00 +0000', messageId: '<q@x>', body: 'Hi Bob,\nFrom now on we meet at 10:00 2024.\n>From a quoted reply\n>>From deeper\nBye' });
    const file = write(dir, 'quoted.mbox', mboxrd([original, message({ from: 'c@contoso.com', to: 'bob@fabrikam.com', date: 'Tue, 2 Jan 2024 11:00:00 +0000', messageId: '<q2@x>' })]));
    expect(fs.readFileSync(file, 'utf8')).toContain('\n>From now on');
    expect(fs.readFileSync(file, 'utf8')).toContain('\n>>>From deeper');
    const rd = (await collect(mboxSource, { path: file })).items;
    expect(rd).toHaveLength(2);
    expect(rd[0]!.mime!.toString()).toBe(original);
    expect(rd[0]!.text).toBe('Hi Bob,\nFrom now on we meet at 10:00 2024.\n>From a quoted reply\n>>From deeper\nBye\n');
    await expectKeptAsItIs(rd[0]!, Buffer.from(original));
    const o = (await collect(mboxSource, { path: file, fromQuoting: 'mboxo' })).items;
    expect(o[0]!.text).toBe('Hi Bob,\nFrom now on we meet at 10:00 2024.\n>>From a quoted reply\n>>>From deeper\nBye\n');
    const none = (await collect(mboxSource, { path: file, fromQuoting: 'none' })).items;
    expect(none[0]!.text).toBe('Hi Bob,\n>From now on we meet at 10:00 2024.\n>>From a quoted reply\n>>>From deeper\nBye\n');
    await expect(collect(mboxSource, { path: file, fromQuoting: 'mboxcl' })).rejects.toThrow('setting fromQuoting must be one of mboxrd, mboxo, none, got "mboxcl"');
  });

  it('reads CRLF and LF files alike and keeps each message byte for byte', async () => {
    const dir = tempDir();
    for (const eol of ['\n', '\r\n']) {
      const msgs = [
        message({ from: 'Ann Lee <ann@contoso.com>', to: 'bob@fabrikam.com', subject: 'Première — 日本語', date: 'Tue, 2 Jan 2024 10:00:00 +0100', messageId: '<1@x>', body: 'one\n\ntwo\n', eol }),
        message({ from: 'bob@fabrikam.com', to: 'ann@contoso.com', subject: 'Second', date: 'Tue, 2 Jan 2024 11:00:00 +0100', messageId: '<2@x>', eol }),
      ];
      const file = write(dir, `box-${eol.length}.mbox`, mboxrd(msgs, eol));
      const { items, bad } = await collect(mboxSource, { path: file });
      expect(bad).toEqual([]);
      expect(items.map((i) => i.mime!.toString())).toEqual(msgs);
      expect(items.map((i) => i.origin.position)).toEqual(['line 1', `line ${msgs[0]!.split(eol).length + 2}`]);
      expect(items[0]!.subject).toBe('Première — 日本語');
      expect(items[0]!.from).toEqual({ id: 'ann@contoso.com', kind: 'email', platform: 'mail', name: 'Ann Lee', email: 'ann@contoso.com' });
      expect(items[0]!.date?.toISOString()).toBe('2024-01-02T09:00:00.000Z');
      expect(items[0]!.text).toBe('one\n\ntwo\n\n');
      for (const [n, i] of items.entries()) await expectKeptAsItIs(i, Buffer.from(msgs[n]!));
    }
  });

  it('gives a message without Message-ID the same Message-ID in every run, and fails one without Date', async () => {
    const dir = tempDir();
    const noId = message({ from: 'ann@contoso.com', to: 'bob@fabrikam.com', subject: 'no id', date: 'Tue, 2 Jan 2024 10:00:00 +0000' });
    const noDate = message({ from: 'ann@contoso.com', to: 'bob@fabrikam.com', subject: 'no date', messageId: '<nodate@x>' });
    const badDate = message({ from: 'ann@contoso.com', to: 'bob@fabrikam.com', subject: 'bad date', date: 'sometime last week', messageId: '<baddate@x>' });
    const file = write(dir, 'ids.mbox', mboxrd([noId, noDate, badDate]));
    const first = (await collect(mboxSource, { path: file })).items;
    const second = (await collect(mboxSource, { path: file })).items;
    const sha = createHash('sha256').update(noId).digest('hex');
    expect(first[0]!.id).toBe(sha);
    const a = await convertItem(first[0]!);
    const b = await convertItem(second[0]!);
    expect(a.messageId).toBe(messageIdFor('Mail', sha));
    expect(b.messageId).toBe(a.messageId);
    expect(a.mime.equals(b.mime)).toBe(true);
    expect(validateItem(first[1]!)).toBe(`item nodate@x (${file} (line 11)): missing mandatory property DATE`);
    expect(first[1]!.meta['Unparsed-Date']).toBeUndefined();
    expect(validateItem(first[2]!)).toMatch(/missing mandatory property DATE$/);
    expect(first[2]!.meta['Unparsed-Date']).toBe('sometime last week');
  });

  it('keeps a separator-shaped line with no header after it in the message, and says so in a notice', async () => {
    const dir = tempDir();
    const one = message({ from: 'ann@contoso.com', to: 'bob@fabrikam.com', date: 'Tue, 2 Jan 2024 10:00:00 +0000', messageId: '<1@x>' });
    const file = write(dir, 'odd.mbox', `From a Mon Jan  1 00:00:00 2024\n${one}\nFrom b Mon Jan  1 00:00:00 2024\nno header here\n`);
    const { items, bad, notices } = await collect(mboxSource, { path: file });
    expect(bad).toEqual([]);
    expect(items).toHaveLength(1);
    expect(items[0]!.mime!.toString()).toBe(`${one}\nFrom b Mon Jan  1 00:00:00 2024\nno header here\n`);
    expect(notices).toEqual([`${file} (line 11): "From b Mon Jan  1 00:00:00 2024" looks like a message separator but no header follows; kept in the body of the message at line 1`]);
  });

  it('reports a message over the size cap as a bad record at its line, then goes on', async () => {
    const dir = tempDir();
    const big = message({ from: 'ann@contoso.com', to: 'bob@fabrikam.com', date: 'Tue, 2 Jan 2024 10:00:00 +0000', messageId: '<big@x>', body: 'x'.repeat(200).concat('\n').repeat(20) });
    const small = message({ from: 'ann@contoso.com', to: 'bob@fabrikam.com', date: 'Tue, 2 Jan 2024 10:00:00 +0000', messageId: '<small@x>' });
    const file = write(dir, 'big.mbox', mboxrd([small, big, small.replace('<small@x>', '<after@x>')]));
    const { items, bad } = await collect(mboxSource, { path: file, maxMessageMB: 2 / 1024 });
    expect(items.map((i) => i.id)).toEqual(['small@x', 'after@x']);
    expect(bad).toEqual([{ bad: true, origin: { file, position: 'line 11' }, reason: expect.stringMatching(/^message is 4\.\d KB, over the 2\.0 KB limit for one message \(setting maxMessageMB\); not read$/) }]);
  });

  it('turns an empty file and a file that is not an mbox into bad records, and picks mbox files out of a folder', async () => {
    const dir = tempDir();
    const one = message({ from: 'ann@contoso.com', to: 'bob@fabrikam.com', date: 'Tue, 2 Jan 2024 10:00:00 +0000', messageId: '<1@x>' });
    write(dir, 'a-empty.mbox', '');
    write(dir, 'b-notes.mbox', 'Shopping list\nmilk\n');
    write(dir, 'c.mbx', mboxrd([one]));
    write(dir, 'Inbox.mbox/mbox', mboxrd([one.replace('<1@x>', '<2@x>')]));
    write(dir, 'Thunderbird/Sent', mboxrd([one.replace('<1@x>', '<3@x>')]));
    write(dir, 'Thunderbird/Sent.msf', '// index');
    write(dir, 'Thunderbird/Trash', 'not mail\n');
    write(dir, 'd-no-headers.mbox', 'From - \nthis has no header block\n');
    const { items, bad, notices } = await collect(mboxSource, { path: dir });
    expect(items.map((i) => [path.relative(dir, i.origin.file), i.id])).toEqual([['Inbox.mbox/mbox', '2@x'], ['Thunderbird/Sent', '3@x'], ['c.mbx', '1@x']]);
    expect(bad.map((b) => [path.relative(dir, b.origin.file), b.origin.position, b.reason])).toEqual([
      ['a-empty.mbox', undefined, 'empty file: no messages'],
      ['b-notes.mbox', 'line 1', 'not an mbox file: it does not begin with a "From " separator line (found "Shopping list")'],
      ['d-no-headers.mbox', 'line 1', 'not an email message: no header block (the first line, "this has no header block", is not a "Name: value" header)'],
    ]);
    expect(notices.map((n) => path.relative(dir, n))).toEqual(['Thunderbird/Sent.msf: skipped, not an mbox file', 'Thunderbird/Trash: skipped, not an mbox file']);
    const notMbox = path.join(dir, 'b-notes.mbox');
    expect(await mboxSource.check({ path: notMbox })).toEqual({ ok: false, message: `${notMbox}: not an mbox file (line 1 does not begin with "From ": "Shopping list")` });
    expect(await mboxSource.check({ path: path.join(dir, 'a-empty.mbox') })).toEqual({ ok: false, message: 'mbox (0 bytes): no messages' });
    await expect(collect(mboxSource, { path: path.join(dir, 'Thunderbird', 'Sent.msf', 'x') })).rejects.toThrow('no such file or folder');
  });

  it('reads mbox files inside a ZIP in place', async () => {
    const dir = tempDir();
    const zipPath = path.join(dir, 'takeout.zip');
    const m = (n: number) => message({ from: `u${n}@contoso.com`, to: 'bob@fabrikam.com', date: 'Tue, 2 Jan 2024 10:00:00 +0000', messageId: `<${n}@z>` });
    await writeZip(zipPath, [
      ['Takeout/Mail/Sent.mbox', mboxrd([m(3), m(4)])],
      ['Takeout/Mail/All mail Including Spam and Trash.mbox', mboxrd([m(1), m(2)])],
      ['Takeout/archive_browser.html', '{}'],
    ]);
    const { items, notices } = await collect(mboxSource, { path: zipPath });
    expect(items.map((i) => [i.origin.file, i.origin.position, i.id])).toEqual([
      [`${zipPath}!Takeout/Mail/All mail Including Spam and Trash.mbox`, 'line 1', '1@z'],
      [`${zipPath}!Takeout/Mail/All mail Including Spam and Trash.mbox`, 'line 11', '2@z'],
      [`${zipPath}!Takeout/Mail/Sent.mbox`, 'line 1', '3@z'],
      [`${zipPath}!Takeout/Mail/Sent.mbox`, 'line 11', '4@z'],
    ]);
    expect(notices).toEqual([`${zipPath}!Takeout/archive_browser.html: skipped, not an mbox file`]);
  });

  it('reports a damaged ZIP entry as a bad record and goes on with the next file', async () => {
    const dir = tempDir();
    const zipPath = path.join(dir, 'damaged.zip');
    const zip = new yazl.ZipFile();
    const many = Array.from({ length: 300 }, (_, n) => message({ from: `u${n}@contoso.com`, to: 'bob@fabrikam.com', date: 'Tue, 2 Jan 2024 10:00:00 +0000', messageId: `<${n}@d>`, body: `message ${n} ${createHash('sha256').update(String(n)).digest('hex')}` }));
    zip.addBuffer(Buffer.from(mboxrd(many)), 'a.mbox', { compress: true });
    zip.addBuffer(Buffer.from(mboxrd([many[0]!])), 'b.mbox', { compress: false });
    zip.end();
    await pipeline(zip.outputStream, fs.createWriteStream(zipPath));
    // Cut out a stretch of a.mbox's compressed data: inflating it fails part-way.
    const bytes = fs.readFileSync(zipPath);
    const mid = 2000;
    for (let k = mid; k < mid + 64; k++) bytes[k] = 0xff;
    fs.writeFileSync(zipPath, bytes);
    const { items, bad } = await collect(mboxSource, { path: zipPath });
    const fromA = items.filter((i) => i.origin.file.endsWith('!a.mbox'));
    expect(fromA.length).toBeLessThan(300);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.origin.file).toBe(`${zipPath}!a.mbox`);
    expect(bad[0]!.reason).toMatch(/^cannot be read to the end: /);
    expect(bad[0]!.origin.position).toMatch(/^(start|after the message at line \d+)$/);
    expect(items.filter((i) => i.origin.file.endsWith('!b.mbox')).map((i) => i.id)).toEqual(['0@d']);
  });

  it('streams a large mbox with one message in memory at a time, counting lines and progress', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'large.mbox');
    const out = fs.openSync(file, 'w');
    const lines = 10; // separator, 6 header lines, blank line, body line, the blank line mboxrd adds
    for (let n = 0; n < 3000; n++) {
      fs.writeSync(out, mboxrd([message({ from: `u${n}@contoso.com`, to: 'bob@fabrikam.com', date: 'Tue, 2 Jan 2024 10:00:00 +0000', messageId: `<${n}@l>`, body: `body ${n}` })]));
    }
    fs.closeSync(out);
    let count = 0;
    let last: Item | undefined;
    const fractions: number[] = [];
    for await (const r of mboxSource.read({ path: file }, { progress: (f) => fractions.push(f) })) {
      if (isBadRecord(r)) throw new Error(r.reason);
      count++;
      last = r;
    }
    expect(count).toBe(3000);
    expect(last!.origin.position).toBe(`line ${2999 * lines + 1}`);
    expect(last!.id).toBe('2999@l');
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!)).toBe(true);
  });

  it('check() counts the messages in the first 10 MB only', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'big.mbox');
    const one = mboxrd([message({ from: 'u@contoso.com', to: 'bob@fabrikam.com', date: 'Tue, 2 Jan 2024 10:00:00 +0000', body: 'y'.repeat(1000) })]);
    const perMb = Math.floor((1024 * 1024) / one.length);
    fs.writeFileSync(file, one.repeat(perMb * 12));
    const r = await mboxSource.check({ path: file });
    expect(r.ok).toBe(true);
    const counted = Number(/, ([\d,]+) messages in the first 10\.0 MB$/.exec(r.message)![1]!.replace(/,/g, ''));
    expect(Math.abs(counted - Math.ceil((10 * 1024 * 1024) / one.length))).toBeLessThanOrEqual(1);
    expect(r.message).toMatch(/^mbox \(1[12]\.\d MB\), /);
  });

  it('imports the demo sample mailbox (assets/samples/mail): five valid messages, one attachment, a non-ASCII subject', async () => {
    const dir = path.join(fixture(), '..', '..', 'assets', 'samples', 'mail');
    const { items, bad, notices } = await collect(mboxSource, { path: dir });
    expect(bad).toEqual([]);
    expect(notices).toHaveLength(2); // the two .eml files beside it
    expect(items.map((i) => [i.origin.position, i.from?.id, i.subject])).toEqual([
      ['line 1', 'ann@contoso.com', 'Q1 supplier review kickoff'],
      ['line 21', 'bob@fabrikam.com', 'Re: Q1 supplier review kickoff'],
      ['line 42', 'dai@fabrikam.com', 'Revised price list 2024'],
      ['line 74', 'chloe@contoso.com', 'Compte rendu — réunion fournisseurs / 会議メモ ✓'],
      ['line 93', 'news@fabrikam.com', 'Fabrikam partner newsletter, March 2024'],
    ]);
    expect(items[1]!.text).toContain('\nFrom our side we will bring');
    expect(items[2]!.attachments.map((a) => a.filename)).toEqual(['Fabrikam price list 2024.pdf']);
    expect((await items[2]!.attachments[0]!.read()).subarray(0, 5).toString()).toBe('%PDF-');
    expect(items[3]!.from?.name).toBe('Chloé Dubois');
    expect(items[4]!.text).toContain('New logistics centre opens in April.');
    for (const i of items) expect(validateItem(i)).toBeNull();
  });

  it('is registered as the mbox kind', () => {
    expect(getSource('mbox')).toBe(mboxSource);
  });
});

describe('splitMbox', () => {
  const text = 'From a@x Mon Jan  1 00:00:00 2024\r\nSubject: one\r\n\r\nbody\r\n>From quoted\r\n\r\nFrom b@x Mon Jan  1 00:00:01 2024\r\nSubject: two\r\n\r\nlast line without end';

  it('gives the same messages however the bytes are cut into chunks', async () => {
    const whole = await parts([Buffer.from(text)]);
    expect(whole.map((p) => (p.kind === 'message' ? [p.line, p.bytes.toString()] : p))).toEqual([
      [1, 'Subject: one\r\n\r\nbody\r\nFrom quoted\r\n'],
      [7, 'Subject: two\r\n\r\nlast line without end'],
    ]);
    for (const size of [1, 2, 3, 5, 7, 13]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(Buffer.from(text.slice(i, i + size)));
      expect(await parts(chunks)).toEqual(whole);
    }
  });

  it('needs a header after a separator, and an envelope-shaped separator, inside a file', async () => {
    const t = 'From - \nSubject: a\n\nFrom here on\nstill body\nFrom me 10:30\nnot a header\nFrom Russia with love\nYear: 1963\nFrom - \nSubject: b\n\nend\n';
    const out = await parts([Buffer.from(t)], 'none');
    expect(out.map((p) => (p.kind === 'message' ? p.bytes.toString() : p))).toEqual([
      { kind: 'kept-in-body', line: 6, messageLine: 1, text: 'From me 10:30' },
      'Subject: a\n\nFrom here on\nstill body\nFrom me 10:30\nnot a header\nFrom Russia with love\nYear: 1963\n',
      'Subject: b\n\nend\n',
    ]);
  });

  it('hands a line that keeps growing across chunks out in pieces', async () => {
    const pieces = [];
    const text = `${'a'.repeat(25)}\nshort\n`;
    async function* chunks() { for (let i = 0; i < text.length; i += 4) yield Buffer.from(text.slice(i, i + 4)); }
    for await (const p of splitLines(chunks(), 10)) pieces.push([p.bytes.toString(), p.start, p.line]);
    expect(pieces).toEqual([['a'.repeat(12), true, 1], ['a'.repeat(12), false, 1], ['a\n', false, 1], ['short\n', true, 2]]);
  });
});
