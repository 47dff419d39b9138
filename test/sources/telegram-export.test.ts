import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { telegramExportSource as source } from '../../main/engine/sources/telegram-export';
import { safeHref, renderText } from '../../main/engine/sources/telegram-export/text';
import { getSource } from '../../main/engine/sources/registry';
import { isBadRecord } from '../../main/engine/item';
import { convertItem } from '../../main/engine/convert/convert';
import { messageIdFor } from '../../main/engine/convert/message-id';
import { FerryError } from '../../main/engine/errors';
import { fixture } from '../helpers/fixtures';
import { filesUnder, scratchDir, writeTree } from '../helpers/files';
import { addressesOf, expectRoundTrip } from '../helpers/mail';
import { attachmentContents, byId, collect } from '../helpers/source';
import { type ZipContent, writeZip, zipFolder } from '../helpers/zip';

const MADE = fixture('telegram-export', 'made-full-export');
const PHOTO = 'photo_1@01-03-2024_10-05-00.png';
const ANN = { id: 'user1000001', kind: 'user-id', platform: 'telegram', name: 'Ann Lee' };
const BORIS = { id: 'user2000002', kind: 'user-id', platform: 'telegram', name: 'Борис Смирнов' };
const CAROL = { id: 'user4000004', kind: 'user-id', platform: 'telegram', name: 'Carol Diaz' };
const DAVE = { id: 'user5000005', kind: 'user-id', platform: 'telegram', name: 'Dave Kim' };
const ERIN = { id: 'user6000006', kind: 'user-id', platform: 'telegram', name: 'Erin Wu' };
/** Ids of the made export, in file order. Personal chats are numbered per account, hence the account prefix. */
const MADE_IDS = [
  'user1000001/2000002/10', 'user1000001/2000002/11', 'user1000001/2000002/12', 'user1000001/2000002/13', 'user1000001/2000002/14',
  '3000003/100', '3000003/101', '3000003/102', '3000003/103', '7000007/1',
];

const tmp = scratchDir('ferry-telegram-');

/** Writes a result.json (and optional files) into a fresh folder under tmp. */
const writeExport = (name: string, doc: unknown, files: Record<string, Buffer | string> = {}): string =>
  writeTree(path.join(tmp, name), { 'result.json': typeof doc === 'string' ? doc : JSON.stringify(doc, null, 1), ...files });

const msg = (id: number, unix: number, extra: Record<string, unknown>) => ({ id, type: 'message', date: '2024-01-01T00:00:00', date_unixtime: String(unix), ...extra });

describe('telegram-export: a full export made for the tests (folder)', () => {
  it('is registered under its kind', () => {
    expect(getSource('telegram-export')).toBe(source);
  });

  it('check() lists the chats', async () => {
    expect(await source.check({ path: MADE })).toEqual({
      ok: true,
      message: '3 chats, 12 messages (personal_chat "Борис Смирнов", private_supergroup "Deals 🚀", private_channel "Contoso Announcements")',
    });
  });

  it('yields every message of the personal chat, the group and the left channel, in file order, and the two bad ones', async () => {
    const { items, bad, notices } = await collect(source, { path: MADE });
    expect(items.map((i) => i.id)).toEqual(MADE_IDS);
    expect(items.map((i) => i.event)).toEqual(['Message', 'Message', 'Message', 'Message', 'Call', 'Service', 'Message', 'Message', 'Message', 'Message']);
    expect(notices).toEqual([]);
    for (const i of items) {
      expect(i.source).toBe('Telegram');
      expect(i.origin.file).toBe(path.join(MADE, 'result.json'));
    }
    expect(bad.map((b) => [b.origin.file, b.origin.position, b.reason])).toEqual([
      [path.join(MADE, 'result.json'), 'chat "Deals 🚀", message 104 (chats.list[1].messages[4])', 'Telegram Desktop could not export this message (type "unsupported"): it holds nothing to import'],
      [path.join(MADE, 'result.json'), 'chat "Deals 🚀", message 105 (chats.list[1].messages[5])', 'message has no date (neither date_unixtime nor date)'],
    ]);
  });

  it('FROM is the sender; TO is the other party of a personal chat, every other participant of a group, the account for a channel', async () => {
    const { items } = await collect(source, { path: MADE });
    expect(byId(items, MADE_IDS[0]!)).toMatchObject({ from: ANN, to: [BORIS] });
    expect(byId(items, MADE_IDS[1]!)).toMatchObject({ from: BORIS, to: [ANN] });
    // The call: the actor made it, the other party received it.
    expect(byId(items, MADE_IDS[4]!)).toMatchObject({ from: ANN, to: [BORIS] });
    // Group: senders and reactors gathered over the whole chat, even those who appear only later.
    expect(byId(items, '3000003/100')).toMatchObject({ from: CAROL, to: [ANN, DAVE, ERIN] });
    expect(byId(items, '3000003/101')).toMatchObject({ from: CAROL, to: [ANN, DAVE, ERIN] });
    // A mention by user id makes Борис (never a sender in the group) a recipient too.
    expect(byId(items, '3000003/102')).toMatchObject({ from: ANN, to: [CAROL, DAVE, ERIN, { id: 'user2000002', kind: 'user-id', platform: 'telegram', name: 'Борис' }] });
    expect(byId(items, '3000003/103')).toMatchObject({ from: DAVE, to: [CAROL, ANN, ERIN] });
    // A channel post: FROM is the channel, TO the account that exported (it received the post).
    expect(byId(items, '7000007/1')).toMatchObject({
      from: { id: 'channel7000007', kind: 'user-id', platform: 'telegram', name: 'Contoso Announcements' },
      to: [{ id: 'user1000001', kind: 'user-id', platform: 'telegram', name: 'Ann Lee' }],
      meta: { Author: 'Frank Ito', 'Telegram-Chat-Type': 'private_channel' },
    });
  });

  it('dates come from date_unixtime in UTC, not from the local date', async () => {
    const { items } = await collect(source, { path: MADE });
    // result.json says "date": "2024-03-01T11:00:00" (local, one hour ahead) and "date_unixtime": "1709287200".
    expect(byId(items, MADE_IDS[0]!).date?.toISOString()).toBe('2024-03-01T10:00:00.000Z');
    expect(byId(items, '7000007/1').date?.toISOString()).toBe('2024-03-01T10:33:20.000Z');
    expect(byId(items, MADE_IDS[0]!).text).toContain('Date: 2024-03-01 10:00:00 UTC');
  });

  it('entity text: HTML keeps links and formatting, escapes source markup; the text body is flattened', async () => {
    const { items } = await collect(source, { path: MADE });
    const first = byId(items, MADE_IDS[0]!);
    expect(first.html).toContain('Hi <b>Борис</b>, see <a href="https://contoso.com/offer?a=1&amp;b=2">the offer</a> and <a href="https://fabrikam.com/q1">https://fabrikam.com/q1</a> &lt;script&gt;alert(1)&lt;/script&gt; 🎉');
    expect(first.html).not.toContain('<script>');
    expect(first.text).toBe('Chat: Борис Смирнов\nFrom: Ann Lee (user1000001)\nDate: 2024-03-01 10:00:00 UTC\n\nHi Борис, see the offer (https://contoso.com/offer?a=1&b=2) and https://fabrikam.com/q1 <script>alert(1)</script> 🎉');
    expect(first.subject).toBe('Борис Смирнов: Hi Борис, see the offer and https://fabrikam.com/q1 <script>alert(1)</script>…');

    const group = byId(items, '3000003/102');
    expect(group.html).toContain('<span class="tg-mention" title="user2000002">Борис</span> please check <span class="tg-hashtag">#q1</span> run <code>npm test</code><br>\n<pre><code class="language-js">total = a &lt; b &amp;&amp; c</code></pre>');
    expect(group.text).toContain('Борис please check #q1 run npm test\ntotal = a < b && c');

    const styled = byId(items, '3000003/103');
    expect(styled.html).toContain('<i>Agreed</i>, <u>signed</u>, <s>draft</s>, <span class="tg-spoiler" title="spoiler">price 42</span>');
    expect(styled.html).toContain('<blockquote>quoted line</blockquote>');
    expect(styled.html).toContain('<a href="mailto:dave@fabrikam.com">dave@fabrikam.com</a> call <span class="tg-phone">+1 425 555 0100</span>');
    // A javascript: target is shown as text, never linked.
    expect(styled.html).toContain('click [javascript:alert(1)]');
    expect(styled.html).not.toMatch(/href="javascript/i);
    expect(styled.text).toContain('Agreed, signed, draft, price 42\nquoted line\nmail dave@fabrikam.com call +1 425 555 0100 click (javascript:alert(1))');
  });

  it('replies, forwards, edits, reactions and service messages', async () => {
    const { items } = await collect(source, { path: MADE });
    const reply = byId(items, MADE_IDS[1]!);
    expect(reply.replyTo).toBe(MADE_IDS[0]);
    expect(reply.text).toContain('In reply to: message 10');
    expect(reply.meta.Edited).toBe('2024-03-01T10:05:00.000Z');
    expect(reply.text).toContain('\n\nEdited: 2024-03-01 10:05:00 UTC');
    expect(reply.subject).toBe('Борис Смирнов: Спасибо! Всё понятно 👍');
    expect(byId(items, '3000003/103').replyTo).toBe('3000003/102');

    const fwd = byId(items, '3000003/102');
    expect(fwd.meta['Forwarded-From']).toBe('Fabrikam News');
    expect(fwd.text).toContain('Forwarded from: Fabrikam News');
    expect(byId(items, '3000003/103').meta.Reactions).toBe('🔥 ×2 (Ann Lee, Erin Wu)');
    expect(byId(items, '3000003/103').text).toContain('Reactions: 🔥 ×2 (Ann Lee, Erin Wu)');

    const created = byId(items, '3000003/100');
    expect(created.subject).toBe('Deals 🚀: Carol Diaz created the group "Deals 🚀" with…');
    expect(created.text).toContain('Carol Diaz created the group "Deals 🚀" with Ann Lee, Борис Смирнов');
    expect(created.meta.Action).toBe('create_group');

    const call = byId(items, MADE_IDS[4]!);
    expect(call.text).toContain('Ann Lee made a phone call, duration 2:05 (125 s), ended: hangup');
    expect(call.meta).toMatchObject({ Action: 'phone_call', 'Call-Duration-Seconds': '125', 'Call-Discard-Reason': 'hangup' });
    expect(call.conversation).toEqual({ id: 'user1000001/2000002', name: 'Борис Смирнов' });
    expect(byId(items, '3000003/101').conversation).toEqual({ id: '3000003', name: 'Deals 🚀' });
  });

  it('attaches the photo from photos/ (lazy, size from the tree) and lists the file that was not included', async () => {
    const { items } = await collect(source, { path: MADE });
    const photo = byId(items, MADE_IDS[2]!);
    const png = fs.readFileSync(path.join(MADE, 'photos', PHOTO));
    expect(photo.attachments.map((a) => [a.filename, a.size])).toEqual([[PHOTO, png.length]]);
    expect((await attachmentContents(photo)).get(PHOTO)!.equals(png)).toBe(true);
    expect(photo.text).toContain('Schéma ci-joint\n[Photo 4×4]');

    const omitted = byId(items, MADE_IDS[3]!);
    expect(omitted.attachments).toEqual([]);
    expect(omitted.meta['Omitted-Media']).toBe('File contract.pdf: File not included. Change data exporting settings to download.');
    expect(omitted.text).toContain('Договор\n[File contract.pdf]\n\nFile contract.pdf not in the export: File not included. Change data exporting settings to download.');
  });

  it('every item validates and converts to a message that mailparser reads back', async () => {
    const { items } = await collect(source, { path: MADE });
    for (const item of items) {
      await expectRoundTrip(item, {
        source: 'Telegram', from: (w) => `${w.id}@telegram.invalid`, to: (t) => `${t.id.replace(/^@/, '')}@telegram.invalid`,
        inReplyTo: 'always', messageClass: true,
      });
    }
    const reply = await simpleParser((await convertItem(byId(items, MADE_IDS[1]!))).mime);
    expect(addressesOf(reply.from)).toEqual([{ name: 'Борис Смирнов', address: 'user2000002@telegram.invalid' }]);
    expect(addressesOf(reply.to)).toEqual([{ name: 'Ann Lee', address: 'user1000001@telegram.invalid' }]);
    expect(reply.inReplyTo).toBe(messageIdFor('Telegram', MADE_IDS[0]!));
    const photo = await simpleParser((await convertItem(byId(items, MADE_IDS[2]!))).mime);
    expect(photo.attachments.map((a) => a.filename)).toEqual([PHOTO]);
    expect(photo.attachments[0]!.content.equals(fs.readFileSync(path.join(MADE, 'photos', PHOTO)))).toBe(true);
    expect(photo.attachments[0]!.contentType).toBe('image/png');
  });
});

describe('telegram-export: the same export as a ZIP, and as result.json alone', () => {
  it('a ZIP of the export folder gives the same records, and attachments read even after the run ended', async () => {
    const zip = path.join(tmp, 'DataExport_2024-03-05.zip');
    await zipFolder(MADE, zip, 'DataExport_2024-03-05/');
    expect((await source.check({ path: zip })).ok).toBe(true);
    const fromZip = await collect(source, { path: zip });
    const fromFolder = await collect(source, { path: MADE });
    expect(fromZip.items.map((i) => i.id)).toEqual(MADE_IDS);
    expect(fromZip.items.map((i) => [i.text, i.html, i.to, i.date])).toEqual(fromFolder.items.map((i) => [i.text, i.html, i.to, i.date]));
    expect(fromZip.bad.map((b) => b.reason)).toEqual(fromFolder.bad.map((b) => b.reason));
    expect(fromZip.items[0]!.origin.file).toBe(`${zip}!DataExport_2024-03-05/result.json`);
    // `collect` has finished the generator (the ZIP is closed): the lazy reader opens it again.
    const photo = byId(fromZip.items, MADE_IDS[2]!);
    expect(photo.attachments[0]!.size).toBe(fs.statSync(path.join(MADE, 'photos', PHOTO)).size);
    expect((await attachmentContents(photo)).get(PHOTO)!.equals(fs.readFileSync(path.join(MADE, 'photos', PHOTO)))).toBe(true);
  });

  it('result.json chosen directly: the files beside it are found', async () => {
    const { items } = await collect(source, { path: path.join(MADE, 'result.json') });
    expect(items.map((i) => i.id)).toEqual(MADE_IDS);
    const photo = byId(items, MADE_IDS[2]!);
    expect((await attachmentContents(photo)).get(PHOTO)!.length).toBe(fs.statSync(path.join(MADE, 'photos', PHOTO)).size);
  });
});

describe('telegram-export: broken and unusual exports', () => {
  it('a truncated result.json keeps every message before the break, then one bad record saying where it broke off', async () => {
    const full = fs.readFileSync(path.join(MADE, 'result.json'));
    const cut = full.indexOf(Buffer.from('"id": 103'));
    expect(cut).toBeGreaterThan(0);
    const dir = writeExport('truncated', full.subarray(0, cut + 20).toString('utf8'));
    const { items, bad } = await collect(source, { path: dir });
    expect(items.map((i) => i.id)).toEqual(MADE_IDS.slice(0, 8));
    expect(bad).toHaveLength(1);
    expect(bad[0]!.origin.file).toBe(path.join(dir, 'result.json'));
    expect(bad[0]!.origin.position).toMatch(/^byte \d+$/);
    expect(bad[0]!.reason).toMatch(/truncated JSON, it ends at byte \d+ in the middle of a value; every message up to chat "Deals 🚀", message 102 \(chats.list\[1\].messages\[2\]\) was read, anything after it could not be$/);
    const check = await source.check({ path: dir });
    expect(check.message).toContain('truncated JSON');
  });

  it('a syntax error mid-file is reported the same way, with the byte offset', async () => {
    const text = fs.readFileSync(path.join(MADE, 'result.json'), 'utf8').replace('"Welcome to Deals"', '"Welcome to Deals" oops');
    const dir = writeExport('malformed', text);
    const { items, bad } = await collect(source, { path: dir });
    expect(items.map((i) => i.id)).toEqual(MADE_IDS.slice(0, 6));
    expect(bad.map((b) => b.reason)).toEqual([expect.stringMatching(/not valid JSON at byte \d+.*every message up to chat "Deals 🚀", message 100 /)]);
    // The parser's own position is more precise than the chunk offset: it points into message 101.
    const at = Number(/^byte (\d+)$/.exec(bad[0]!.origin.position ?? '')?.[1]);
    expect(text.slice(0, at)).toContain('"Welcome to Deals"');
    expect(text.slice(0, at)).not.toContain('"id": 102');
  });

  it('a damaged ZIP entry: the messages before the damage, then a bad record', async () => {
    const zipPath = path.join(tmp, 'damaged.zip');
    await zipFolder(MADE, zipPath, '');
    const buf = fs.readFileSync(zipPath);
    const start = buf.indexOf(Buffer.from('result.json')) + 'result.json'.length;
    // Scramble the middle of result.json's compressed data.
    for (let k = start + 600; k < start + 640; k++) buf.writeUInt8(buf.readUInt8(k) ^ 0x5a, k);
    fs.writeFileSync(zipPath, buf);
    const { items, bad } = await collect(source, { path: zipPath });
    expect(items.length).toBeLessThan(MADE_IDS.length);
    expect(items.map((i) => i.id)).toEqual(MADE_IDS.slice(0, items.length));
    expect(bad.at(-1)!.origin.file).toBe(`${zipPath}!result.json`);
    expect(bad.at(-1)!.reason).toMatch(/(not valid JSON at byte|cannot be read past byte|truncated JSON).*could not be$/);
  });

  it('a deleted account (from: null) is named so, and cancelling stops the read', async () => {
    const dir = writeExport('deleted', {
      name: 'Ops', type: 'public_supergroup', id: 81,
      messages: [msg(1, 1700000000, { from: null, from_id: 'user99', text: 'gone' }), msg(2, 1700000001, { from: 'Kai', from_id: 'user11', text: 'still here' })],
    });
    const { items } = await collect(source, { path: dir });
    expect(items[0]!.from).toEqual({ id: 'user99', kind: 'user-id', platform: 'telegram' });
    expect(items[0]!.text).toContain('From: Deleted Account (user99)');
    expect(items[1]!.to).toEqual([{ id: 'user99', kind: 'user-id', platform: 'telegram' }]);
    const abort = new AbortController();
    const seen: string[] = [];
    for await (const r of source.read({ path: dir }, { signal: abort.signal })) {
      seen.push(isBadRecord(r) ? 'bad' : r.id);
      abort.abort();
    }
    expect(seen).toEqual(['81/1']);
  });

  it('a ZIP holding two exports reads both, in path order, each with its own account', async () => {
    const second = writeExport('second-export', {
      personal_information: { user_id: 31, first_name: 'Zoe' },
      chats: { list: [{ name: 'Kai', type: 'personal_chat', id: 11, messages: [msg(10, 1700000000, { from: 'Zoe', from_id: 'user31', text: 'hello from another account' })] }] },
    });
    const zipPath = await writeZip(path.join(tmp, 'two-exports.zip'), [
      ...filesUnder(MADE).map((rel): [string, ZipContent] => [`a-ann/${rel}`, { file: path.join(MADE, rel) }]),
      ['b-zoe/result.json', { file: path.join(second, 'result.json') }],
    ]);
    const { items } = await collect(source, { path: zipPath });
    // Both accounts have a personal chat message numbered 10: the account scope keeps them apart.
    expect(items.map((i) => i.id)).toEqual([...MADE_IDS, 'user31/11/10']);
    expect(items.at(-1)!.to).toEqual([{ id: 'user11', kind: 'user-id', platform: 'telegram', name: 'Kai' }]);
    expect((await source.check({ path: zipPath })).message).toMatch(/^4 chats, 13 messages/);
  });

  it('exports without date_unixtime: the local date is read in the timeZone setting, with one notice', async () => {
    const doc = {
      name: 'Ops', type: 'private_supergroup', id: 880,
      messages: [
        { id: 1, type: 'message', date: '2019-07-05T16:55:32', from: 'Kai', from_id: 'user11', text: 'summer' },
        { id: 2, type: 'message', date: '2019-12-05T16:55:32', from: 'Lea', from_id: 'user12', text: 'winter' },
        { id: 3, type: 'message', date: 'yesterday', from: 'Lea', from_id: 'user12', text: 'bad date' },
      ],
    };
    const dir = writeExport('local-dates', doc);
    const berlin = await collect(source, { path: dir, timeZone: 'Europe/Berlin' });
    expect(berlin.items.map((i) => i.date?.toISOString())).toEqual(['2019-07-05T14:55:32.000Z', '2019-12-05T15:55:32.000Z']);
    expect(berlin.items[0]!.meta['Date-Read-As']).toBe('local time in Europe/Berlin (the message has no date_unixtime)');
    expect(berlin.notices).toEqual([`${path.join(dir, 'result.json')}: 2 message(s) have no date_unixtime (an older Telegram Desktop); their local "date" was read as time in Europe/Berlin (the timeZone setting)`]);
    expect(berlin.bad.map((b) => [b.origin.position, b.reason])).toEqual([['chat "Ops", message 3 (messages[2])', expect.stringMatching(/^date "yesterday" is not a date/)]]);
    const utc = await collect(source, { path: dir });
    expect(utc.items[0]!.date?.toISOString()).toBe('2019-07-05T16:55:32.000Z');
    await expect(collect(source, { path: dir, timeZone: 'Mars/Olympus' })).rejects.toThrow(/timeZone "Mars\/Olympus" is not an IANA time zone/);
    expect(await source.check({ path: dir, timeZone: 'Mars/Olympus' })).toMatchObject({ ok: false });
  });

  it('when nobody else is in the chat, TO is the chat itself (Saved Messages, a one-poster channel, a one-member group)', async () => {
    const saved = writeExport('saved', {
      type: 'saved_messages', id: 1000001,
      messages: [msg(5, 1700000000, { from: 'Ann Lee', from_id: 'user1000001', text: 'note to self' })],
    });
    const s = await collect(source, { path: saved });
    expect(s.items.map((i) => [i.id, i.from?.id, i.to, i.subject])).toEqual([
      ['user1000001/1000001/5', 'user1000001', [{ id: 'user1000001', kind: 'user-id', platform: 'telegram', name: 'Saved Messages' }], 'Saved Messages: note to self'],
    ]);
    const channel = writeExport('channel', {
      name: 'Fabrikam News', type: 'public_channel', id: 555,
      messages: [msg(9, 1700000000, { from: 'Fabrikam News', from_id: 'channel555', text: 'launch day' })],
    });
    const c = await collect(source, { path: channel });
    expect(c.items.map((i) => [i.id, i.from?.id, i.to.map((t) => t.id)])).toEqual([['555/9', 'channel555', ['channel555']]]);
    const group = writeExport('lonely-group', {
      name: 'Only me', type: 'private_group', id: 777,
      messages: [msg(3, 1700000000, { from: 'Ann Lee', from_id: 'user1000001', text: 'anyone?' })],
    });
    const g = await collect(source, { path: group, accountId: '1000001' });
    expect(g.items.map((i) => [i.id, i.to.map((t) => t.id)])).toEqual([['user1000001/777/3', ['chat777']]]);
  });

  it('per-account chats need the exporting account: without it they are bad records that say to set accountId', async () => {
    const doc = {
      name: 'Deals', type: 'private_group', id: 4242,
      messages: [msg(1, 1700000000, { from: 'Kai', from_id: 'user11', text: 'one' }), msg(2, 1700000060, { from: 'Lea', from_id: 'user12', text: 'two', reply_to_message_id: 1 })],
    };
    const dir = writeExport('basic-group', doc);
    const without = await collect(source, { path: dir });
    expect(without.items).toEqual([]);
    expect(without.bad.map((b) => [b.id, b.reason])).toEqual([
      ['1', expect.stringContaining('Telegram numbers the messages of basic groups per account, and this export does not say which account made it; set the accountId setting')],
      ['2', expect.stringContaining('set the accountId setting')],
    ]);
    expect(await source.check({ path: dir })).toEqual({ ok: false, message: '1 chat, 2 messages (private_group "Deals"); chat "Deals": set accountId (the exporting account\'s user id) to import its 2 message(s)' });
    const withAccount = await collect(source, { path: dir, accountId: 'user11' });
    expect(withAccount.items.map((i) => [i.id, i.replyTo, i.meta['Telegram-Account']])).toEqual([
      ['user11/4242/1', undefined, 'user11'], ['user11/4242/2', 'user11/4242/1', 'user11'],
    ]);
    await expect(collect(source, { path: dir, accountId: 'bob' })).rejects.toThrow(/accountId "bob" is not a Telegram user id/);
  });

  it('the history of a converted basic group (negative ids) is scoped by account, the supergroup part is not', async () => {
    const dir = writeExport('migrated', {
      personal_information: { user_id: 11, first_name: 'Kai' },
      chats: { list: [{ name: 'Team', type: 'private_supergroup', id: 900, messages: [
        msg(-1073741800, 1600000000, { from: 'Kai', from_id: 'user11', text: 'old group' }),
        { id: 2, type: 'service', date_unixtime: '1600000100', actor: 'Lea', actor_id: 'user12', action: 'migrate_from_group', title: 'Team', text: '' },
        msg(3, 1600000200, { from: 'Lea', from_id: 'user12', text: 'new', reply_to_message_id: -1073741800 }),
      ] }] },
    });
    const { items } = await collect(source, { path: dir });
    expect(items.map((i) => [i.id, i.replyTo])).toEqual([['user11/900/-1073741800', undefined], ['900/2', undefined], ['900/3', 'user11/900/-1073741800']]);
    expect(items[1]!.text).toContain('Lea converted the group "Team" to this supergroup');
  });

  it('media: a path outside the export is never followed, a missing file is listed, placeholders explain why', async () => {
    const dir = writeExport('media', {
      name: 'Media', type: 'private_supergroup', id: 321,
      messages: [
        msg(1, 1700000000, { from: 'Kai', from_id: 'user11', photo: '../../../etc/passwd', text: '' }),
        msg(2, 1700000001, { from: 'Kai', from_id: 'user11', file: 'voice_messages/audio_1.ogg', media_type: 'voice_message', mime_type: 'audio/ogg', duration_seconds: 75, text: '' }),
        msg(3, 1700000002, { from: 'Kai', from_id: 'user11', file: 'files/missing.pdf', file_name: 'missing.pdf', text: '' }),
        msg(4, 1700000003, { from: 'Kai', from_id: 'user11', file: '(File exceeds maximum size. Change data exporting settings to download.)', media_type: 'video_file', text: 'big' }),
        msg(5, 1700000004, { from: 'Kai', from_id: 'user11', contact_information: { first_name: 'Zoe', last_name: 'Ng', phone_number: '+1 425 555 0199' }, text: '' }),
        msg(6, 1700000005, { from: 'Kai', from_id: 'user11', location_information: { latitude: 47.64, longitude: -122.13 }, text: '' }),
        msg(7, 1700000006, { from: 'Kai', from_id: 'user11', poll: { question: 'Lunch?', closed: true, total_voters: 3, answers: [{ text: 'Yes', voters: 2, chosen: true }, { text: 'No', voters: 1, chosen: false }] }, text: '' }),
        msg(8, 1700000007, { from: 'Kai', from_id: 'user11', invoice_information: { title: 'Order 7', description: 'Chairs', amount: 12500, currency: 'EUR' }, text: '' }),
        msg(9, 1700000008, { from: 'Kai', from_id: 'user11', game_title: 'Chess', game_description: 'Play', text: '' }),
        { id: 10, type: 'service', date_unixtime: '1700000009', actor: 'Kai', actor_id: 'user11', action: 'boost_apply', boosts: 2, text: '' },
      ],
    }, { 'voice_messages/audio_1.ogg': Buffer.from('OggS fake voice') });
    const { items } = await collect(source, { path: dir });
    const [escape, voice, missing, big, contact, location, poll, invoice, game, boost] = items;
    expect(escape!.attachments).toEqual([]);
    expect(escape!.meta['Missing-Attachment']).toBe('Photo: ../../../etc/passwd');
    expect(voice!.attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([['audio_1.ogg', 'audio/ogg', 15]]);
    expect(voice!.text).toContain('[Voice message, 1:15]');
    expect(voice!.subject).toBe('Media: [Voice message, 1:15]');
    expect(missing!.text).toContain('File missing.pdf missing from the export: files/missing.pdf was not found');
    expect(big!.meta['Omitted-Media']).toBe('Video: File exceeds maximum size. Change data exporting settings to download.');
    expect(contact!.text).toContain('Shared contact: Zoe Ng, +1 425 555 0199');
    expect(location!.text).toContain('Location: 47.64, -122.13');
    expect(poll!.text).toContain('Poll: Lunch? (closed), 3 voter(s)\n  • Yes — 2 vote(s) (chosen by the account)\n  • No — 1 vote(s)');
    expect(invoice!.text).toContain('Invoice: Order 7 — Chairs (amount: 12500 EUR, in the currency\'s smallest unit)');
    expect(game!.text).toContain('Game: Chess — Play');
    expect(boost).toMatchObject({ event: 'Service', meta: { Action: 'boost_apply' } });
    expect(boost!.text).toContain('Kai: boost apply (boosts: 2)');
  });

  it('bad records: no message id, a chat without an id, a text of unknown shape, an unknown message type', async () => {
    const dir = writeExport('bad', {
      chats: { list: [
        { name: 'No id', type: 'private_supergroup', messages: [msg(1, 1700000000, { from: 'Kai', from_id: 'user11', text: 'lost?' })] },
        { name: 'Ok', type: 'private_supergroup', id: 5, messages: [
          { type: 'message', date_unixtime: '1700000000', from: 'Kai', from_id: 'user11', text: 'no id' },
          msg(2, 1700000000, { from: 'Kai', from_id: 'user11', text: { weird: true } }),
          msg(3, 1700000000, { from: 'Kai', from_id: 'user11', text: ['ok ', 42] }),
          { id: 4, type: 'sticker_pack', date_unixtime: '1700000000' },
          'not an object',
          msg(6, 1700000000, { from: 'Kai', from_id: 'user11', text: 'fine' }),
        ] },
      ] },
      personal_information: { user_id: 11 },
    });
    const { items, bad } = await collect(source, { path: dir });
    expect(items.map((i) => i.id)).toEqual(['5/6']);
    expect(bad.map((b) => [b.origin.position, b.reason])).toEqual([
      ['chat "No id", message 1 (chats.list[0].messages[0])', 'the chat has no id, so its messages cannot get ids that stay unique across exports'],
      ['chat "Ok" (chats.list[1].messages[0])', 'message has no id'],
      ['chat "Ok", message 2 (chats.list[1].messages[1])', 'text is object, neither a string nor an array'],
      ['chat "Ok", message 3 (chats.list[1].messages[2])', 'text[1] is neither a string nor an entity object'],
      ['chat "Ok", message 4 (chats.list[1].messages[3])', 'unknown message type "sticker_pack"'],
      ['chat "Ok" (chats.list[1].messages[4])', 'message is string, not an object'],
    ]);
  });

  it('refuses what is not a Telegram JSON export, with the reason', async () => {
    await expect(collect(source, { path: path.join(tmp, 'nowhere') })).rejects.toThrow(/no such file or folder/);
    const html = writeExport('html-export', '{}', { 'messages.html': '<html></html>' });
    fs.rmSync(path.join(html, 'result.json'));
    await expect(collect(source, { path: html })).rejects.toThrow(/HTML export; export again with the format "Machine-readable JSON"/);
    expect(await source.check({ path: html })).toMatchObject({ ok: false, message: expect.stringContaining('HTML export') });
    const other = writeExport('other-json', { hello: 'world', items: [1, 2] });
    const err = await collect(source, { path: other }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FerryError);
    expect((err as FerryError).errorClass).toBe('config');
    expect((err as FerryError).message).toMatch(/not a Telegram Desktop JSON export/);
    expect(await source.check({ path: other })).toMatchObject({ ok: false });
  });
});

describe('telegram-export: the copied samples (MIT)', () => {
  it('DomaCKBO3H9K/chatstyle: a Cyrillic personal chat; the account is the sender who is not the peer', async () => {
    const dir = fixture('telegram-export', 'DomaCKBO3H9K-chatstyle');
    const { items, bad, notices } = await collect(source, { path: dir });
    expect(bad).toEqual([]);
    expect(items).toHaveLength(12);
    expect(notices).toEqual([`${path.join(dir, 'result.json')}: the exporting account is taken to be user111, found from the other sender of its personal chats`]);
    expect(items.map((i) => i.id)).toEqual(Array.from({ length: 12 }, (_, k) => `user111/222/${k + 1}`));
    expect(items[0]).toMatchObject({ from: { id: 'user111', name: 'Анна Петрова' }, to: [{ id: 'user222', name: 'Борис' }], subject: 'Борис: привет))' });
    expect(items[2]!.html).toContain('смотри <a href="https://example.com/a">https://example.com/a</a> круто');
    expect(items[3]!.html).toContain('ну <b>реально</b> норм, <a href="https://t.me/boris_k">@boris_k</a> глянь');
    expect(items[3]!.to.map((t) => t.id)).toEqual(['user222', '@boris_k']);
    expect(items[5]).toMatchObject({ event: 'Service', from: { id: 'user222' }, meta: { Action: 'pin_message' } });
    expect(items[5]!.text).toContain('Борис pinned message 3');
    expect(items[5]!.meta['Pinned-Message']).toBe('user111/222/3');
    expect(items[6]!.meta['Forwarded-From']).toBe('Какой-то канал');
    expect(items[7]!.text).toContain('[Sticker 😀]');
    expect(items[7]!.meta['Omitted-Media']).toBe('Sticker 😀: File not included. Change data exporting settings to download.');
    expect(items[8]!.text).toContain('короче вот фотка\n[Photo 800×600]');
    expect(items[9]!.subject).toBe('Борис');
    expect(items[11]!.text).toContain('ладно))\nщас дойду');
    expect(items[11]!.date?.toISOString()).toBe('2023-05-01T12:12:00.000Z');
  });

  it('mdemyanov/tg-parser supergroup with topics: per-channel ids, topics, reactions', async () => {
    const { items, bad } = await collect(source, { path: fixture('telegram-export', 'mdemyanov-tg-parser', 'supergroup_with_topics.json') });
    expect(bad).toEqual([]);
    expect(items.map((i) => [i.id, i.event, i.replyTo, i.meta.Topic])).toEqual([
      ['987654321/1', 'Service', undefined, undefined],
      ['987654321/2', 'Service', undefined, undefined],
      ['987654321/3', 'Message', '987654321/2', 'General'],
      ['987654321/4', 'Service', undefined, undefined],
      ['987654321/5', 'Message', '987654321/4', 'Finances'],
      ['987654321/6', 'Message', '987654321/4', 'Finances'],
      ['987654321/7', 'Message', undefined, undefined],
    ]);
    expect(items[5]!.meta.Reactions).toBe('👍 ×3');
    expect(items[2]!.text).toContain('Topic: General');
    expect(items[0]!.to.map((t) => t.id)).toEqual(['user200', 'user300', 'user400']);
  });

  it('mdemyanov/tg-parser personal chat: neither sender is the peer, so the account is unknown until accountId is set', async () => {
    const file = fixture('telegram-export', 'mdemyanov-tg-parser', 'personal_chat.json');
    const without = await collect(source, { path: file });
    expect(without.items).toEqual([]);
    expect(without.bad).toHaveLength(5);
    const { items, bad } = await collect(source, { path: file, accountId: '111' });
    expect(bad).toEqual([]);
    expect(items.map((i) => [i.id, i.event, i.from?.id, i.to.map((t) => t.id)])).toEqual([
      ['user111/123456789/1', 'Message', 'user111', ['user222', 'user123456789']],
      ['user111/123456789/2', 'Message', 'user222', ['user111', 'user123456789']],
      ['user111/123456789/3', 'Message', 'user111', ['user222', 'user123456789']],
      ['user111/123456789/4', 'Message', 'user222', ['user111', 'user123456789']],
      ['user111/123456789/5', 'Call', 'user111', ['user222', 'user123456789']],
    ]);
    expect(items[3]!.replyTo).toBe('user111/123456789/3');
  });

  it('joweich/chat-miner and Mehrdad-esn: messages or chats without ids are bad records, each with its reason', async () => {
    const single = await collect(source, { path: fixture('telegram-export', 'joweich-chat-miner', 'test_single_export.json') });
    expect(single.items).toEqual([]);
    expect(single.bad.map((b) => b.reason)).toEqual(['message has no id', 'message has no id']);
    const batch = await collect(source, { path: fixture('telegram-export', 'joweich-chat-miner', 'test_batch_export.json') });
    expect(batch.bad.map((b) => b.origin.position)).toEqual(['chat "Chatname" (chats.list[0].messages[0])', 'chat "Chatname" (chats.list[0].messages[1])']);
    const persian = await collect(source, { path: fixture('telegram-export', 'Mehrdad-esn-Telegram-Export-Parser', 'test_data.json') });
    expect(persian.items).toEqual([]);
    expect(persian.bad).toHaveLength(7);
    expect(persian.bad[5]!.origin.position).toBe('chat "دوستان", message 101 (chats.list[1].messages[0])');
  });
});

describe('telegram-export: text rendering', () => {
  it('links only http(s), mailto and tg; bare domains get http://', () => {
    expect(safeHref('https://contoso.com/a?b=1')).toBe('https://contoso.com/a?b=1');
    expect(safeHref('tg://resolve?domain=contoso')).toBe('tg://resolve?domain=contoso');
    expect(safeHref('contoso.com', true)).toBe('http://contoso.com/');
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref(' JAVASCRIPT:alert(1)', true)).toBeUndefined();
    expect(safeHref('data:text/html,<b>x</b>')).toBeUndefined();
    expect(safeHref('not a url')).toBeUndefined();
  });

  it('renders every entity type, escaping the text inside', () => {
    const r = renderText([
      { type: 'bold', text: '<b>' }, { type: 'link', text: 'javascript:alert(1)' }, { type: 'mention', text: '@x' },
      { type: 'custom_emoji', text: '🙂', document_id: '5' }, { type: 'bank_card', text: '4111' }, { type: 'future_kind', text: 'kept' },
    ], undefined);
    expect(r).toEqual({
      text: '<b>javascript:alert(1)@x🙂4111kept', plain: '<b>javascript:alert(1)@x🙂4111kept',
      html: '<b>&lt;b&gt;</b>javascript:alert(1)<span class="tg-mention">@x</span>🙂4111kept', mentions: [],
    });
    expect(renderText(undefined, [{ type: 'plain', text: 'from entities' }])).toMatchObject({ text: 'from entities' });
  });
});
