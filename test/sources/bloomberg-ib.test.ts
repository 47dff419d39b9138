import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { bloombergIbSource as source } from '../../main/engine/sources/bloomberg-ib';
import { getSource } from '../../main/engine/sources/registry';
import type { Item } from '../../main/engine/item';
import { FerryError } from '../../main/engine/errors';
import { fixture } from '../helpers/fixtures';
import { attachmentContents, byId, collect, expectProgressAndCancellation } from '../helpers/source';
import { addressesOf, expectRoundTrip } from '../helpers/mail';
import { scratchDir, writeFile } from '../helpers/files';
import { writeZip } from '../helpers/zip';

const DIR = fixture('bloomberg-ib');
const XML = path.join(DIR, 'f900001.ib.230501.xml');
const ATTACHMENT = path.join(DIR, 'attachments', '5F1A2B3C4D5E6F70');
const ANN = { id: 'ann.lee@contoso.com', kind: 'email', platform: 'bloomberg', name: 'Ann Lee', email: 'ann.lee@contoso.com' };
const BOB = { id: 'bstone12', kind: 'user-id', platform: 'bloomberg', name: 'Bob Stone', email: 'bstone12@bloomberg.net' };
const CHLOE = { id: 'chloe.dubois@fabrikam.com', kind: 'email', platform: 'bloomberg', name: 'Chloé Dubois', email: 'chloe.dubois@fabrikam.com' };
const DESK = { id: 'PCHAT-0x20000002', kind: 'user-id', platform: 'bloomberg', name: 'Contoso Rates Desk' };

const tmp = scratchDir('ferry-bbg-ib-');

const write = (name: string, text: string) => writeFile(path.join(tmp, name), text);

async function convertsCleanly(items: Item[]): Promise<void> {
  for (const item of items) {
    const { parsed: p, message: m } = await expectRoundTrip(item, { source: 'Bloomberg', messageClass: true });
    expect(addressesOf(p.from).map((a) => a.address)).toEqual([m.from.address]);
    expect(addressesOf(p.to).map((a) => a.address)).toEqual(m.to.map((t) => t.address));
    expect(p.attachments.map((a) => a.filename)).toEqual(item.attachments.map((a) => a.filename));
  }
}

describe('bloomberg-ib: transcripts (the default), over a dump made for the tests', () => {
  it('is registered under its kind', () => {
    expect(getSource('bloomberg-ib')).toBe(source);
  });

  it('check() counts files, conversations, rooms and messages', async () => {
    expect(await source.check({ path: XML })).toEqual({ ok: true, message: '1 file, 4 conversations in 3 rooms, 8 messages' });
  });

  it('one item per <Conversation>, id <RoomID>/<day>; a conversation without RoomID is a bad record with its line', async () => {
    const { items, bad } = await collect(source, { path: XML });
    expect(items.map((i) => [i.id, i.event, i.date?.toISOString()])).toEqual([
      ['CHAT-0x10000001/2023-05-01', 'IBConversation', '2023-05-01T13:00:00.000Z'],
      ['PCHAT-0x20000002/2023-05-01', 'IBConversation', '2023-05-01T14:00:00.000Z'],
      ['CHAT-0x10000001/2023-05-02', 'IBConversation', '2023-05-02T09:00:00.000Z'],
    ]);
    expect(bad.map((b) => [b.origin.file, b.origin.position, b.reason])).toEqual([
      [XML, 'Conversation[2] (line 191)', 'the conversation has no RoomID, so it cannot get an id that stays the same across dumps'],
    ]);
  });

  it('FROM is the first to speak, TO everyone else the conversation names (joins, invitations, leaves)', async () => {
    const { items } = await collect(source, { path: XML });
    expect(items[0]).toMatchObject({ from: ANN, to: [BOB] });
    expect(items[1]).toMatchObject({ from: CHLOE, to: [ANN] });
    expect(items[2]).toMatchObject({ from: BOB, to: [ANN] });
  });

  it('the transcript lists every event with its UTC time, escapes the HTML, and dates history from other days in full', async () => {
    const { items } = await collect(source, { path: XML });
    expect(items[0]!.text).toBe([
      'Room: CHAT-0x10000001',
      'Participants: Ann Lee (ann.lee@contoso.com), Bob Stone (bstone12)',
      'Start: 2023-05-01 13:00:00 UTC',
      'End: 2023-05-01 13:06:00 UTC',
      'Messages: 3',
      '',
      '13:00:00  Ann Lee (ann.lee@contoso.com) entered the room',
      '13:00:05  Bob Stone (bstone12) entered the room',
      '13:01:00  Ann Lee (ann.lee@contoso.com): Morning Bob, can you show me 10y at 4.25?',
      '13:02:00  Bob Stone (bstone12): Sure, term sheet attached [termsheet.pdf]',
      '13:02:00  Bob Stone (bstone12): and the pricing grid [grid.xlsx]',
      '13:05:00  Ann Lee (ann.lee@contoso.com) left the room',
      '13:06:00  Bob Stone (bstone12) left the room',
      '',
      'Attachment grid.xlsx (FileID 5F1A2B3C4D5E6F71, 18 KB): listed in the dump, its file is not in the export (Bloomberg delivers attachment files separately; put them beside the XML, named by FileID)',
    ].join('\n'));
    const desk = items[1]!;
    expect(desk.text).toContain('14:00:00  Ann Lee (ann.lee@contoso.com) invited Chloé Dubois (chloe.dubois@fabrikam.com)\n'
      + '14:01:00  Chloé Dubois (chloe.dubois@fabrikam.com) entered the room (Reason: Invited)\n'
      + '2023-04-28 20:30:00  Ann Lee (ann.lee@contoso.com) [history]: Desk closes early Friday\n'
      + '14:02:00  [system] This room is recorded for compliance purposes.\n'
      + '14:03:00  Chloé Dubois (chloe.dubois@fabrikam.com): Bid <4.20> & offer 4.30\n    size: 25mm\n');
    expect(desk.html).toContain('Bid &lt;4.20&gt; &amp; offer 4.30<br>');
    expect(desk.html).not.toContain('<4.20>');
    expect(desk.subject).toBe('Contoso Rates Desk (2023-05-01): Bid <4.20> & offer 4.30 size: 25mm');
    expect(desk.conversation).toEqual({ id: 'PCHAT-0x20000002', name: 'Contoso Rates Desk' });
    expect(desk.meta).toMatchObject({ 'Bloomberg-Room-Name': 'Contoso Rates Desk', 'Bloomberg-Perspective': 'alee4 CONTOSO CAPITAL', 'Bloomberg-Message-Count': '2', 'Bloomberg-End-Time': '2023-05-01T14:20:00.000Z' });
    // An unreadable time does not drop the line: the transcript says so.
    expect(items[2]!.text).toContain('(time unreadable: DateTimeUTC "soon" is not a number of seconds and DateTime "yesterday-ish" is not a date (expected MM/DD/YYYY HH:MM:SS))  Ann Lee (ann.lee@contoso.com): Confirmed');
    expect(items[2]!.meta['Bloomberg-Unreadable-Times']).toBe('1');
  });

  it('attaches the listed file found beside the XML by its FileID, lists the one that is not there', async () => {
    const { items } = await collect(source, { path: XML });
    const bytes = fs.readFileSync(ATTACHMENT);
    expect(items[0]!.attachments.map((a) => [a.filename, a.size])).toEqual([['termsheet.pdf', bytes.length]]);
    expect((await attachmentContents(items[0]!)).get('termsheet.pdf')!.equals(bytes)).toBe(true);
    expect(items[0]!.meta['Listed-Attachment']).toBe('grid.xlsx (FileID 5F1A2B3C4D5E6F71, 18 KB)');
  });

  it('DateTime without DateTimeUTC is read in the timeZone setting, and a notice says so', async () => {
    const { items, notices } = await collect(source, { path: XML, timeZone: 'America/New_York' });
    expect(items[1]!.text).toContain('14:15:00  Ann Lee (ann.lee@contoso.com): Done at 4.25 — merci & thanks');
    expect(items[1]!.meta['Date-Read-As']).toBe('local time in America/New_York (no DateTimeUTC)');
    expect(notices).toEqual(['1 event(s) have no DateTimeUTC; their DateTime was read as local time in America/New_York (the timeZone setting)']);
    await expect(collect(source, { path: XML, timeZone: 'Mars/Olympus' })).rejects.toThrow(/timeZone "Mars\/Olympus" is not an IANA time zone/);
  });

  it('every transcript validates and converts to a message that mailparser reads back', async () => {
    await convertsCleanly((await collect(source, { path: XML })).items);
  });
});

describe('bloomberg-ib: one item per event (mode "message")', () => {
  it('yields IBJoin, IBMessage, IBLeave, IBInvite, IBHistory, IBSystem with ids <RoomID>/<seconds>/<n>', async () => {
    const { items, bad } = await collect(source, { path: XML, mode: 'message', timeZone: 'America/New_York' });
    expect(items.map((i) => [i.id, i.event])).toEqual([
      ['CHAT-0x10000001/1682946000/0', 'IBJoin'], ['CHAT-0x10000001/1682946005/0', 'IBJoin'], ['CHAT-0x10000001/1682946060/0', 'IBMessage'],
      ['CHAT-0x10000001/1682946120/0', 'IBMessage'], ['CHAT-0x10000001/1682946120/1', 'IBMessage'],
      ['CHAT-0x10000001/1682946300/0', 'IBLeave'], ['CHAT-0x10000001/1682946360/0', 'IBLeave'],
      ['PCHAT-0x20000002/1682949600/0', 'IBInvite'], ['PCHAT-0x20000002/1682949660/0', 'IBJoin'], ['PCHAT-0x20000002/1682713800/h0', 'IBHistory'],
      ['PCHAT-0x20000002/1682949720/0', 'IBSystem'], ['PCHAT-0x20000002/1682949780/0', 'IBMessage'], ['PCHAT-0x20000002/1682950500/0', 'IBMessage'],
      ['PCHAT-0x20000002/1682950800/0', 'IBLeave'],
      ['CHAT-0x10000001/1683018000/0', 'IBMessage'],
    ]);
    expect(bad.map((b) => [b.origin.position, b.reason])).toEqual([
      ['Conversation[2] (line 191), event 0 <Message> (line 194)', 'the conversation has no RoomID, so its events cannot get ids that stay the same across dumps'],
      ['Conversation[3] (line 205), room CHAT-0x10000001, event 1 <Message> (line 220)', 'DateTimeUTC "soon" is not a number of seconds and DateTime "yesterday-ish" is not a date (expected MM/DD/YYYY HH:MM:SS)'],
    ]);
  });

  it('FROM is the event\'s user, TO the others of the conversation; system messages come from the room', async () => {
    const { items } = await collect(source, { path: XML, mode: 'message' });
    expect(byId(items, 'CHAT-0x10000001/1682946060/0')).toMatchObject({ from: ANN, to: [BOB], subject: 'CHAT-0x10000001: Morning Bob, can you show me 10y at…' });
    expect(byId(items, 'PCHAT-0x20000002/1682949600/0')).toMatchObject({ from: ANN, to: [CHLOE], meta: { 'Bloomberg-Invitee': 'chloe.dubois@fabrikam.com' } });
    expect(byId(items, 'PCHAT-0x20000002/1682949720/0')).toMatchObject({ from: DESK, to: [ANN, CHLOE] });
    expect(byId(items, 'PCHAT-0x20000002/1682949660/0').meta['Bloomberg-Reason']).toBe('Invited');
    expect(byId(items, 'PCHAT-0x20000002/1682713800/h0').date?.toISOString()).toBe('2023-04-28T20:30:00.000Z');
    const withFile = byId(items, 'CHAT-0x10000001/1682946120/0');
    expect(withFile.attachments.map((a) => a.filename)).toEqual(['termsheet.pdf']);
    expect(byId(items, 'CHAT-0x10000001/1682946120/1').meta['Listed-Attachment']).toBe('grid.xlsx (FileID 5F1A2B3C4D5E6F71, 18 KB)');
    await convertsCleanly(items);
  });

  it('a wrong mode is refused', async () => {
    await expect(collect(source, { path: XML, mode: 'daily' })).rejects.toThrow(FerryError);
    expect((await source.check({ path: XML, mode: 'daily' })).ok).toBe(false);
  });
});

describe('progress and cancellation', () => {
  it('reports progress up to 1, in order, and stops when the run is cancelled', async () => {
    await expectProgressAndCancellation(source, { path: XML });
  });
});

describe('bloomberg-ib: inputs and damage', () => {
  it('a ZIP of the dump folder is read in place, attachments included', async () => {
    const z = await writeZip(path.join(tmp, 'ib.zip'), { 'dumps/f900001.ib.230501.xml': fs.readFileSync(XML), 'dumps/attachments/5F1A2B3C4D5E6F70': fs.readFileSync(ATTACHMENT) });
    const { items, bad } = await collect(source, { path: z });
    expect(items.map((i) => i.id)).toEqual(['CHAT-0x10000001/2023-05-01', 'PCHAT-0x20000002/2023-05-01', 'CHAT-0x10000001/2023-05-02']);
    expect(bad).toHaveLength(1);
    expect(items[0]!.origin.file).toBe(`${z}!dumps/f900001.ib.230501.xml`);
    expect((await attachmentContents(items[0]!)).get('termsheet.pdf')!.equals(fs.readFileSync(ATTACHMENT))).toBe(true);
  });

  it('a folder of dumps: every XML in path order; a MSG dump among them is skipped with a notice', async () => {
    const dir = path.join(tmp, 'folder');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(XML, path.join(dir, 'f900001.ib.230501.xml'));
    fs.writeFileSync(path.join(dir, 'f900001.ib.230502.xml'), '<?xml version="1.0"?>\n<FileDump>\n<Conversation><RoomID>CHAT-0x3</RoomID><StartTimeUTC>1683104400</StartTimeUTC>'
      + '<Message><User><LoginName>x1</LoginName></User><DateTimeUTC>1683104400</DateTimeUTC><Content>hi</Content></Message></Conversation>\n</FileDump>\n');
    fs.writeFileSync(path.join(dir, 'f900001.msg.230501.xml'), '<FileDump><Message><MsgID>1</MsgID></Message></FileDump>');
    const { items, notices } = await collect(source, { path: dir });
    expect(items.map((i) => i.id)).toEqual(['CHAT-0x10000001/2023-05-01', 'PCHAT-0x20000002/2023-05-01', 'CHAT-0x10000001/2023-05-02', 'CHAT-0x3/2023-05-03']);
    // Alone with nobody: the room is the recipient.
    expect(items[3]!.to).toEqual([{ id: 'CHAT-0x3', kind: 'user-id', platform: 'bloomberg', name: 'CHAT-0x3' }]);
    expect(notices[0]).toBe(`${path.join(dir, 'f900001.msg.230501.xml')}: a Bloomberg MSG (mail) dump, not an IB chat dump: use the bloomberg-msg source for it; skipped`);
    // Chosen by itself, a MSG dump is refused.
    await expect(collect(source, { path: path.join(dir, 'f900001.msg.230501.xml') })).rejects.toThrow(/use the bloomberg-msg source/);
  });

  it('the same room and day twice in one read keeps both, with a notice', async () => {
    const conv = (t: number, text: string) => `<Conversation><RoomID>CHAT-0x9</RoomID><StartTimeUTC>${t}</StartTimeUTC><Message><User><LoginName>a1</LoginName></User><DateTimeUTC>${t}</DateTimeUTC><Content>${text}</Content></Message><ParticipantEntered><User><LoginName>b2</LoginName></User><DateTimeUTC>${t}</DateTimeUTC></ParticipantEntered></Conversation>`;
    const file = write('twice.xml', `<FileDump>${conv(1682946000, 'one')}${conv(1682950000, 'two')}</FileDump>`);
    const { items, notices } = await collect(source, { path: file });
    expect(items.map((i) => i.id)).toEqual(['CHAT-0x9/2023-05-01', 'CHAT-0x9/2023-05-01/1682950000']);
    expect(notices[0]).toMatch(/room CHAT-0x9 has a second conversation for 2023-05-01 .*imported as CHAT-0x9\/2023-05-01\/1682950000/);
  });

  it('malformed XML: the conversations before the break, then a bad record with line and column; the next file goes on', async () => {
    const dir = path.join(tmp, 'broken');
    const good = '<Conversation><RoomID>CHAT-0x1</RoomID><StartTimeUTC>1682946000</StartTimeUTC><Message><User><LoginName>a1</LoginName></User><DateTimeUTC>1682946000</DateTimeUTC><Content>ok</Content></Message></Conversation>';
    write('broken/a.xml', `<FileDump>\n${good}\n<Conversation><RoomID>CHAT-0x2</RoomID><Message><Content>unclosed</Message>\n</Conversation></FileDump>`);
    write('broken/b.xml', `<FileDump>${good.replace('CHAT-0x1', 'CHAT-0x7')}</FileDump>`);
    const { items, bad } = await collect(source, { path: dir });
    expect(items.map((i) => i.id)).toEqual(['CHAT-0x1/2023-05-01', 'CHAT-0x7/2023-05-01']);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.origin).toEqual({ file: path.join(dir, 'a.xml'), position: expect.stringMatching(/^line 3, column \d+$/) });
    expect(bad[0]!.reason).toMatch(/not well-formed XML .*every record up to Conversation\[0\] \(line 2\) was read, anything after it could not be/);
  });

  it('a truncated file reports where it ends', async () => {
    const file = write('cut.xml', '<FileDump><Conversation><RoomID>CHAT-0x1</RoomID><StartTimeUTC>1682946000</StartTimeUTC></Conversation><Conversation><RoomID>CHAT-');
    const { items, bad } = await collect(source, { path: file });
    expect(items.map((i) => i.id)).toEqual(['CHAT-0x1/2023-05-01']);
    expect(bad[0]!.reason).toMatch(/not well-formed XML/);
  });

  it('Actiance-style events with the user fields in the element itself are read too', async () => {
    const file = write('actiance.xml', '<FileDump><Conversation Perspective="x"><RoomID>direct - a - b</RoomID><StartTimeUTC>1682946000</StartTimeUTC>'
      + '<ParticipantEntered><LoginName>a@contoso.com</LoginName><DateTimeUTC>1682946000</DateTimeUTC><CorporateEmailID>a@contoso.com</CorporateEmailID></ParticipantEntered>'
      + '<Message><LoginName>b@fabrikam.com</LoginName><DateTimeUTC>1682946001</DateTimeUTC><Content>hello</Content></Message></Conversation></FileDump>');
    const { items } = await collect(source, { path: file });
    expect(items[0]).toMatchObject({ from: { id: 'b@fabrikam.com', kind: 'user-id' }, to: [{ id: 'a@contoso.com', kind: 'email' }] });
  });

  it('paths that are not dumps are refused with the reason', async () => {
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty, { recursive: true });
    expect(await source.check({ path: empty })).toEqual({ ok: false, message: `${empty}: no XML file in it (Bloomberg dumps are .xml files, e.g. f123456.ib.230501.xml)` });
    await expect(collect(source, { path: path.join(tmp, 'missing.xml') })).rejects.toThrow(FerryError);
  });
});
