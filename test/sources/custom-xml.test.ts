import { describe, expect, it } from 'vitest';
import path from 'node:path';
import iconv from 'iconv-lite';
import { simpleParser } from 'mailparser';
import { customXmlSource as source } from '../../main/engine/sources/custom-xml';
import { parseRecordPath, xmlRecords } from '../../main/engine/sources/custom-xml/record-reader';
import { getSource } from '../../main/engine/sources/registry';
import type { Item } from '../../main/engine/item';
import { convertItem } from '../../main/engine/convert/convert';
import { messageIdFor } from '../../main/engine/convert/message-id';
import { FerryError } from '../../main/engine/errors';
import { fixture } from '../helpers/fixtures';
import { attachmentContents, byId, collect } from '../helpers/source';
import { expectRoundTrip } from '../helpers/mail';
import { scratchDir, writeTree } from '../helpers/files';
import { zipFolder } from '../helpers/zip';

const tmp = scratchDir('ferry-custom-xml-');

const tmpTree = (name: string, files: Record<string, string | Buffer>) => writeTree(path.join(tmp, name), files);

const MAP = {
  source: 'Acme', event: 'Message',
  id: { path: '@id' },
  from: { path: 'Sender/Email', kind: 'email', namePath: 'Sender/Name' },
  to: { path: 'To', kind: 'email' },
  date: { path: '@sent', format: 'iso', timeZone: 'UTC' },
  subject: { path: 'Subject' },
  body: { path: 'Body' },
  attachments: { path: 'Attachment/@file' },
  conversation: { path: 'Thread' },
  replyTo: { path: '@inReplyTo' },
};

/** Comments, a DOCTYPE with an internal subset, a same-named element at another depth, CDATA, entities, namespaces, `>` in attribute values. */
const XML = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE Export [ <!ELEMENT Export ANY> ]>
<Export xmlns:a="urn:acme">
  <!-- exported <Message> 2024-03-05 -->
  <Header><Message>not a record: another depth</Message></Header>
  <Messages>
    <Message id="m1" sent="2024-03-05T09:15:00+01:00">
      <Sender><Email>ann@contoso.com</Email><Name>Ann Lee</Name></Sender>
      <To>bob@fabrikam.com</To>
      <To>carol@contoso.com</To>
      <Subject>Q1 &amp; Q2 numbers</Subject>
      <Body><![CDATA[Numbers <b>attached</b> & checked &amp; kept]]>&#10;Line two &#128512;</Body>
      <Attachment file="files/report.pdf"/>
      <Attachment file="../escape.txt"/>
      <Attachment file="files/missing.pdf"/>
      <Thread>T1</Thread>
    </Message>
    <Message id="m2" sent="2024-03-05T09:20:00+01:00">
      <Sender><Email>bob@fabrikam.com</Email></Sender>
      <To>ann@contoso.com</To>
      <Body>Broken <b>tag</Body>
    </Message>
    <Message id="m3" sent="2024-03-05T09:25:00Z" inReplyTo="m1">
      <Sender><Email>carol@contoso.com</Email><Name>Carol Diaz</Name></Sender>
      <To>ann@contoso.com</To><To>bob@fabrikam.com</To>
      <Body>A reply: 3 > 2, "quoted"</Body>
      <a:Extra a:note="x>y">namespaced</a:Extra>
      <Thread>T1</Thread>
    </Message>
    <Message id="m4" sent="next Tuesday">
      <Sender><Email>dave@contoso.com</Email></Sender>
      <To>ann@contoso.com</To>
    </Message>
    <Message id="m5" sent="2024-03-05T10:00:00Z"/>
  </Messages>
</Export>
`;

const lineOf = (needle: string) => XML.slice(0, XML.indexOf(needle)).split('\n').length;

function acmeXml(name: string): string {
  return tmpTree(name, { 'export.xml': XML, 'files/report.pdf': '%PDF-1.4 report' });
}

const settings = (p: string, extra: Record<string, unknown> = {}) => ({ path: p, recordPath: 'Export/Messages/Message', fieldMap: JSON.stringify(MAP), ...extra });

describe('custom-xml: records, attributes, repeated elements and malformed records', () => {
  it('is registered under its kind', () => {
    expect(getSource('custom-xml')).toBe(source);
  });

  it('maps each record; malformed and unusable records name their number and line, the rest goes on', async () => {
    const dir = acmeXml('acme');
    const file = path.join(dir, 'export.xml');
    const { items, bad } = await collect(source, settings(dir));
    expect(items.map((i) => [i.id, i.origin.position])).toEqual([
      ['m1', `record 1 (line ${lineOf('<Message id="m1"')})`],
      ['m3', `record 3 (line ${lineOf('<Message id="m3"')})`],
    ]);
    expect(bad).toEqual([
      { bad: true, origin: { file, position: `record 2 (line ${lineOf('<Message id="m2"')})` },
        reason: `not well-formed XML at line ${lineOf('Broken <b>')}, column 26: Expected closing tag 'b' (opened in line ${lineOf('Broken <b>')}, col 20) instead of closing tag 'Body'.` },
      { bad: true, origin: { file, position: `record 4 (line ${lineOf('<Message id="m4"')})` }, id: 'm4',
        reason: expect.stringMatching(/^DATE "next Tuesday" does not match the date format ISO 8601/) },
      { bad: true, origin: { file, position: `record 5 (line ${lineOf('<Message id="m5"')})` }, id: 'm5',
        reason: 'FROM is empty (path "Sender/Email"); TO is empty (path "To")' },
    ]);

    const m1 = byId(items, 'm1');
    expect(m1.from).toEqual({ id: 'ann@contoso.com', kind: 'email', platform: 'acme', email: 'ann@contoso.com', name: 'Ann Lee' });
    expect(m1.to.map((t) => t.id)).toEqual(['bob@fabrikam.com', 'carol@contoso.com']);
    expect(m1.date!.toISOString()).toBe('2024-03-05T08:15:00.000Z');
    expect(m1.subject).toBe('Q1 & Q2 numbers');
    // CDATA kept as written (its "&amp;" is text), character references decoded.
    expect(m1.text).toContain('Numbers <b>attached</b> & checked &amp; kept\nLine two 😀');
    expect(m1.html).toContain('Numbers &lt;b&gt;attached&lt;/b&gt; &amp; checked &amp;amp; kept<br>');
    expect(m1.conversation).toEqual({ id: 'T1', name: 'T1' });

    const m3 = byId(items, 'm3');
    expect(m3.replyTo).toBe('m1');
    expect(m3.from!.name).toBe('Carol Diaz');
    expect(m3.to.map((t) => t.id)).toEqual(['ann@contoso.com', 'bob@fabrikam.com']);
    expect(m3.subject).toBe('T1: A reply: 3 > 2, "quoted"');
  });

  it('attaches files named by attributes; missing and escaping paths are listed', async () => {
    const { items } = await collect(source, settings(acmeXml('acme-attach')));
    const m1 = byId(items, 'm1');
    expect(m1.attachments.map((a) => a.filename)).toEqual(['report.pdf']);
    expect((await attachmentContents(m1)).get('report.pdf')!.toString()).toBe('%PDF-1.4 report');
    expect(m1.meta['Refused-Attachment']).toBe('../escape.txt');
    expect(m1.meta['Missing-Attachment']).toBe('files/missing.pdf');
  });

  it('every item validates and converts to a message that mailparser reads back, threaded', async () => {
    const { items } = await collect(source, settings(acmeXml('acme-mime')));
    for (const item of items) {
      const { parsed: p } = await expectRoundTrip(item, { source: 'Acme', from: (w) => w.id, to: (t) => t.id });
      expect(p.headers.get('x-ferry-message-class')).toBe('IPM.NOTE.Acme.Message');
    }
    const reply = await simpleParser((await convertItem(byId(items, 'm3'))).mime);
    expect(reply.inReplyTo).toBe(messageIdFor('Acme', 'm1'));
    const first = await simpleParser((await convertItem(byId(items, 'm1'))).mime);
    expect(first.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['report.pdf', '%PDF-1.4 report']]);
  });

  it('reads the same export from a ZIP', async () => {
    const dir = acmeXml('acme-zip');
    const zipPath = path.join(tmp, 'acme-xml.zip');
    await zipFolder(dir, zipPath); // export.xml and files/report.pdf
    const fromZip = await collect(source, settings(zipPath));
    expect(fromZip.items.map((i) => i.id)).toEqual(['m1', 'm3']);
    expect(fromZip.bad.map((b) => b.origin.file)).toEqual([`${zipPath}!export.xml`, `${zipPath}!export.xml`, `${zipPath}!export.xml`]);
    expect((await attachmentContents(byId(fromZip.items, 'm1'))).get('report.pdf')!.toString()).toBe('%PDF-1.4 report');
  });

  it('reads the encoding the XML declaration names', async () => {
    const latin = XML.replace('encoding="UTF-8"', 'encoding="windows-1252"').replace('Q1 &amp; Q2 numbers', 'Q1 résumé – 5 €');
    const dir = tmpTree('latin', { 'export.xml': iconv.encode(latin, 'windows-1252') });
    const { items } = await collect(source, settings(dir));
    expect(byId(items, 'm1').subject).toBe('Q1 résumé – 5 €');
  });
});

describe('custom-xml: streaming', () => {
  async function* pieces(text: string, size: number): AsyncGenerator<string> {
    for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
  }

  it('cuts records out of text that arrives in small pieces, whatever the piece boundaries', async () => {
    const rp = parseRecordPath('Export/Messages/Message');
    if ('problem' in rp) throw new Error(rp.problem);
    for (const size of [1, 7, 64, 100_000]) {
      const stats = { paths: new Set<string>(), unclosed: [] as string[] };
      const got = [];
      for await (const r of xmlRecords(pieces(XML, size), rp, stats)) got.push([r.index, r.line, r.text.slice(0, 24)]);
      expect(got).toEqual([
        [1, lineOf('<Message id="m1"'), '<Message id="m1" sent="2'],
        [2, lineOf('<Message id="m2"'), '<Message id="m2" sent="2'],
        [3, lineOf('<Message id="m3"'), '<Message id="m3" sent="2'],
        [4, lineOf('<Message id="m4"'), '<Message id="m4" sent="n'],
        [5, lineOf('<Message id="m5"'), '<Message id="m5" sent="2'],
      ]);
      expect(stats.unclosed).toEqual([]);
    }
  });

  it('//Message finds records at any depth; a record over the size limit is reported and skipped, the next one read', async () => {
    const any = parseRecordPath('//Message');
    if ('problem' in any) throw new Error(any.problem);
    const stats = { paths: new Set<string>(), unclosed: [] as string[] };
    const ids = [];
    for await (const r of xmlRecords(pieces(XML, 50), any, stats)) ids.push(/id="(m\d)"/.exec(r.text)?.[1] ?? r.text.slice(0, 20));
    expect(ids).toEqual(['<Message>not a recor', 'm1', 'm2', 'm3', 'm4', 'm5']);

    const rp = parseRecordPath('log/msg');
    if ('problem' in rp) throw new Error(rp.problem);
    const doc = `<log>\n<msg n="1">small</msg>\n<msg n="2">${'big '.repeat(5000)}</msg>\n<msg n="3">small again</msg>\n</log>\n`;
    const got = [];
    for await (const r of xmlRecords(pieces(doc, 1000), rp, { paths: new Set(), unclosed: [] }, { maxRecordChars: 4096 })) got.push([r.index, r.line, r.error ?? r.text]);
    expect(got).toEqual([
      [1, 2, '<msg n="1">small</msg>'],
      [2, 3, 'the record is larger than 4 KB; it is not read'],
      [3, 4, '<msg n="3">small again</msg>'],
    ]);
  });

  it('a stray end tag inside a record spoils that record only; outside records it stops the file, said so', async () => {
    const map = { source: 'Pager', event: 'Page', id: { path: '@n' }, from: { path: 'from', kind: 'handle' }, to: { path: 'to', kind: 'handle' },
      date: { path: '@at', format: 'epoch-seconds' } };
    const doc = [
      '<log>',
      '  <msg n="1" at="1709630100"><from>ann</from><to>bob</to></log></msg>',
      '  <msg n="2" at="1709630200"><from>bob</from><to>ann</to></msg>',
      '  </wrapper>',
      '  <msg n="3" at="1709630300"><from>cy</from><to>ann</to></msg>',
      '</log>',
    ].join('\n');
    const dir = tmpTree('stray', { 'log.xml': doc });
    const file = path.join(dir, 'log.xml');
    const { items, bad } = await collect(source, { path: dir, recordPath: 'log/msg', fieldMap: JSON.stringify(map) });
    expect(items.map((i) => i.id)).toEqual(['2']);
    expect(bad).toEqual([
      { bad: true, origin: { file, position: 'record 1 (line 2)' }, reason: expect.stringMatching(/^not well-formed XML at line 2, column \d+: /) },
      { bad: true, origin: { file }, reason: 'line 4: end tag </wrapper> does not match <log>; the document is not well-formed from here; every record up to record 2 (line 3) was read, the rest of the file could not be' },
    ]);
  });

  it('says when elements named like the record element sit elsewhere and were not read', async () => {
    const { notices } = await collect(source, settings(acmeXml('acme-elsewhere')));
    expect(notices).toContain(`${path.join(tmp, 'acme-elsewhere', 'export.xml')}: elements named like the record element but not at recordPath Export/Messages/Message were not read: 1 at /Export/Header/Message`);
  });

  it('a large generated export: every record, the right lines, a truncated last record reported', async () => {
    const records: string[] = [];
    for (let i = 1; i <= 5000; i++) {
      records.push(`  <msg n="${i}" at="${1709630100 + i}">\n    <from>user${i % 9}</from>\n    <to>+1 555 01${String(i % 100).padStart(2, '0')}</to>\n    <text>message ${i} ${'z'.repeat(100)}</text>\n  </msg>`);
    }
    const doc = `<log>\n${records.join('\n')}\n  <msg n="5001" at="1709640000">\n    <from>cut</from>\n    <to>+1 555 0100</to>\n    <text>the export stopped he`;
    const dir = tmpTree('large', { 'log.xml': doc });
    const map = { source: 'Pager', event: 'Page', id: { path: '@n' }, from: { path: 'from', kind: 'handle' }, to: { path: 'to', kind: 'phone' },
      date: { path: '@at', format: 'epoch-seconds' }, body: { path: 'text' } };
    const notices: string[] = [];
    const items: Item[] = [];
    const bad = [];
    for await (const r of source.read({ path: dir, recordPath: 'log/msg', fieldMap: JSON.stringify(map) }, { notice: (m) => notices.push(m) })) {
      if ('bad' in r) bad.push(r); else items.push(r);
    }
    expect(items).toHaveLength(5000);
    expect(items[4999]!.origin.position).toBe(`record 5000 (line ${2 + 4999 * 5})`);
    expect(items[4999]!.to).toEqual([{ id: '+1 555 0100', kind: 'phone', platform: 'pager' }]);
    expect(bad.map((b) => [b.origin.position, b.reason])).toEqual([
      [`record 5001 (line ${2 + 5000 * 5})`, 'the file ends inside this record (truncated or not closed): <log>, <msg>, <text> still open'],
    ]);
  });
});

describe('custom-xml: the mapping and the record path are checked before a run', () => {
  it('read() refuses a record path that matches nothing, and suggests what the document holds', async () => {
    const dir = acmeXml('acme-nopath');
    await expect(collect(source, settings(dir, { recordPath: 'Export/Message' }))).rejects.toThrow(
      /custom XML: .*export\.xml: no element at recordPath Export\/Message \(line 21: end tag <\/Body> does not match <b>; the document is not well-formed from here\); elements found: \/Export, \/Export\/Header, \/Export\/Header\/Message, \/Export\/Messages, \/Export\/Messages\/Message$/);
    await expect(collect(source, settings(dir, { recordPath: 'Export//Message' }))).rejects.toThrow(/recordPath "Export\/\/Message" must be element names separated by \//);
  });

  it('read() refuses a required path found in none of the first records, before any item', async () => {
    const dir = acmeXml('acme-badmap');
    const map = { ...MAP, from: { path: 'From/Email', kind: 'email' } };
    const run = collect(source, settings(dir, { fieldMap: JSON.stringify(map) }));
    await expect(run).rejects.toThrow(FerryError);
    await expect(run).rejects.toThrow(/the field mapping does not fit the file: .*export\.xml: from\.path: "From\/Email" is in none of the first 4 record\(s\)/);
  });

  it('check() says what it found, with warnings for optional paths it did not see', async () => {
    const dir = acmeXml('acme-check');
    const r = await source.check(settings(dir, { fieldMap: JSON.stringify({ ...MAP, subject: { path: 'Title' } }) }));
    expect(r).toEqual({ ok: true, message: `${path.join(dir, 'export.xml')}: 5 records at Export/Messages/Message (1 malformed); warning: subject.path: "Title" is in none of the first 4 record(s)` });
    expect((await source.check(settings(dir, { recordPath: '' }))).message).toMatch(/recordPath is required/);
  });

  it('a real malformed file (SMS Backup & Restore sample): its one record is reported, not lost silently', async () => {
    const file = fixture('custom-xml', 'shruggietech-malformed.xml');
    const map = { source: 'SMS', event: 'Message', from: { path: '@address', kind: 'phone' }, to: { path: '@service_center', kind: 'phone' },
      date: { path: '@date', format: 'epoch-ms' }, body: { path: '@body' } };
    const { items, bad } = await collect(source, { path: file, recordPath: 'smses/sms', fieldMap: JSON.stringify(map) });
    expect(items).toEqual([]);
    expect(bad).toEqual([{ bad: true, origin: { file, position: 'record 1 (line 3)' }, reason: 'the file ends inside this record (truncated or not closed): <smses>, <sms> still open' }]);
  });
});
