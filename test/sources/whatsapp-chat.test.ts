import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { whatsappChatSource as source } from '../../main/engine/sources/whatsapp-chat';
import { getSource } from '../../main/engine/sources/registry';
import type { Item } from '../../main/engine/item';
import { FerryError } from '../../main/engine/errors';
import { attachmentContents, collect } from '../helpers/source';
import { addressesOf, expectRoundTrip } from '../helpers/mail';
import { writeZip as writeZipFile } from '../helpers/zip';
import { fixture } from '../helpers/fixtures';
import { tempDir } from '../helpers/engine';

const wa = (...p: string[]) => fixture('whatsapp-chat', ...p);
const made = (...p: string[]) => wa('made', ...p);
const iso = (items: Item[]) => items.map((i) => i.date!.toISOString());

/** Every item must pass the schema check and become a message that mailparser reads back. */
async function roundTrip(items: Item[]) {
  const parsed = [];
  for (const item of items) {
    parsed.push((await expectRoundTrip(item, { source: 'WhatsApp', to: 'count', messageClass: true })).parsed);
  }
  return parsed;
}

/** A chat ZIP as the phone exports it (entry dates pinned). */
const writeZip = (file: string, entries: [string, Buffer | string][]) => writeZipFile(file, entries, { mtime: new Date(Date.UTC(2024, 4, 1)) });

// A small but real JPEG (SOI, APP0 JFIF, EOI) so the attachment is a recognisable file.
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

describe('whatsapp-chat: MIT samples', () => {
  it('is registered under its kind', () => {
    expect(getSource('whatsapp-chat')).toBe(source);
  });

  it.each([
    ['test_ddmmyy_24hrs.txt', 'dd/mm/yy, HH:MM -'],
    ['test_mmddyy_24hrs.txt', 'mm/dd/yy, HH:MM -'],
    ['test_[mmddyy]_24hrs.txt', '[mm/dd/yy HH:MM]'],
    ['test_mmddyyyy_12hrs.txt', 'mm/dd/yyyy, hh:mm a. m. -'],
    ['test_yyyymmdd_24hrs.txt', 'yyyy/mm/dd, HH:MM -'],
  ])('joweich %s: the same chat in layout %s', async (file, layout) => {
    const settings = { path: wa('joweich-chat-miner', file) };
    const check = await source.check(settings);
    expect(check.ok).toBe(true);
    expect(check.message).toContain(`dates ${layout}`);
    expect(check.message).toContain('5 participants, 6 messages and 3 system lines');
    const { items, bad } = await collect(source, settings);
    expect(bad).toEqual([]);
    expect(items.map((i) => i.event)).toEqual(['Message', 'Message', 'Message', 'Message', 'System', 'System', 'Message', 'Message', 'Message']);
    expect(iso(items)).toEqual([
      '2019-01-01T11:25:00.000Z', '2019-01-20T11:23:00.000Z', '2019-01-30T20:49:00.000Z', '2020-06-10T15:55:00.000Z',
      '2020-06-20T00:08:00.000Z', '2020-06-30T09:10:00.000Z', '2021-12-10T10:10:00.000Z', '2021-12-20T12:10:00.000Z',
      '2021-12-30T22:01:00.000Z',
    ]);
    // `John Doe:.` has no space after the colon: still John Doe's message, because he writes elsewhere.
    expect(items[1]!.from).toEqual({ id: 'John Doe', kind: 'user-id', platform: 'whatsapp', name: 'John Doe' });
    expect(items[1]!.text).toMatch(/\n\n\.$/);
    expect(items[2]!.text).toContain('Lorem ipsum dolor sit amet,\nconsectetur adipiscing elit. Duis libero.');
    // The file ends without a newline: the last message keeps its second line.
    expect(items[8]!.text).toMatch(/Duis libero\.$/);
    expect(items[4]!.text).toContain('+12 345 578 created group "Groupname"');
    expect(items[4]!.from!.id).toBe(`chat:${file.replace(/\.txt$/, '')}`);
    expect(items[0]!.to.map((t) => t.id)).toEqual(['Jahn Doe', 'John-John Doe', 'John Doe 🤓', '🤓']);
    expect(items[7]!.from!.id).toBe('🤓');
    await roundTrip(items);
  });

  it('Pustur short-chat: phone sender, blank line inside a message, order inferred from the dates running forwards', async () => {
    const settings = { path: wa('Pustur-whatsapp-chat-parser', 'short-chat.txt') };
    const { items, bad, notices } = await collect(source, settings);
    expect(bad).toEqual([]);
    expect(items).toHaveLength(5);
    expect(notices.join('\n')).toMatch(/inferred because dates only stay in order when read month first/);
    expect(iso(items)).toEqual(['2017-06-03T00:45:00.000Z', '2017-06-03T00:45:00.000Z', '2017-06-03T00:45:00.000Z', '2017-08-05T01:48:00.000Z', '2017-09-04T01:50:00.000Z']);
    const last = items[4]!;
    expect(last.from).toEqual({ id: '+410123456789', kind: 'phone', platform: 'whatsapp', name: '+410123456789' });
    expect(last.text!.endsWith('How are you?\n\nIs everything alright?')).toBe(true);
    expect(last.to.map((t) => t.id)).toEqual(['Sample User', 'TestBot']);
    // With the order set, the file reads the other way and says so.
    const dmy = await collect(source, { ...settings, dateOrder: 'dmy' });
    expect(iso(dmy.items)[3]).toBe('2017-05-08T01:48:00.000Z');
    const p = await roundTrip(items);
    expect(addressesOf(p[4]!.from)[0]!.address).toBe('+410123456789@whatsapp.invalid');
  });

  it('Pustur iOS _chat.txt: CRLF, poll block with LF lines, attachments missing beside the text file', async () => {
    const { items, bad } = await collect(source, { path: wa('Pustur-whatsapp-chat-parser-website', '_chat.txt') });
    expect(bad).toEqual([]);
    expect(items).toHaveLength(52);
    expect(items.filter((i) => i.event === 'System').map((i) => i.text!.split('\n').pop())).toEqual([
      'Messages to this group are now secured with end-to-end encryption.', 'Loris created group “WhatsApp Chat Parser Example”',
      'Loris added Emily', 'Loris added John',
    ]);
    const photo = items.find((i) => i.text!.includes('00000001-PHOTO'))!;
    expect(photo.attachments).toEqual([]);
    expect(photo.meta['Missing-Attachment']).toBe('00000001-PHOTO-2019-06-20-16-00-15.jpg');
    expect(photo.text).toContain('Attachment 00000001-PHOTO-2019-06-20-16-00-15.jpg is not in the export');
    const poll = items.find((i) => i.meta.Poll)!;
    expect(poll.meta.Poll).toBe('When can we meet?');
    expect(poll.text).toContain('Poll: When can we meet?\n  • Thursday 15 evening (2 votes)\n  • Friday 16 afternoon (1 vote)');
    expect(poll.text).toContain('  • Saturday 17 evening (3 votes)');
    const links = items[51]!;
    expect(links.text).toMatch(/Links:\n- https:\/\/github.com\/Pustur\/whatsapp-chat-parser\n- https:\/\/github.com\/Pustur\/whatsapp-chat-parser-website$/);
    expect(items[0]!.to.map((t) => t.id)).toEqual(['John', 'Loris', 'Emily']);
    await roundTrip(items);
  });

  it('Pustur old-example.zip: read in place, __MACOSX ignored, named from the ZIP', async () => {
    const settings = { path: wa('Pustur-whatsapp-chat-parser-website', 'old-example.zip') };
    const check = await source.check(settings);
    expect(check).toEqual({ ok: true, message: 'chat "old-example", 3 participants, 97 messages and 3 system lines, dates [dd.mm.yy, HH:MM:SS] (24-hour; a first field above 12 (line 1))' });
    const { items, bad } = await collect(source, settings);
    expect(bad).toEqual([]);
    expect(items).toHaveLength(100);
    expect(items[0]!.origin.file).toMatch(/old-example\.zip!_chat\.txt$/);
    expect(items[0]!.event).toBe('System');
    expect(items[2]!.text).toMatch(/Loris added you$/);
    expect(items[99]!.date!.toISOString()).toBe('2019-06-20T19:54:58.000Z');
    expect(new Set(items.map((i) => i.conversation!.name))).toEqual(new Set(['old-example']));
    expect(new Set(items.map((i) => i.id)).size).toBe(100);
  });

  it('emmaakachukwu sample: Android and iOS layouts mixed, each with its own date order', async () => {
    const settings = { path: wa('emmaakachukwu-whatsapp-chat-parser-rb', 'sample.txt') };
    const check = await source.check(settings);
    expect(check.message).toContain('mm/dd/yy, hh:mm AM - (12-hour; a second field above 12 (line 1))');
    expect(check.message).toContain('[dd/mm/yyyy, hh:mm:ss AM] (12-hour; a first field above 12 (line 5))');
    expect(check.message).toContain('dd/mm/yyyy, hh:mm:ss AM (12-hour; a first field above 12 (line 9))');
    const { items, bad } = await collect(source, settings);
    expect(bad).toEqual([]);
    expect(items.map((i) => [i.event, i.from!.id, i.date!.toISOString()])).toEqual([
      ['Message', 'John Doe', '2025-12-15T10:30:00.000Z'],
      ['Message', 'Jane Smith', '2025-12-15T10:31:00.000Z'],
      ['Message', 'Alice', '2025-12-15T10:32:03.000Z'],
      ['Message', 'Bob', '2025-12-15T10:33:00.000Z'],
      ['Message', 'Charlie', '2025-12-15T10:34:00.000Z'],
      ['System', 'chat:sample', '2025-12-15T10:35:00.000Z'],
      ['System', 'chat:sample', '2025-12-15T10:36:00.000Z'],
    ]);
    expect(items[1]!.text).toContain('Hi John! This is another Android message.\nIt has multiple lines\nto test grouping.');
    await roundTrip(items);
  });
});

describe('whatsapp-chat: files made for these tests', () => {
  it('an ambiguous date order fails every message with the reason, and imports once dateOrder is set', async () => {
    const settings = { path: made('WhatsApp Chat with Ann.txt') };
    const check = await source.check(settings);
    expect(check.ok).toBe(false);
    expect(check.message).toMatch(/^chat "Ann", 2 participants, 4 messages and 1 system line; 5 messages in layout \?\?\/\?\?\/yy, HH:MM - cannot be dated: the date order is ambiguous/);
    expect(check.message).toContain("set the connector's dateOrder setting to dmy (day first) or mdy (month first)");
    const ambiguous = await collect(source, settings);
    expect(ambiguous.items).toEqual([]);
    expect(ambiguous.bad.map((b) => b.origin.position)).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 7']);
    for (const b of ambiguous.bad) {
      expect(b.reason).toMatch(/the date order is ambiguous/);
      expect(b.reason).toMatch(/dateOrder setting to dmy .* or mdy/);
      expect(b.origin.file).toBe(settings.path);
    }
    expect(ambiguous.notices.join('\n')).toMatch(/5 messages in layout .* cannot be dated: the date order is ambiguous/);

    const dmy = await collect(source, { ...settings, dateOrder: 'dmy' });
    expect(dmy.bad).toEqual([]);
    expect(iso(dmy.items)).toEqual(['2024-02-01T09:00:00.000Z', '2024-02-01T09:01:00.000Z', '2024-02-01T09:05:00.000Z', '2024-03-02T18:20:00.000Z', '2024-04-03T08:00:00.000Z']);
    const mdy = await collect(source, { ...settings, dateOrder: 'mdy' });
    expect(iso(mdy.items)).toEqual(['2024-01-02T09:00:00.000Z', '2024-01-02T09:01:00.000Z', '2024-01-02T09:05:00.000Z', '2024-02-03T18:20:00.000Z', '2024-03-04T08:00:00.000Z']);
    expect((await source.check({ ...settings, dateOrder: 'dmy' })).ok).toBe(true);

    const [system, , , minutes, media] = dmy.items;
    expect(system!.event).toBe('System');
    expect(system!.from).toEqual({ id: 'chat:Ann', kind: 'user-id', platform: 'whatsapp', name: 'Ann' });
    expect(system!.to.map((t) => t.id)).toEqual(['Ann', 'Ben']);
    expect(minutes!.from!.id).toBe('Ann');
    expect(minutes!.to.map((t) => t.id)).toEqual(['Ben']);
    expect(minutes!.text).toContain('Minutes from today:\n1. Scope agreed\n2. Next review in a month');
    expect(minutes!.subject).toBe('Ann: Minutes from today: 1. Scope agreed 2. Next…');
    expect(media!.meta['Media-Omitted']).toBe('media');
    expect(media!.text).toContain('Media omitted by the export (media)');
    const parsed = await roundTrip(dmy.items);
    expect(addressesOf(parsed[3]!.from)).toEqual([{ name: 'Ann', address: 'Ann@whatsapp.invalid' }]);
    expect(addressesOf(parsed[3]!.to)).toEqual([{ name: 'Ben', address: 'Ben@whatsapp.invalid' }]);
    expect(parsed[3]!.text).toContain('Author: Ann\nDate: 2024-03-02 18:20:00 UTC\nLocal time: 02/03/24, 18:20 (UTC)\nChat: Ann');
    expect(parsed[4]!.headers.get('x-ferry-media-omitted')).toBe('media');
  });

  it('Europe/London across both DST changes: exact UTC instants, BOM, CRLF, no final newline, a phone sender in bidi marks', async () => {
    const settings = { path: made('WhatsApp Chat - Audit Team'), timeZone: 'Europe/London' };
    const check = await source.check(settings);
    expect(check).toEqual({ ok: true, message: 'chat "Audit Team", 3 participants, 9 messages and 2 system lines, dates [dd/mm/yyyy, HH:MM:SS] (24-hour; a first field above 12 (line 1))' });
    const { items, bad } = await collect(source, settings);
    expect(bad).toEqual([]);
    expect(items.map((i) => [i.meta['Local-Time'], i.date!.toISOString()])).toEqual([
      ['2024-03-30T23:58:00', '2024-03-30T23:58:00.000Z'], // GMT = UTC
      ['2024-03-30T23:59:00', '2024-03-30T23:59:00.000Z'],
      ['2024-03-31T00:30:00', '2024-03-31T00:30:00.000Z'],
      ['2024-03-31T00:31:00', '2024-03-31T00:31:00.000Z'],
      ['2024-03-31T01:30:00', '2024-03-31T01:30:00.000Z'], // skipped hour: read as GMT, i.e. 02:30 BST
      ['2024-03-31T03:00:00', '2024-03-31T02:00:00.000Z'], // BST = UTC+1
      ['2024-03-31T03:05:00', '2024-03-31T02:05:00.000Z'],
      ['2024-10-27T01:30:00', '2024-10-27T00:30:00.000Z'], // first 01:30, still BST
      ['2024-10-27T01:10:00', '2024-10-27T01:10:00.000Z'], // after it, so the second (GMT) 01:10
      ['2024-10-27T02:30:00', '2024-10-27T02:30:00.000Z'],
      ['2024-10-27T02:31:00', '2024-10-27T02:31:00.000Z'],
    ]);
    expect(items[4]!.meta['Time-Note']).toMatch(/does not exist in Europe\/London/);
    expect(items[7]!.meta['Time-Note']).toMatch(/occurs twice .* first occurrence/);
    expect(items[8]!.meta['Time-Note']).toMatch(/occurs twice .* second occurrence/);
    expect(items[2]!.meta['Time-Note']).toBeUndefined();
    // The first line follows a BOM and is still a message line: the iOS encryption notice under the chat's label.
    expect(items[0]!.event).toBe('System');
    expect(items[0]!.conversation).toEqual({ id: expect.stringMatching(/^chat-[0-9a-f]{16}$/), name: 'Audit Team' });
    expect(items[3]!.event).toBe('System');
    expect(items[3]!.text).toMatch(/Ann Lee added Carl Diaz$/);

    const phone = { id: '+447700900123', kind: 'phone', platform: 'whatsapp', name: '+44 7700 900123' };
    expect(items[5]!.from).toEqual(phone);
    expect(items[5]!.to.map((t) => t.id)).toEqual(['Ann Lee', 'Bob Stone']);
    expect(items[5]!.text).toContain('Hello from an unsaved number.\nSecond line of the same message\n\nThird paragraph after a blank line');
    expect(items[5]!.text).not.toMatch(/\r/);
    expect(items[1]!.to).toContainEqual(phone);
    expect(items[10]!.from).toEqual(phone);
    expect(items[10]!.meta['Media-Omitted']).toBe('image');
    expect(items[10]!.text).toMatch(/omitted by the export \(image\)/);
    expect(items[6]!.meta['Missing-Attachment']).toBe('00000009-PHOTO-2024-03-31-03-05-00.jpg');
    expect(items[8]!.meta.Edited).toBe('true');
    expect(items[8]!.text).toContain('Second 01:10, winter time again\n');
    expect(items[8]!.text).not.toContain('<This message was edited>');
    expect(items[9]!.event).toBe('Message');
    expect(items[9]!.meta.Deleted).toBe('true');
    // The last line has no newline after it and is read whole.
    expect(items[10]!.meta['Export-Timestamp']).toBe('27/10/2024, 02:31:00');

    const parsed = await roundTrip(items);
    expect(addressesOf(parsed[5]!.from)).toEqual([{ name: '+44 7700 900123', address: '+447700900123@whatsapp.invalid' }]);
    expect(parsed[5]!.headers.get('x-ferry-from-id')).toBe('phone:+447700900123');
    expect(parsed[8]!.headers.get('x-ferry-edited')).toBe('true');
    expect(parsed[9]!.headers.get('x-ferry-deleted')).toBe('true');
    expect(parsed[5]!.headers.get('x-ferry-time-zone')).toBe('Europe/London');
  });

  it('Spanish 12-hour times (a. m./p. m. after a narrow no-break space) in America/Mexico_City', async () => {
    const settings = { path: made('WhatsApp Chat with Equipo.txt'), timeZone: 'America/Mexico_City' };
    const check = await source.check(settings);
    expect(check.message).toBe('chat "Equipo", 2 participants, 4 messages, dates d/m/yyyy, h:mm a. m. - (12-hour; a first field above 12 (line 1))');
    const { items, bad } = await collect(source, settings);
    expect(bad).toEqual([]);
    expect(items.map((i) => [i.from!.id, i.meta['Local-Time'], i.date!.toISOString()])).toEqual([
      ['Lucía', '2023-12-31T23:59', '2024-01-01T05:59:00.000Z'],
      ['Marco', '2024-01-01T00:01', '2024-01-01T06:01:00.000Z'], // 12:01 a. m. is just after midnight
      ['Lucía', '2024-01-01T12:30', '2024-01-01T18:30:00.000Z'], // 12:30 p. m. is just after noon
      ['Marco', '2024-01-01T15:15', '2024-01-01T21:15:00.000Z'],
    ]);
    expect(items[2]!.meta['Media-Omitted']).toBe('media');
    expect(items[3]!.text).toMatch(/Nos vemos\nel lunes$/);
    const parsed = await roundTrip(items);
    expect(addressesOf(parsed[0]!.from)[0]!.name).toBe('Lucía');
    expect(parsed[0]!.subject).toBe('Equipo: ¡Feliz año nuevo a todos!');
  });

  it('lines before the first message, an impossible date and an impossible hour are bad records; the rest goes on', async () => {
    const file = made('bad-lines.txt');
    const check = await source.check({ path: file });
    expect(check.message).toContain('2 lines before the first message that are not messages');
    const { items, bad } = await collect(source, { path: file });
    expect(bad.map((b) => [b.origin.file, b.origin.position])).toEqual([[file, 'lines 1-2'], [file, 'line 4'], [file, 'line 6']]);
    expect(bad[0]!.reason).toBe('text before the first message is not a WhatsApp message line: "This file was saved from a phone"');
    expect(bad[1]!.reason).toBe('"31/02/2024, 09:05" is not a valid date in layout dd/mm/yyyy, HH:MM -');
    expect(bad[2]!.reason).toBe('"13/01/2024, 25:10" is not a valid time in layout dd/mm/yyyy, HH:MM - (hour 25)');
    expect(items.map((i) => [i.origin.position, i.date!.toISOString(), i.text!.split('\n').pop()])).toEqual([
      ['line 3', '2024-01-12T09:00:00.000Z', 'First real message'],
      ['line 7', '2024-01-13T10:00:00.000Z', 'Last message'],
    ]);
  });

  it('a folder of chat ZIPs: attached photos read lazily from each ZIP, missing ones listed, owner as "You"', async () => {
    const dir = tempDir('ferry-wa-');
    await writeZip(path.join(dir, 'WhatsApp Chat - Project X.zip'), [
      ['_chat.txt', fs.readFileSync(made('zip-ios', '_chat.txt'))],
      ['00000001-PHOTO-2024-05-01-10-00-05.jpg', JPEG],
      ['__MACOSX/._chat.txt', Buffer.from('resource fork')],
      ['__MACOSX/._00000001-PHOTO-2024-05-01-10-00-05.jpg', Buffer.from('resource fork')],
    ]);
    const png = Buffer.concat([JPEG, Buffer.from('second photo')]);
    await writeZip(path.join(dir, 'WhatsApp Chat with Carol.zip'), [
      ['WhatsApp Chat with Carol.txt', fs.readFileSync(made('zip-android', 'WhatsApp Chat with Carol.txt'))],
      ['IMG-20240514-WA0001.jpg', png],
      ['notes.txt', 'a shared text document, not a chat'],
    ]);
    const settings = { path: dir, owner: 'Frank Owner', chatName: 'ignored with two chats' };
    const check = await source.check(settings);
    expect(check.ok).toBe(true);
    expect(check.message).toMatch(/^2 chats, 12 lines with a timestamp: chat "Project X", 3 participants, 6 messages and 1 system line, dates \[dd\.mm\.yy, HH:MM:SS\].* \| chat "Carol", 2 participants, 4 messages and 1 system line, dates m\/d\/yy, h:mm AM -/);
    expect(check.message).toContain('the chatName setting is ignored');
    const { items, bad, notices } = await collect(source, settings);
    expect(bad).toEqual([]);
    expect(notices.join('\n')).toMatch(/chatName setting is ignored/);
    expect(items.map((i) => i.conversation!.name)).toEqual([...Array(7).fill('Project X'), ...Array(5).fill('Carol')]);

    const [e2e, photo, , missing, poll, location] = items;
    expect(e2e!.event).toBe('System');
    expect(e2e!.to.map((t) => t.id)).toEqual(['Dana', 'Eli', 'Frank Owner']);
    expect(photo!.origin.file).toBe(`${path.join(dir, 'WhatsApp Chat - Project X.zip')}!_chat.txt`);
    expect(photo!.attachments.map((a) => [a.filename, a.size])).toEqual([['00000001-PHOTO-2024-05-01-10-00-05.jpg', JPEG.length]]);
    expect(photo!.meta['Missing-Attachment']).toBeUndefined();
    expect(missing!.attachments).toEqual([]);
    expect(missing!.meta['Missing-Attachment']).toBe('00000002-PHOTO-2024-05-01-10-02-00.jpg');
    expect(missing!.text).toContain('Attachment 00000002-PHOTO-2024-05-01-10-02-00.jpg is not in the export: the chat was exported without media, or the file was removed from the ZIP.');
    expect(poll!.meta.Poll).toBe('Lunch?');
    expect(poll!.text).toContain('Poll: Lunch?\n  • Pizza (2 votes)\n  • Salad (0 votes)');
    expect(location!.meta.Location).toBe('47.3769,8.5417');
    expect(location!.text).toContain('Location: 47.3769, 8.5417\nhttps://maps.google.com/?q=47.3769,8.5417');
    expect(items[6]!.event).toBe('Call');
    expect(items[6]!.meta.Call).toBe('Missed voice call');
    expect(items[6]!.from!.id).toBe('Eli');

    const carol = items.slice(7);
    expect(iso(carol)).toEqual(['2024-05-14T09:00:00.000Z', '2024-05-14T09:01:00.000Z', '2024-05-14T09:02:00.000Z', '2024-05-14T09:03:00.000Z', '2024-05-14T09:04:00.000Z']);
    expect(carol[1]!.attachments.map((a) => a.filename)).toEqual(['IMG-20240514-WA0001.jpg']);
    expect(carol[1]!.text).toContain('IMG-20240514-WA0001.jpg (file attached)\nSite photo from this morning');
    expect(carol[2]!.attachments).toEqual([]);
    expect(carol[2]!.meta['Missing-Attachment']).toBe('IMG-20240514-WA0002.jpg');
    // "You" is the exporting account: the owner setting names it.
    expect(carol[3]!.from).toEqual({ id: 'Frank Owner', kind: 'user-id', platform: 'whatsapp', name: 'Frank Owner' });
    expect(carol[3]!.to.map((t) => t.id)).toEqual(['Carol']);
    expect(carol[1]!.to.map((t) => t.id)).toEqual(['Frank Owner']);
    expect(carol[4]!.meta.Deleted).toBe('true');

    // The generator has finished and closed the ZIPs: lazy reads still work.
    expect((await attachmentContents(photo!)).get('00000001-PHOTO-2024-05-01-10-00-05.jpg')).toEqual(JPEG);
    expect((await attachmentContents(carol[1]!)).get('IMG-20240514-WA0001.jpg')).toEqual(png);
    const parsed = await roundTrip(items);
    expect(parsed[1]!.attachments.map((a) => [a.filename, a.contentType, a.content.equals(JPEG)])).toEqual([['00000001-PHOTO-2024-05-01-10-00-05.jpg', 'image/jpeg', true]]);
    expect(parsed[3]!.attachments).toEqual([]);
    expect(parsed[3]!.headers.get('x-ferry-missing-attachment')).toBe('00000002-PHOTO-2024-05-01-10-02-00.jpg');
    expect(parsed[8]!.attachments[0]!.content.equals(png)).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ids survive a later export with more history, and identical messages in the same minute stay distinct', async () => {
    const dir = tempDir('ferry-wa-');
    const head = [
      '14/02/24, 09:00 - Ann: Hello',
      '14/02/24, 09:01 - Ben: ok',
      '14/02/24, 09:01 - Ben: ok',
      '14/02/24, 09:02 - Ann: Two lines',
      'of text',
    ];
    fs.mkdirSync(path.join(dir, 'first'));
    fs.mkdirSync(path.join(dir, 'later'));
    fs.writeFileSync(path.join(dir, 'first', 'WhatsApp Chat with Ann.txt'), `${head.join('\n')}\n`);
    // Exported again a week later (from another phone: CRLF), with older history before and newer messages after.
    fs.writeFileSync(path.join(dir, 'later', 'WhatsApp Chat with Ann.txt'),
      ['13/02/24, 18:00 - Ann: Older message now included', ...head, '15/02/24, 10:00 - Ben: ok'].join('\r\n'));
    const first = await collect(source, { path: path.join(dir, 'first', 'WhatsApp Chat with Ann.txt') });
    const later = await collect(source, { path: path.join(dir, 'later', 'WhatsApp Chat with Ann.txt') });
    expect(first.items).toHaveLength(4);
    expect(later.items).toHaveLength(6);
    expect(new Set(first.items.map((i) => i.id)).size).toBe(4);
    expect(later.items.slice(1, 5).map((i) => i.id)).toEqual(first.items.map((i) => i.id));
    expect(later.items.slice(1, 5).map((i) => i.origin.position)).toEqual(['line 2', 'line 3', 'line 4', 'line 5']);
    for (const i of first.items) expect(i.id.startsWith(`${i.conversation!.id}/`)).toBe(true);
    // The same words from another chat are another message.
    const other = await collect(source, { path: path.join(dir, 'first', 'WhatsApp Chat with Ann.txt'), chatName: 'Ann (work phone)' });
    expect(other.items.map((i) => i.id)).not.toContain(first.items[0]!.id);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a layout whose dates read both ways fails with that reason; dateOrder decides, and a date impossible under it is a bad record', async () => {
    const dir = tempDir('ferry-wa-');
    const file = path.join(dir, 'WhatsApp Chat with Mixed.txt');
    fs.writeFileSync(file, ['13/01/24, 10:00 - Ann: day first', '01/13/24, 10:05 - Ben: month first', '05/06/24, 11:00 - Ann: either'].join('\n'));
    const auto = await collect(source, { path: file });
    expect(auto.items).toEqual([]);
    expect(auto.bad.map((b) => b.origin.position)).toEqual(['line 1', 'line 2', 'line 3']);
    for (const b of auto.bad) {
      expect(b.reason).toContain("dates in this layout read both ways: line 1 has the day first, line 2 has it second; set the connector's dateOrder setting (dmy or mdy)");
    }
    expect(auto.bad[1]!.reason).toMatch(/^date "01\/13\/24, 10:05" \(layout \?\?\/\?\?\/yy, HH:MM -\): /);
    const dmy = await collect(source, { path: file, dateOrder: 'dmy' });
    expect(iso(dmy.items)).toEqual(['2024-01-13T10:00:00.000Z', '2024-06-05T11:00:00.000Z']);
    expect(dmy.bad.map((b) => [b.origin.position, b.reason])).toEqual([['line 2', '"01/13/24, 10:05" is not a valid date in layout dd/mm/yy, HH:MM -']]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('year-first short dates with dateOrder ymd, UTF-16 files, media beside a chosen text file, progress and cancel', async () => {
    const dir = tempDir('ferry-wa-');
    const ymdFile = path.join(dir, 'ymd.txt');
    fs.writeFileSync(ymdFile, '24/01/05, 10:00 - Ann: year first\n24/02/07, 10:00 - Ben: still year first\n');
    expect(iso((await collect(source, { path: ymdFile, dateOrder: 'ymd' })).items)).toEqual(['2024-01-05T10:00:00.000Z', '2024-02-07T10:00:00.000Z']);

    const utf16 = path.join(dir, 'utf16.txt');
    fs.writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('20/05/2024, 08:00 - Zoë: héllo\r\nsecond line\r\n', 'utf16le')]));
    const u = await collect(source, { path: utf16 });
    expect(u.items.map((i) => [i.from!.id, i.text!.split('\n\n')[1]])).toEqual([['Zoë', 'héllo\nsecond line']]);

    // The admin picks the Android text file itself: its media are looked up in the same folder.
    const loose = path.join(dir, 'loose');
    fs.mkdirSync(loose);
    fs.copyFileSync(made('zip-android', 'WhatsApp Chat with Carol.txt'), path.join(loose, 'WhatsApp Chat with Carol.txt'));
    fs.writeFileSync(path.join(loose, 'IMG-20240514-WA0001.jpg'), JPEG);
    const progress: number[] = [];
    const items: Item[] = [];
    for await (const r of source.read({ path: path.join(loose, 'WhatsApp Chat with Carol.txt') }, { progress: (f) => progress.push(f) })) items.push(r as Item);
    expect(items[1]!.attachments.map((a) => [a.filename, a.size])).toEqual([['IMG-20240514-WA0001.jpg', JPEG.length]]);
    expect((await attachmentContents(items[1]!)).get('IMG-20240514-WA0001.jpg')).toEqual(JPEG);
    expect(items[2]!.meta['Missing-Attachment']).toBe('IMG-20240514-WA0002.jpg');
    expect(items[2]!.text).toContain('or the file was removed from the folder');
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every((f, i) => f >= (progress[i - 1] ?? 0))).toBe(true);
    expect(progress[progress.length - 1]).toBe(1);

    const controller = new AbortController();
    const seen: unknown[] = [];
    for await (const r of source.read({ path: made('WhatsApp Chat - Audit Team') }, { signal: controller.signal })) {
      seen.push(r);
      controller.abort();
    }
    expect(seen).toHaveLength(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports wrong settings and paths clearly', async () => {
    const file = made('WhatsApp Chat with Equipo.txt');
    expect(await source.check({ path: file, timeZone: 'Mars/Olympus' })).toEqual({ ok: false, message: 'timeZone "Mars/Olympus" is not an IANA time zone (for example Europe/London)' });
    expect((await source.check({ path: file, dateOrder: 'ydm' })).message).toBe('dateOrder "ydm" is not one of auto, dmy, mdy, ymd');
    await expect(collect(source, { path: file, timeZone: 'Mars/Olympus' })).rejects.toBeInstanceOf(FerryError);
    const missing = path.join(tempDir('ferry-wa-'), 'nothing-here.zip');
    expect(await source.check({ path: missing })).toEqual({ ok: false, message: `${missing}: no such file or folder` });
    const empty = tempDir('ferry-wa-');
    fs.writeFileSync(path.join(empty, 'readme.txt'), 'not a chat\n');
    const err = await collect(source, { path: empty }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FerryError);
    expect((err as FerryError).errorClass).toBe('config');
    expect((err as FerryError).message).toMatch(/no WhatsApp chat found/);
  });
});
