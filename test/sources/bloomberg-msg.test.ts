import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { bloombergMsgSource as source } from '../../main/engine/sources/bloomberg-msg';
import { getSource } from '../../main/engine/sources/registry';
import { fixture } from '../helpers/fixtures';
import { attachmentContents, collect, expectProgressAndCancellation } from '../helpers/source';
import { addressesOf, expectRoundTrip } from '../helpers/mail';
import { scratchDir } from '../helpers/files';
import { writeZip } from '../helpers/zip';
import { simpleParser } from 'mailparser';
import { convertItem } from '../../main/engine/convert/convert';
import { previewMessages } from '../../main/engine/runs/preview';
import { MappingRouter } from '../../main/engine/mapping/router';
import { MappingTable } from '../../main/engine/mapping/mapping-table';

const DIR = fixture('bloomberg-msg');
const XML = path.join(DIR, 'f900001.msg.230501.xml');
const ATTACHMENT = path.join(DIR, 'attachments', 'REF7788.pdf');
const ANN = { id: 'ann.lee@contoso.com', kind: 'email', platform: 'bloomberg', name: 'Ann Lee', email: 'ann.lee@contoso.com' };
const BOB = { id: 'bstone12', kind: 'user-id', platform: 'bloomberg', name: 'Bob Stone', email: 'bstone12@bloomberg.net' };
const CHLOE = { id: 'chloe.dubois@fabrikam.com', kind: 'email', platform: 'bloomberg', name: 'Chloé Dubois', email: 'chloe.dubois@fabrikam.com' };
const DANA = { id: 'dwhitfield', kind: 'user-id', platform: 'bloomberg', name: 'Dana Whitfield' };

const tmp = scratchDir('ferry-bbg-msg-');

describe('bloomberg-msg: a MSG dump made for the tests', () => {
  it('is registered under its kind', () => {
    expect(getSource('bloomberg-msg')).toBe(source);
  });

  it('check() counts files and messages', async () => {
    expect(await source.check({ path: XML })).toEqual({ ok: true, message: '1 file, 5 messages' });
  });

  it('one item per <Message>, id msg/<MsgID>; bad ones name the message, its line and the reason', async () => {
    const { items, bad } = await collect(source, { path: XML });
    expect(items.map((i) => [i.id, i.event, i.source])).toEqual([['msg/1000000001', 'Message', 'Bloomberg'], ['msg/1000000002', 'Message', 'Bloomberg']]);
    expect(bad.map((b) => [b.origin.file, b.origin.position, b.reason])).toEqual([
      [XML, 'Message[2] (line 102)', 'the message has no MsgID, so it cannot get an id that stays the same across dumps'],
      [XML, 'Message[3] (line 109), MsgID 1000000004', 'the message has no <Recipient>'],
      [XML, 'Message[4] (line 116), MsgID 1000000005', 'MsgTime "someday" is not a date (expected MM/DD/YYYY HH:MM:SS)'],
    ]);
  });

  it('FROM is the sender; TO, CC and BCC recipients stay apart, in the item, the header block and the message', async () => {
    const { items } = await collect(source, { path: XML });
    const m = items[0]!;
    expect(m).toMatchObject({ from: ANN, to: [BOB], cc: [CHLOE], bcc: [DANA] });
    expect(m.meta).toMatchObject({ 'Bloomberg-Msg-Id': '1000000001', 'Bloomberg-Language': 'English' });
    const message = await convertItem(m);
    const parsed = await simpleParser(message.mime);
    expect(addressesOf(parsed.to).map((a) => a.address)).toEqual(['bstone12@bloomberg.net']);
    expect(addressesOf(parsed.cc).map((a) => a.address)).toEqual(['chloe.dubois@fabrikam.com']);
    expect(addressesOf(parsed.bcc).map((a) => a.name)).toEqual(['Dana Whitfield']);
    expect(parsed.headers.get('x-ferry-cc-id')).toBe('email:chloe.dubois@fabrikam.com');
    expect(parsed.headers.get('x-ferry-bcc-id')).toBe('user-id:dwhitfield');
    // Copied and blind-copied people get their copy like the others.
    const router = new MappingRouter({
      mapping: new MappingTable([]), mappingVersion: null, orgDomains: ['contoso.com', 'fabrikam.com'], catchAll: null,
      defaultRegion: null, requireSenderMapping: false, keepUnassigned: false,
    });
    expect(router.route(m, 'Bloomberg Archive').targets.map((t) => t.mailbox)).toEqual(['ann.lee@contoso.com', 'chloe.dubois@fabrikam.com']);
    // The preview shows them apart too.
    const shown = [];
    for await (const e of previewMessages(source, { path: XML }, { limit: 1 })) shown.push(e);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ to: ['Bob Stone <bstone12@bloomberg.net>'], cc: ['Chloé Dubois <chloe.dubois@fabrikam.com>'] });
    expect(shown[0]!.bcc).toHaveLength(1);
    // A message with TO recipients only has no CC or BCC list.
    expect(items[1]).toMatchObject({ to: [ANN] });
    expect(items[1]!.cc).toBeUndefined();
    expect(m.text).toContain('To: Bob Stone (bstone12)\nCc: Chloé Dubois (chloe.dubois@fabrikam.com)\nBcc: Dana Whitfield (dwhitfield)\n');
    expect(items[1]).toMatchObject({ from: BOB, to: [ANN], meta: { 'On-Behalf-Of': 'Erin Wu (erin.wu@fabrikam.com)' } });
    expect(items[1]!.text).toContain('On behalf of: Erin Wu (erin.wu@fabrikam.com)');
  });

  it('subject, greeting, body and disclaimer; markup in the body is escaped in HTML', async () => {
    const { items } = await collect(source, { path: XML });
    expect(items[0]!.subject).toBe('Term sheet: Fabrikam 10y');
    expect(items[0]!.text).toContain('\n\nHi Bob,\n\nPlease find the term sheet attached.\nPricing: 4.25 & size 25mm.\n\nRegards, Ann\n\nDisclaimer: This message is for the named recipients only.');
    expect(items[1]!.html).toContain('Agreed. &lt;b&gt;Confirmed&lt;/b&gt; at 4.25');
    expect(items[1]!.html).not.toContain('<b>Confirmed');
  });

  it('dates: MsgTimeUTC; MsgTime alone is read in the timeZone setting, with a notice', async () => {
    const { items, notices } = await collect(source, { path: XML, timeZone: 'Europe/London' });
    expect(items[0]!.date?.toISOString()).toBe('2023-05-01T13:15:00.000Z');
    expect(items[1]!.date?.toISOString()).toBe('2023-05-01T09:30:00.000Z');
    expect(items[1]!.meta['Date-Read-As']).toBe('local time in Europe/London (no MsgTimeUTC)');
    expect(notices).toEqual(['1 message(s) have no MsgTimeUTC; their MsgTime was read as local time in Europe/London (the timeZone setting)']);
    expect((await collect(source, { path: XML })).items[1]!.date?.toISOString()).toBe('2023-05-01T10:30:00.000Z');
  });

  it('attachments: the file named by its reference beside the dump is attached; the other is listed', async () => {
    const { items } = await collect(source, { path: XML });
    const bytes = fs.readFileSync(ATTACHMENT);
    expect(items[0]!.attachments.map((a) => [a.filename, a.size])).toEqual([['termsheet.pdf', bytes.length]]);
    expect((await attachmentContents(items[0]!)).get('termsheet.pdf')!.equals(bytes)).toBe(true);
    expect(items[0]!.meta['Listed-Attachment']).toBe('grid.xlsx (Reference REF7789, 20 KB)');
    expect(items[0]!.text).toContain('Attachment grid.xlsx (Reference REF7789, 20 KB): listed in the dump, its file is not in the export');
  });

  it('a ZIP of the dump folder is read in place; an IB dump in it is skipped with a notice', async () => {
    const out = await writeZip(path.join(tmp, 'msg.zip'), {
      'f900001.msg.230501.xml': fs.readFileSync(XML),
      'att/REF7788.pdf': fs.readFileSync(ATTACHMENT),
      'f900001.ib.230501.xml': '<FileDump><Conversation><RoomID>x</RoomID></Conversation></FileDump>',
    });
    const { items, bad, notices } = await collect(source, { path: out });
    expect(items.map((i) => i.id)).toEqual(['msg/1000000001', 'msg/1000000002']);
    expect(bad).toHaveLength(3);
    expect(notices).toContain(`${out}!f900001.ib.230501.xml: an Instant Bloomberg (IB) chat dump, not a MSG dump: use the bloomberg-ib source for it; skipped`);
    expect(items[0]!.origin.file).toBe(`${out}!f900001.msg.230501.xml`);
    expect((await attachmentContents(items[0]!)).get('termsheet.pdf')!.equals(fs.readFileSync(ATTACHMENT))).toBe(true);
  });

  it('a truncated dump yields the messages before the break, then a bad record with the line', async () => {
    const text = fs.readFileSync(XML, 'utf8');
    const cut = path.join(tmp, 'cut.xml');
    fs.writeFileSync(cut, text.slice(0, text.indexOf('<Subject>RE:')));
    const { items, bad } = await collect(source, { path: cut });
    expect(items.map((i) => i.id)).toEqual(['msg/1000000001']);
    expect(bad[0]!.origin.position).toMatch(/^line \d+, column \d+$/);
    expect(bad[0]!.reason).toMatch(/not well-formed XML .*every record up to Message\[0\] \(line 3\) was read/);
  });

  it('every item validates and converts to a message that mailparser reads back', async () => {
    const { items } = await collect(source, { path: XML });
    for (const item of items) {
      const { parsed: p } = await expectRoundTrip(item, {
        source: 'Bloomberg', from: (w) => w.email, to: (t) => t.email ?? `${t.id}@bloomberg.invalid`,
      });
      expect(addressesOf(p.from).map((a) => a.name)).toEqual([item.from!.name]);
      expect(p.headers.get('x-ferry-message-class')).toBe('IPM.NOTE.Bloomberg.Message');
      expect(p.attachments.map((a) => a.filename)).toEqual(item.attachments.map((a) => a.filename));
    }
  });
});

describe('progress and cancellation', () => {
  it('reports progress up to 1, in order, and stops when the run is cancelled', async () => {
    await expectProgressAndCancellation(source, { path: XML });
  });
});
