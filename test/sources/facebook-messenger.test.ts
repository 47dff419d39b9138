import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { facebookMessengerSource as source } from '../../main/engine/sources/facebook-messenger';
import { repairMojibake } from '../../main/engine/sources/facebook-messenger/mojibake';
import { MAX_BUFFERED } from '../../main/engine/sources/facebook-messenger/conversation';
import { getSource } from '../../main/engine/sources/registry';
import type { Identity, Item } from '../../main/engine/item';
import { convertItem } from '../../main/engine/convert/convert';
import { localPart } from '../../main/engine/convert/addresses';
import { fixture } from '../helpers/fixtures';
import { attachmentContents, collect } from '../helpers/source';
import { addressesOf, expectRoundTrip } from '../helpers/mail';
import { scratchDir } from '../helpers/files';
import { zipFolder } from '../helpers/zip';

const DYI = fixture('facebook-messenger', 'made-dyi');
const ANN_DIR = path.join(DYI, 'your_facebook_activity', 'messages', 'inbox', 'annlee_1234567890');
const IG = fixture('facebook-messenger', 'made-instagram');
const OLD = fixture('facebook-messenger', 'made-2018', 'messages', 'bobstone_55555', 'message.json');
const fb = (name: string) => ({ id: name, kind: 'user-id', platform: 'facebook', name });
const K = 'inbox/annlee_1234567890';

const tmp = scratchDir('ferry-fb-');

async function roundTrips(items: Item[]): Promise<void> {
  for (const item of items) {
    const address = (who: Identity) => `${localPart(who.id)}@${item.source.toLowerCase()}.invalid`;
    const { parsed: p } = await expectRoundTrip(item, { from: address, to: address, wholeSeconds: true, messageClass: true });
    expect(addressesOf(p.from).map((a) => a.name)).toEqual([item.from!.name]);
  }
}

describe('facebook-messenger: mojibake', () => {
  it('re-decodes UTF-8 bytes written as Latin-1 escapes, and leaves everything else exactly as it was', () => {
    expect(repairMojibake('Caf\u00c3\u00a9 \u00f0\u009f\u0093\u0084')).toBe('Café 📄');
    expect(repairMojibake('Let\u00e2\u0080\u0099s')).toBe('Let’s');
    // Real Latin-1 text that is not UTF-8 bytes, ASCII, and text with characters above 0xFF are not touched.
    expect(repairMojibake('café')).toBe('café');
    expect(repairMojibake('plain text')).toBe('plain text');
    expect(repairMojibake('Ã© but also 中')).toBe('Ã© but also 中');
  });
});

describe('facebook-messenger: a Facebook export made for the tests (new layout, folder)', () => {
  it('is registered under its kind; check() names the conversations', async () => {
    expect(getSource('facebook-messenger')).toBe(source);
    expect(await source.check({ path: DYI, owner: 'Ann Lee' })).toEqual({ ok: true, message: 'Facebook: 2 conversations, 16 messages (Chloé Dubois, Deal team 🚀)' });
  });

  it('reads message_2.json then message_1.json, each reversed, so items come out in time order; mojibake repaired', async () => {
    const { items, bad } = await collect(source, { path: DYI, owner: 'Ann Lee' });
    const chat = items.filter((i) => i.conversation?.id === K);
    expect(chat.map((i) => i.date!.toISOString())).toEqual([
      '2024-03-01T09:00:00.000Z', '2024-03-01T09:01:00.000Z', '2024-03-01T09:03:00.000Z', '2024-03-01T09:04:00.000Z', '2024-03-01T09:05:00.000Z',
      '2024-03-01T09:06:00.000Z', '2024-03-01T09:07:00.000Z', '2024-03-01T09:08:00.000Z', '2024-03-01T09:09:00.000Z', '2024-03-01T09:10:00.000Z', '2024-03-01T09:10:00.000Z',
    ]);
    expect(chat.map((i) => i.event)).toEqual(['Message', 'Message', 'Message', 'Message', 'Message', 'Call', 'Call', 'Share', 'Message', 'Message', 'Message']);
    expect(chat[0]!.subject).toBe('Chloé Dubois: Bonjour Chloé, ça va?');
    expect(chat[1]!.text).toContain('Café at 10? Let’s review the contract 📄');
    expect(chat[1]!.meta.Reactions).toBe('👍 Ann Lee');
    expect(chat[1]!.text).toContain('Reactions: 👍 Ann Lee');
    expect(bad.map((b) => [path.basename(b.origin.file), b.origin.position, b.reason])).toEqual([
      ['message_1.json', 'conversation "Chloé Dubois", messages[10]', 'message has no sender_name'],
      ['message_1.json', 'conversation "Chloé Dubois", messages[9]', 'timestamp_ms "yesterday" is not a number'],
    ]);
    for (const i of items) expect(i.source).toBe('Facebook');
  });

  it('FROM is the sender; TO the other participants (senders the list leaves out too); the owner setting joins TO', async () => {
    const { items } = await collect(source, { path: DYI, owner: 'Ann Lee' });
    const chat = items.filter((i) => i.conversation?.id === K);
    expect(chat[0]).toMatchObject({ from: fb('Ann Lee'), to: [fb('Chloé Dubois')] });
    expect(chat[1]).toMatchObject({ from: fb('Chloé Dubois'), to: [fb('Ann Lee')] });
    const group = items.filter((i) => i.conversation?.id === 'inbox/dealteam_9876543210');
    expect(group.map((i) => [i.event, i.from?.id, i.to.map((t) => t.id)])).toEqual([
      ['System', 'Ann Lee', ['Bob Stone', 'Chloé Dubois', 'Dave Kim']],
      ['Message', 'Dave Kim', ['Ann Lee', 'Bob Stone', 'Chloé Dubois']],
      ['System', 'Bob Stone', ['Ann Lee', 'Chloé Dubois', 'Dave Kim']],
    ]);
    expect(group[0]!.subject).toBe('Deal team 🚀: Ann Lee added Bob Stone to the group.');
  });

  it('ids: the conversation, the time and a hash; a repeated identical message in the same millisecond is numbered', async () => {
    const { items } = await collect(source, { path: DYI });
    const chat = items.filter((i) => i.conversation?.id === K);
    expect(chat.every((i) => new RegExp(`^${K}/\\d{13}/[0-9a-f]{16}(#\\d)?$`).test(i.id))).toBe(true);
    expect(chat[10]!.id).toBe(`${chat[9]!.id}#2`);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    expect((await collect(source, { path: DYI })).items.map((i) => i.id)).toEqual(items.map((i) => i.id));
  });

  it('photos, audio and stickers from the export root are attached; a missing file is listed; calls, shares and unsent messages are said', async () => {
    const { items } = await collect(source, { path: DYI });
    const chat = items.filter((i) => i.conversation?.id === K);
    const photo = chat[2]!;
    expect([...(await attachmentContents(photo)).keys()]).toEqual(['3141592653.jpg']);
    expect(photo.meta['Missing-Attachment']).toBe(`File ${'your_facebook_activity/messages/inbox/annlee_1234567890/files/draft-v2.docx'}`);
    expect(photo.text).toContain('Signed copy and the draft\n[Photo: 3141592653.jpg]\n[File: draft-v2.docx]');
    expect(photo.text).toContain('File missing from the export: your_facebook_activity/messages/inbox/annlee_1234567890/files/draft-v2.docx');
    expect(chat[3]!.attachments.map((a) => a.filename)).toEqual(['369239263222822.png']);
    expect((await attachmentContents(chat[4]!)).get('audioclip-1709283900.mp4')?.subarray(4, 8).toString()).toBe('ftyp');
    expect(chat[5]!.meta).toMatchObject({ 'Call-Duration-Seconds': '0', 'Call-Missed': 'true' });
    expect(chat[6]!.text).toContain('Chloé Dubois made a call, 2:05 (125 s)');
    expect(chat[7]!.meta['Share-Link']).toBe('https://contoso.example/deal/42');
    expect(chat[7]!.text).toContain('Shared: Deal 42 — résumé — https://contoso.example/deal/42');
    expect(chat[8]!.meta.Unsent).toBe('true');
    expect(chat[8]!.text).toContain('The sender unsent (removed) this message');
  });

  it('every item validates and converts to a message that reads back', async () => {
    const { items } = await collect(source, { path: DYI, owner: 'Ann Lee' });
    await roundTrips(items);
    const p = await simpleParser((await convertItem(items[2]!)).mime);
    expect(p.attachments.map((a) => a.filename)).toEqual(['3141592653.jpg']);
  });

  it('message_1.json chosen by itself: only its messages, media found from the folders above it', async () => {
    const { items } = await collect(source, { path: path.join(ANN_DIR, 'message_1.json') });
    expect(items).toHaveLength(9);
    expect(items[0]!.attachments.map((a) => a.filename)).toEqual(['3141592653.jpg']);
    expect(items[1]!.attachments.map((a) => a.filename)).toEqual(['369239263222822.png']);
  });

  it('a ZIP of the export gives the same items, attachments read in place', async () => {
    const zipPath = path.join(tmp, 'facebook-annlee-2024.zip');
    await zipFolder(DYI, zipPath);
    const folder = await collect(source, { path: DYI });
    const zipped = await collect(source, { path: zipPath });
    expect(zipped.items.map((i) => [i.id, i.source, i.text])).toEqual(folder.items.map((i) => [i.id, i.source, i.text]));
    expect((await attachmentContents(zipped.items[2]!)).get('3141592653.jpg')).toEqual(fs.readFileSync(path.join(ANN_DIR, 'photos', '3141592653.jpg')));
  });

  it('a truncated file: its messages before the break, then a bad record naming the byte; other conversations go on', async () => {
    const dir = path.join(tmp, 'cut');
    fs.cpSync(DYI, dir, { recursive: true });
    const f = path.join(dir, 'your_facebook_activity', 'messages', 'inbox', 'annlee_1234567890', 'message_1.json');
    const text = fs.readFileSync(f, 'utf8');
    fs.writeFileSync(f, text.slice(0, text.indexOf('"sender_name": "Chlo\\u00c3\\u00a9 Dubois",\n      "timestamp_ms": 1709284140000')));
    const { items, bad } = await collect(source, { path: dir });
    expect(items.filter((i) => i.conversation?.id === K).map((i) => i.date!.toISOString())).toEqual([
      '2024-03-01T09:00:00.000Z', '2024-03-01T09:01:00.000Z', '2024-03-01T09:10:00.000Z', '2024-03-01T09:10:00.000Z',
    ]);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.origin.position).toMatch(/^byte \d+$/);
    expect(bad[0]!.reason).toContain('2 message(s) before it were read, anything after it could not be');
    expect(items.filter((i) => i.conversation?.id === 'inbox/dealteam_9876543210')).toHaveLength(3);
  });
});

describe('facebook-messenger: Instagram and the 2018 layout', () => {
  it('Instagram (your_instagram_activity/): source Instagram, instagram identities, photo, share, reactions', async () => {
    const { items, bad } = await collect(source, { path: IG, owner: 'Olivia Owner' });
    expect(bad).toEqual([]);
    expect(items.map((i) => [i.source, i.event, i.from?.id, i.to.map((t) => t.id), i.date?.toISOString()])).toEqual([
      ['Instagram', 'Message', 'Contoso Official', ['Olivia Owner'], '2024-02-01T08:00:00.000Z'],
      ['Instagram', 'Share', 'Olivia Owner', ['Contoso Official'], '2024-02-01T09:00:00.000Z'],
      ['Instagram', 'Message', 'Contoso Official', ['Olivia Owner'], '2024-02-01T10:00:00.000Z'],
    ]);
    expect(items[0]!.from).toEqual({ id: 'Contoso Official', kind: 'user-id', platform: 'instagram', name: 'Contoso Official' });
    expect(items[0]!.subject).toBe('Contoso Official: Thanks for the photo! 😊');
    expect(items[0]!.meta.Reactions).toBe('❤️ Olivia Owner');
    expect(items[0]!.attachments.map((a) => a.filename)).toEqual(['17900000000000001.jpg']);
    expect(items[1]!.text).toContain('Shared from contosoofficial: https://www.instagram.com/p/C2abcdEFGH/');
    // The platform setting overrides what the layout says.
    expect((await collect(source, { path: IG, platform: 'facebook' })).items.every((i) => i.source === 'Facebook')).toBe(true);
    await roundTrips(items);
  });

  it('2018 message.json: participants as plain strings, the owner from the setting, mojibake repaired', async () => {
    const { items, bad } = await collect(source, { path: OLD, owner: 'Olivia Owner' });
    expect(bad).toEqual([]);
    expect(items.map((i) => [i.from?.id, i.to.map((t) => t.id), i.subject])).toEqual([
      ['Olivia Owner', ['Bob Stone'], 'Bob Stone: Na, wie läuft\'s?'],
      ['Bob Stone', ['Olivia Owner'], 'Bob Stone: Grüße aus München 🍺'],
    ]);
    expect(items[1]!.meta.Reactions).toBe('❤ Olivia Owner');
    await roundTrips(items);
  });

  it('the MIT chat-miner Instagram sample (copied): no participants, title or thread_path — people from the senders', async () => {
    const file = fixture('facebook-messenger', 'joweich-chat-miner', 'instagram_test_export.json');
    const { items, bad } = await collect(source, { path: file });
    expect(bad).toEqual([]);
    expect(items.map((i) => [i.source, i.id.split('/').slice(0, 2).join('/'), i.from?.id, i.to.map((t) => t.id)])).toEqual([
      ['Instagram', 'people:Jane Doe,John Doe/1577186580000', 'Jane Doe', ['John Doe']],
      ['Instagram', 'people:Jane Doe,John Doe/1579294140000', 'John Doe', ['Jane Doe']],
    ]);
    await roundTrips(items);
  });

  it('a one-file conversation larger than the buffering limit is streamed newest first, with a notice', async () => {
    const n = MAX_BUFFERED + 1;
    const t0 = Date.UTC(2017, 0, 1);
    const messages = Array.from({ length: n }, (_, i) => ({ sender_name: i % 2 ? 'Bob Stone' : 'Olivia Owner', timestamp_ms: t0 + (n - i) * 1000, content: `m${n - i}` }));
    const file = path.join(tmp, 'big', 'message.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ participants: ['Bob Stone', 'Olivia Owner'], title: 'Bob Stone', thread_path: 'inbox/BobStone_1', messages }));
    const { items, bad, notices } = await collect(source, { path: file });
    expect(bad).toEqual([]);
    expect(items).toHaveLength(n);
    expect(items[0]!.text).toContain(`m${n}`);
    expect(items[n - 1]!.date?.getTime()).toBe(t0 + 1000);
    expect(notices).toEqual([`${file}: ${n.toLocaleString('en-US')} messages in one file, newest first: read in file order (newest first) to keep memory bounded`]);
  });

  it('wrong paths and settings: config errors, and check() says why', async () => {
    await expect(collect(source, { path: path.join(tmp, 'nope') })).rejects.toMatchObject({ errorClass: 'config' });
    expect(await source.check({ path: DYI, platform: 'myspace' })).toEqual({ ok: false, message: 'platform "myspace" is not one of auto, facebook, instagram' });
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'autofill_information.json'), '{}');
    expect((await source.check({ path: empty })).message).toBe(`${empty}: no message_1.json in it (not a Facebook or Instagram "Download your information" export with messages)`);
  });
});
