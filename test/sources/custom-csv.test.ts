import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { simpleParser } from 'mailparser';
import { customCsvSource as source, validateFieldMap } from '../../main/engine/sources/custom-csv';
import { getSource } from '../../main/engine/sources/registry';
import { parseMappedDate } from '../../main/engine/sources/custom-csv/date-format';
import { csvRows } from '../../main/engine/sources/custom-csv/csv-rows';
import { DateTime } from 'luxon';
import type { Item } from '../../main/engine/item';
import { convertItem } from '../../main/engine/convert/convert';
import { messageIdFor } from '../../main/engine/convert/message-id';
import { FerryError } from '../../main/engine/errors';
import { attachmentContents, collect } from '../helpers/source';
import { addressesOf, expectRoundTrip } from '../helpers/mail';
import { scratchDir, writeTree } from '../helpers/files';
import { zipFolder } from '../helpers/zip';

const tmp = scratchDir('ferry-custom-csv-');

/** Writes files (text as UTF-8, or raw bytes) under a fresh folder. */
const tmpTree = (name: string, files: Record<string, string | Buffer>) => writeTree(path.join(tmp, name), files);

const ACME_MAP = {
  source: 'Acme', event: 'Message',
  from: { column: 'Sender', kind: 'email', nameColumn: 'Sender Name' },
  to: { column: 'Recipients', kind: 'email', separator: ',' },
  date: { column: 'Sent', format: 'dd/MM/yyyy HH:mm', timeZone: 'Europe/Berlin' },
  subject: { column: 'Subject' },
  body: { column: 'Text' },
  attachments: { column: 'Files', separator: '|' },
  conversation: { column: 'Thread' },
};

/** Semicolons, a BOM, CRLF, quoted fields with `;`, doubled quotes and line breaks, and a row broken in the middle. */
const ACME_CSV = '\ufeff' + [
  'Sender;Sender Name;Recipients;Sent;Subject;Text;Files;Thread',
  'ann@contoso.com;Ann Lee;"bob@fabrikam.com, ""Diaz, Carol"" <carol@contoso.com>";05/03/2024 09:15;Q1 numbers;"Hi Bob; here are the ""final"" numbers.\r\nSecond line.";report.pdf;T1',
  'bob@fabrikam.com;Bob Stone;ann@contoso.com;05/03/2024 09:20;;Thanks!;;T1',
  'carol@contoso.com;Carol Diaz;ann@contoso.com;31/02/2024 10:00;Bad date;This row has an impossible date;;T1',
  'dave@contoso.com;Dave;ann@contoso.com;06/03/2024 08:00;Too short',
  ';Nobody;ann@contoso.com;06/03/2024 08:05;No sender;Who sent this?;;T2',
  'erin@contoso.com;Erin Wu;ann@contoso.com;31/03/2024 02:30;Summer time;"Sent in the\r\nskipped hour";missing.png|../../secret.txt|https://example.com/x.png|photos/cat.png;T2',
  'frank@contoso.com;Frank;ann@contoso.com;27/10/2024 02:30;Winter time;Sent in the repeated hour;;T2',
  '',
].join('\r\n');

function acmeExport(name: string): string {
  return tmpTree(name, {
    'messages.csv': ACME_CSV,
    'report.pdf': '%PDF-1.4 quarterly report',
    'photos/cat.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
  });
}

const settings = (p: string, extra: Record<string, unknown> = {}) => ({ path: p, fieldMap: JSON.stringify(ACME_MAP), ...extra });

function byLine(items: Item[], line: number): Item {
  const it = items.find((x) => x.origin.position === `line ${line}`);
  if (!it) throw new Error(`no item at line ${line}; have ${items.map((i) => i.origin.position).join(', ')}`);
  return it;
}

describe('custom-csv: field mapping validation', () => {
  it('reports every problem at once: structure, names, formats, zones and columns', () => {
    const check = validateFieldMap({
      source: 'Acme Chat', event: '',
      from: { column: 'Frm', kind: 'mail' },
      to: { path: 'Recipients/Address', kind: 'email' },
      date: { column: 'When', format: 'dd/MM/yyy', timeZone: 'Mars/Olympus' },
      subject: { column: 'subject' },
      colour: 'blue',
    }, { kind: 'csv', header: ['From', 'Recipients', 'When', 'Subject'] });
    expect(check.ok).toBe(false);
    expect(check.fieldMap).toBeUndefined();
    const p = check.problems.join('\n');
    expect(p).toMatch(/^source: must be usable in a message class/m);
    expect(p).toMatch(/^event: must be usable in a message class/m);
    expect(p).toMatch(/^from\.kind: must be one of email, phone, handle, user-id/m);
    expect(p).toMatch(/^date\.format: "dd\/MM\/yyy" is not a complete date format/m);
    expect(p).toMatch(/^date\.timeZone: "Mars\/Olympus" is not an IANA time zone/m);
    expect(p).toMatch(/unknown key colour/);
    expect(p).toMatch(/^to: a delimited-text source names a column, not a path/m);
    expect(p).toMatch(/^from\.column: no column "Frm" in the header; the columns are: From, Recipients, When, Subject/m);
    expect(p).toMatch(/^subject\.column: no column "subject" in the header \(did you mean "Subject"\?\)/m);
    expect(check.problems).toHaveLength(9);
  });

  it('accepts JSON text, requires the mandatory fields and a zone for wall-clock formats', () => {
    expect(validateFieldMap(JSON.stringify(ACME_MAP), { kind: 'csv', header: ['Sender', 'Sender Name', 'Recipients', 'Sent', 'Subject', 'Text', 'Files', 'Thread'] }))
      .toMatchObject({ ok: true, problems: [], fieldMap: { source: 'Acme', date: { format: 'dd/MM/yyyy HH:mm' } } });
    expect(validateFieldMap('{"source":', { kind: 'csv' }).problems[0]).toMatch(/not valid JSON/);
    expect(validateFieldMap({ source: 'Acme', event: 'Message' }, { kind: 'csv' }).problems).toEqual(['from: is required', 'to: is required', 'date: is required']);
    const noZone = validateFieldMap({ ...ACME_MAP, date: { column: 'Sent', format: 'yyyy-MM-dd HH:mm' } }, { kind: 'csv' });
    expect(noZone.problems).toEqual(['date.timeZone: is required (an IANA zone such as Europe/London): dates without an offset are read in it']);
    expect(validateFieldMap({ ...ACME_MAP, date: { column: 'Sent', format: 'epoch-ms' } }, { kind: 'csv' }).ok).toBe(true);
  });

  it('checks XML paths: syntax, and presence in the sampled records (required fields block, optional ones warn)', () => {
    const xmlMap = { source: 'Acme', event: 'Message', from: { path: 'Sender/Email', kind: 'email' }, to: { path: 'To//Email', kind: 'email' },
      date: { path: '@timestamp', format: 'epoch-seconds' }, subject: { path: 'Title' }, body: { column: 'Text' } };
    const seen = new Set(['Sender/Email', '@timestamp']);
    const check = validateFieldMap(xmlMap, { kind: 'xml', hasPath: (p) => seen.has(p), sampled: 5 });
    expect(check.problems).toEqual([
      'body: an XML source names a path, not a column',
      'to.path: "To//Email" is not a usable path: "" is not an element name (empty step: no leading, trailing or double /)',
    ]);
    expect(check.warnings).toEqual(['subject.path: "Title" is in none of the first 5 record(s)']);
  });
});

describe('custom-csv: dates', () => {
  it('reads wall-clock times exactly as luxon does, every quarter hour of two years, in zones with odd and moving offsets', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Chatham'];
    const format = 'dd/MM/yyyy HH:mm';
    let checked = 0;
    for (const zone of zones) {
      // A prime step (in minutes) walks through every hour of the day and every DST change over time.
      for (let t = Date.UTC(2023, 0, 1); t < Date.UTC(2025, 0, 1); t += 97 * 60_000) {
        const text = DateTime.fromMillis(t, { zone: 'UTC' }).toFormat(format);
        const got = parseMappedDate(text, format, zone);
        const want = DateTime.fromFormat(text, format, { zone });
        if ('error' in got) throw new Error(`${zone} ${text}: ${got.error}`);
        expect(got.date.getTime(), `${zone} ${text}`).toBe(want.toMillis());
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60_000);
    // ISO with and without an offset, and a format holding its own offset.
    expect((parseMappedDate('2024-07-01T12:00:00', 'iso', 'Europe/Berlin') as { date: Date }).date.toISOString()).toBe('2024-07-01T10:00:00.000Z');
    expect((parseMappedDate('2024-07-01T12:00:00-04:00', 'iso', 'Europe/Berlin') as { date: Date }).date.toISOString()).toBe('2024-07-01T16:00:00.000Z');
    expect((parseMappedDate('01.07.2024 12:00 +0530', 'dd.MM.yyyy HH:mm ZZZ', 'Europe/Berlin') as { date: Date }).date.toISOString()).toBe('2024-07-01T06:30:00.000Z');
    expect(parseMappedDate('1709630100.5', 'epoch-seconds', 'UTC')).toEqual({ date: new Date(1709630100500) });
    expect(parseMappedDate('', 'iso', 'UTC')).toEqual({ error: 'the date is empty' });
  });
});

describe('custom-csv: a semicolon file with a BOM, quotes, line breaks and bad rows', () => {
  it('is registered under its kind', () => {
    expect(getSource('custom-csv')).toBe(source);
  });

  it('maps each row; bad rows name their line and the reason, the rest goes on', async () => {
    const dir = acmeExport('acme');
    const { items, bad } = await collect(source, settings(dir));
    expect(items.map((i) => i.origin.position)).toEqual(['line 2', 'line 4', 'line 8', 'line 10']);
    expect(bad.map((b) => [b.origin.position, b.reason])).toEqual([
      ['line 5', expect.stringMatching(/^DATE "31\/02\/2024 10:00" does not match the date format "dd\/MM\/yyyy HH:mm"/)],
      ['line 6', '5 fields, the header has 8: too few fields'],
      ['line 7', 'FROM is empty (column "Sender")'],
    ]);
    for (const b of bad) expect(b.origin.file).toBe(path.join(dir, 'messages.csv'));

    const first = byLine(items, 2);
    expect(first.source).toBe('Acme');
    expect(first.event).toBe('Message');
    expect(first.from).toEqual({ id: 'ann@contoso.com', kind: 'email', platform: 'acme', email: 'ann@contoso.com', name: 'Ann Lee' });
    expect(first.to).toEqual([
      { id: 'bob@fabrikam.com', kind: 'email', platform: 'acme', email: 'bob@fabrikam.com' },
      { id: 'carol@contoso.com', kind: 'email', platform: 'acme', email: 'carol@contoso.com', name: 'Diaz, Carol' },
    ]);
    // 09:15 in Berlin in March (UTC+1).
    expect(first.date!.toISOString()).toBe('2024-03-05T08:15:00.000Z');
    expect(first.subject).toBe('Q1 numbers');
    expect(first.text).toContain('Hi Bob; here are the "final" numbers.\r\nSecond line.');
    expect(first.text).toMatch(/^From: Ann Lee <ann@contoso.com>\nTo: bob@fabrikam.com, Diaz, Carol <carol@contoso.com>\nDate: 2024-03-05 08:15:00 UTC\nConversation: T1\n/);
    expect(first.html).toContain('here are the &quot;final&quot; numbers.<br>');
    expect(first.conversation).toEqual({ id: 'T1', name: 'T1' });
    expect(first.meta['Original-Date']).toBe('05/03/2024 09:15');
    expect(first.id).toMatch(/^sha256-[0-9a-f]{32}$/);

    // No subject: derived from the conversation and the text.
    expect(byLine(items, 4).subject).toBe('T1: Thanks!');

    // Wall-clock times on DST days: the skipped hour moves forward, the repeated one is said to be ambiguous.
    const spring = byLine(items, 8);
    expect(spring.date!.toISOString()).toBe('2024-03-31T01:30:00.000Z');
    expect(spring.meta['Date-Read-As']).toMatch(/does not exist in Europe\/Berlin \(clocks went forward\)/);
    const autumn = byLine(items, 10);
    expect(autumn.meta['Date-Read-As']).toMatch(/occurs twice in Europe\/Berlin \(clocks went back\)/);
    expect([new Date('2024-10-27T00:30:00Z').getTime(), new Date('2024-10-27T01:30:00Z').getTime()]).toContain(autumn.date!.getTime());
  });

  it('attaches files lazily; missing files and paths that leave the folder are listed, never read', async () => {
    const dir = acmeExport('acme-attach');
    const { items } = await collect(source, settings(dir));
    const first = byLine(items, 2);
    expect(first.attachments.map((a) => [a.filename, a.size])).toEqual([['report.pdf', 25]]);
    expect((await attachmentContents(first)).get('report.pdf')!.toString()).toBe('%PDF-1.4 quarterly report');

    const spring = byLine(items, 8);
    expect(spring.attachments.map((a) => a.filename)).toEqual(['cat.png']);
    expect((await attachmentContents(spring)).get('cat.png')).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    expect(spring.meta['Missing-Attachment']).toBe('missing.png');
    expect(spring.meta['Refused-Attachment']).toBe('../../secret.txt; https://example.com/x.png');
    expect(spring.text).toContain(`Attachment not in the export: missing.png (not found in ${dir})`);
    expect(spring.text).toContain('Attachment refused: ../../secret.txt (the path leaves the attachment folder)');
    expect(spring.text).toContain('Attachment refused: https://example.com/x.png (a URL, not a file of the export; not downloaded)');
  });

  it('refuses a symbolic link that leads out of the attachment folder', async () => {
    const outside = tmpTree('outside', { 'secret.txt': 'not yours' });
    const dir = tmpTree('acme-link', {
      'messages.csv': 'Sender;Sender Name;Recipients;Sent;Subject;Text;Files;Thread\nann@contoso.com;Ann;bob@fabrikam.com;01/01/2024 10:00;s;t;link.txt;T\n',
    });
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'link.txt'));
    const { items } = await collect(source, settings(dir));
    expect(items[0]!.attachments).toEqual([]);
    expect(items[0]!.meta['Refused-Attachment']).toBe('link.txt');
    expect(items[0]!.text).toContain('(the path leads out of the attachment folder (a symbolic link))');
  });

  it('every item validates and converts to a message that mailparser reads back', async () => {
    const { items } = await collect(source, settings(acmeExport('acme-mime')));
    for (const item of items) {
      const { parsed: p } = await expectRoundTrip(item, { source: 'Acme', from: (w) => w.id, to: (t) => t.id });
      expect(p.headers.get('x-ferry-message-class')).toBe('IPM.NOTE.Acme.Message');
      expect(p.attachments.map((a) => a.filename)).toEqual(item.attachments.map((a) => a.filename));
    }
    const first = await simpleParser((await convertItem(byLine(items, 2))).mime);
    expect(addressesOf(first.from)).toEqual([{ name: 'Ann Lee', address: 'ann@contoso.com' }]);
    expect(first.text).toContain('Hi Bob; here are the "final" numbers.');
    expect(first.attachments[0]!.content.toString()).toBe('%PDF-1.4 quarterly report');
  });

  it('gives the same ids on every read, from the content when no id column is mapped', async () => {
    const dir = acmeExport('acme-ids');
    const a = await collect(source, settings(dir));
    const b = await collect(source, settings(dir));
    expect(b.items.map((i) => i.id)).toEqual(a.items.map((i) => i.id));
    expect(new Set(a.items.map((i) => i.id)).size).toBe(a.items.length);
  });

  it('reads the same export from a ZIP of its folder, attachments included', async () => {
    const dir = acmeExport('acme-zip');
    const zip = path.join(tmp, 'acme.zip');
    await zipFolder(dir, zip, 'acme-export/');
    const fromDir = await collect(source, settings(dir));
    const fromZip = await collect(source, settings(zip));
    expect(fromZip.items.map((i) => i.id)).toEqual(fromDir.items.map((i) => i.id));
    expect(fromZip.bad.map((b) => [b.origin.file, b.origin.position])).toEqual(fromDir.bad.map((b) => [`${zip}!acme-export/messages.csv`, b.origin.position]));
    const spring = byLine(fromZip.items, 8);
    expect((await attachmentContents(spring)).get('cat.png')).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    expect(spring.meta['Refused-Attachment']).toBe('../../secret.txt; https://example.com/x.png');
    expect((await attachmentContents(byLine(fromZip.items, 2))).get('report.pdf')!.toString()).toBe('%PDF-1.4 quarterly report');
  });
});

describe('custom-csv: encodings, delimiters, ids and threads', () => {
  const MAP = {
    source: 'Legacy', event: 'Chat',
    id: { column: 'id' },
    from: { column: 'from', kind: 'handle' },
    to: { column: 'to', kind: 'phone' },
    date: { column: 'time', format: 'epoch-seconds' },
    body: { column: 'text' },
    replyTo: { column: 'parent' },
  };
  const CSV = 'id,from,to,time,text,parent\n1,zoë,+44 20 7946 0001,1709630100,"Café, crème brûlée: 5 €",\n2,bob,+44 20 7946 0002,1709630160,Reply,1\n';

  it('reads windows-1252 when told; as UTF-8 it stops at the first foreign byte and names it', async () => {
    const file = path.join(tmpTree('latin', { 'export.csv': iconv.encode(CSV, 'windows-1252') }), 'export.csv');
    const ok = await collect(source, { path: file, fieldMap: JSON.stringify(MAP), encoding: 'windows-1252' });
    expect(ok.bad).toEqual([]);
    expect(ok.items.map((i) => i.id)).toEqual(['1', '2']);
    expect(ok.items[0]!.from).toEqual({ id: 'zoë', kind: 'handle', platform: 'legacy' });
    expect(ok.items[0]!.to).toEqual([{ id: '+44 20 7946 0001', kind: 'phone', platform: 'legacy' }]);
    expect(ok.items[0]!.text).toContain('Café, crème brûlée: 5 €');
    expect(ok.items[0]!.date!.toISOString()).toBe('2024-03-05T09:15:00.000Z');

    const wrong = await collect(source, { path: file, fieldMap: JSON.stringify(MAP) });
    expect(wrong.items).toEqual([]);
    // "zoë": the ë is byte 0xEB at offset 32 (header 28 bytes + "1,zo").
    expect(wrong.bad).toEqual([{ bad: true, origin: { file }, reason: `${file}: not valid UTF-8 at byte 32; set the encoding setting to the file's character set (e.g. windows-1252 or utf-16le); no row could be read, the rest of the file could not be` }]);
  });

  it('streams a large file: line numbers stay right across chunks, and a foreign byte late in the file keeps every row before it', async () => {
    // 3,000 rows of two lines each (~600 KB, several decoded pieces), a bad date, then a row with a Latin-1 byte.
    const rows = ['id,from,to,time,text,parent'];
    for (let i = 1; i <= 3000; i++) rows.push(`${i},user${i % 7},+1 555 01${String(i % 100).padStart(2, '0')},${1709630100 + i},"line one of ${i} ${'x'.repeat(150)}\nline two",`);
    rows.push('3001,ann,+1 555 0100,yesterday,bad date,');
    const head = Buffer.from(`${rows.join('\n')}\n3002,bob,+1 555 0101,1709640000,"Caf`);
    const file = path.join(tmpTree('large', { 'export.csv': Buffer.concat([head, Buffer.from([0xe9]), Buffer.from('",\n3003,cy,+1 555 0102,1709640001,after,\n')]) }), 'export.csv');
    const { items, bad } = await collect(source, { path: file, fieldMap: JSON.stringify(MAP) });
    expect(items).toHaveLength(3000);
    expect(items[2999]!.origin.position).toBe('line 6000');
    expect(items[2999]!.text).toContain('line one of 3000');
    expect(bad.map((b) => [b.origin.position, b.reason])).toEqual([
      ['line 6002', 'DATE "yesterday" is not a number of seconds since 1970'],
      [undefined, `${file}: not valid UTF-8 at byte ${head.length}; set the encoding setting to the file's character set (e.g. windows-1252 or utf-16le); every row up to line 6002 was read, the rest of the file could not be`],
    ]);
  });

  it('a quoted field still open after the row limit stops the file instead of holding the rest of it', async () => {
    async function* pieces(): AsyncGenerator<string> {
      yield 'a,b\n1,2\n3,"open\n';
      for (let i = 0; i < 50; i++) yield `${'x'.repeat(999)}\n`;
    }
    const s = csvRows(pieces(), { maxRowChars: 10_000 });
    const got = [];
    for await (const r of s.rows) got.push([r.line, r.fields.length, r.error]);
    expect(got).toEqual([[1, 2, undefined], [2, 2, undefined], [3, 2, 'a quoted field is not closed']]);
    expect(s.overflowed()).toBe(true);
  });

  it('a file far larger than the read-ahead is read to its last row', async () => {
    async function* pieces(): AsyncGenerator<string> {
      yield 'n,text\n';
      // 40 pieces of 1 MB: each row is short; nothing is left open between pieces.
      for (let p = 0; p < 40; p++) {
        let piece = '';
        for (let i = 0; i < 10_000; i++) piece += `${p * 10_000 + i},"${'y'.repeat(90)}\n${'z'.repeat(4)}"\n`;
        yield piece;
      }
    }
    const s = csvRows(pieces(), { maxRowChars: 2 * 1024 * 1024 });
    let n = 0;
    let last;
    for await (const r of s.rows) { n++; last = r; }
    expect(n).toBe(400_001);
    expect(last).toMatchObject({ line: 800_000, fields: ['399999', `${'y'.repeat(90)}\n${'z'.repeat(4)}`] });
    expect(s.overflowed()).toBe(false);
  });

  it('reads UTF-16 with a byte order mark, tab-separated', async () => {
    const tsv = CSV.replace(/,/g, '\t').replace('"Café\t crème brûlée: 5 €"', 'Café, crème brûlée: 5 €');
    const file = path.join(tmpTree('utf16', { 'export.tsv': Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(tsv, 'utf-16le')]) }), 'export.tsv');
    const r = await collect(source, { path: file, fieldMap: JSON.stringify(MAP), delimiter: 'tab' });
    expect(r.bad).toEqual([]);
    expect(r.items.map((i) => i.text!.split('\n').pop())).toEqual(['Café, crème brûlée: 5 €', 'Reply']);
  });

  it('threads replies and keeps the id column as the item id', async () => {
    const file = path.join(tmpTree('thread', { 'export.csv': CSV }), 'export.csv');
    const { items } = await collect(source, { path: file, fieldMap: JSON.stringify(MAP) });
    expect(items.map((i) => [i.id, i.replyTo])).toEqual([['1', undefined], ['2', '1']]);
    const p = await simpleParser((await convertItem(items[1]!)).mime);
    expect(p.inReplyTo).toBe(messageIdFor('Legacy', '1'));
    expect(p.headers.get('x-ferry-message-class')).toBe('IPM.NOTE.Legacy.Chat');
    expect(addressesOf(p.to).map((a) => a.address)).toEqual(['+44_20_7946_0002@legacy.invalid']);
  });

  it('an unclosed quote makes the rest of the file one bad row at the line it starts', async () => {
    const file = path.join(tmpTree('quote', { 'export.csv': `${CSV}3,ann,+1 555 0100,1709630200,"never closed\n4,bob,+1 555 0101,1709630300,lost,\n` }), 'export.csv');
    const { items, bad } = await collect(source, { path: file, fieldMap: JSON.stringify(MAP) });
    expect(items.map((i) => i.id)).toEqual(['1', '2']);
    expect(bad.map((b) => [b.origin.position, b.reason])).toEqual([
      ['line 4', 'a quoted field is not closed: the rest of the file from this line reads as one broken row and is not imported'],
    ]);
  });

  it('a row with too many fields is bad, even when the extra ones are empty: its values may have shifted', async () => {
    const file = path.join(tmpTree('many', { 'export.csv': `${CSV}3,ann,+1 555 0100,1709630200,one, two,\n4,bob,+1 555 0101,1709630300,ok,\n` }), 'export.csv');
    const { items, bad } = await collect(source, { path: file, fieldMap: JSON.stringify(MAP) });
    expect(items.map((i) => i.id)).toEqual(['1', '2', '4']);
    expect(bad.map((b) => [b.origin.position, b.reason])).toEqual([['line 4', '7 fields, the header has 6: too many fields (an unquoted delimiter in a value?)']]);
  });
});

describe('custom-csv: the mapping is checked before a run', () => {
  it('read() refuses a mapping that is invalid, listing every problem', async () => {
    const dir = acmeExport('acme-bad-map');
    const run = collect(source, { path: dir, fieldMap: JSON.stringify({ ...ACME_MAP, event: 'New Message', date: { column: 'Sent', format: 'dd/MM', timeZone: 'Europe/Berlin' } }) });
    await expect(run).rejects.toThrow(FerryError);
    await expect(run).rejects.toThrow(/custom delimited text: fieldMap: event: must be usable in a message class.*; fieldMap: date\.format: "dd\/MM" is not a complete date format/);
    await expect(collect(source, { path: dir })).rejects.toThrow(/fieldMap: the field mapping is required/);
    await expect(collect(source, { ...settings(dir), encoding: 'klingon' })).rejects.toThrow(/encoding "klingon" is not known/);
  });

  it('read() refuses a mapping whose columns are not in the header, before any item', async () => {
    const dir = acmeExport('acme-bad-cols');
    const map = { ...ACME_MAP, subject: { column: 'Topic' } };
    const records: unknown[] = [];
    const run = (async () => { for await (const r of source.read({ path: dir, fieldMap: JSON.stringify(map) }, {})) records.push(r); })();
    await expect(run).rejects.toThrow(/the field mapping does not fit the file: .*messages\.csv: subject\.column: no column "Topic" in the header; the columns are: Sender, Sender Name, Recipients, Sent, Subject, Text, Files, Thread/);
    expect(records).toEqual([]);
  });

  it('check() says what it found, and what is wrong', async () => {
    const dir = acmeExport('acme-check');
    const ok = await source.check(settings(dir));
    expect(ok.ok).toBe(true);
    expect(ok.message).toBe(`${path.join(dir, 'messages.csv')}: 8 columns (delimiter ";"); 7 rows: 4 messages, 3 bad (line 5: DATE "31/02/2024 10:00" does not match the date format "dd/MM/yyyy HH:mm" (you specified 31 (of type number) as a day, which is invalid); line 6: 5 fields, the header has 8: too few fields; line 7: FROM is empty (column "Sender"))`);
    const wrongDelimiter = await source.check(settings(dir, { delimiter: 'comma' }));
    expect(wrongDelimiter.ok).toBe(false);
    expect(wrongDelimiter.message).toMatch(/1 columns \(delimiter ","\); from\.column: no column "Sender" in the header.*the header has a single column: the delimiter \(","\) may be wrong; set the delimiter setting/);
    expect((await source.check({ path: path.join(tmp, 'nowhere.csv'), fieldMap: JSON.stringify(ACME_MAP) })).message).toMatch(/no such file or folder/);
    expect((await source.check({ path: tmpTree('no-csv', { 'notes.md': 'x' }), fieldMap: JSON.stringify(ACME_MAP) })).message).toMatch(/no delimited-text file \(\.csv, \.tsv, \.txt\) at the top of the folder/);
  });
});
