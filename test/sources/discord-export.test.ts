import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { discordExportSource as source } from '../../main/engine/sources/discord-export';
import { getSource } from '../../main/engine/sources/registry';
import type { Identity, Item } from '../../main/engine/item';
import { convertItem } from '../../main/engine/convert/convert';
import { FerryError } from '../../main/engine/errors';
import { fixture } from '../helpers/fixtures';
import { attachmentContents, byId, collect } from '../helpers/source';
import { expectRoundTrip } from '../helpers/mail';
import { scratchDir, writeTree } from '../helpers/files';
import { zipFolder } from '../helpers/zip';

const MADE = fixture('discord-export', 'made');
const DEALS = path.join(MADE, 'Contoso - Text Channels - deals [900000000000000900].json');
const DM = path.join(MADE, 'Direct Messages - Private - bob.stone [910000000000000001].json');
const CH = '900000000000000900';
const ANN = { id: '700000000000000001', kind: 'user-id', platform: 'discord', name: 'Ann Lee' };
const BOB = { id: '700000000000000002', kind: 'user-id', platform: 'discord', name: 'bob.stone' };
const CHLOE = { id: '700000000000000003', kind: 'user-id', platform: 'discord', name: 'Chloé Dubois' };
const DAVE = { id: '700000000000000004', kind: 'user-id', platform: 'discord', name: 'Dave Kim' };

const tmp = scratchDir('ferry-discord-');

async function roundTrips(items: Item[]): Promise<void> {
  const address = (who: Identity) => `${who.id}@discord.invalid`;
  for (const item of items) {
    await expectRoundTrip(item, { source: 'Discord', from: address, to: address, wholeSeconds: true, messageClass: true, inReplyTo: 'always' });
  }
}

describe('discord-export: a channel and a DM made for the tests (folder)', () => {
  it('is registered under its kind', () => {
    expect(getSource('discord-export')).toBe(source);
  });

  it('check() names the channels and counts their messages', async () => {
    expect(await source.check({ path: MADE })).toEqual({ ok: true, message: '2 channels, 12 messages (Contoso #deals, bob.stone)' });
  });

  it('yields the messages in file order with their events, and the two bad ones with file and position', async () => {
    const { items, bad, notices } = await collect(source, { path: MADE });
    expect(items.map((i) => [i.id, i.event])).toEqual([
      [`${CH}/1001`, 'System'], [`${CH}/1002`, 'Message'], [`${CH}/1003`, 'Reply'], [`${CH}/1004`, 'Message'],
      [`${CH}/1005`, 'Call'], [`${CH}/1008`, 'System'], [`${CH}/1009`, 'System'], [`${CH}/1010`, 'Reply'],
      ['910000000000000001/3001', 'Message'], ['910000000000000001/3002', 'Message'],
    ]);
    expect(bad.map((b) => [b.origin.file, b.origin.position, b.reason, b.id])).toEqual([
      [DEALS, 'channel "Contoso #deals", message 1006 (messages[5])', 'message has no author id', `${CH}/1006`],
      [DEALS, 'channel "Contoso #deals", message 1007 (messages[6])', 'timestamp "yesterday" is not an ISO 8601 date (the input "yesterday" can\'t be parsed as ISO 8601)', `${CH}/1007`],
    ]);
    expect(notices).toEqual([]);
    for (const i of items) expect(i.source).toBe('Discord');
  });

  it('FROM is the author (nickname first); TO every other person seen in the channel: authors, mentioned users, reactors', async () => {
    const { items } = await collect(source, { path: MADE });
    // Dave only reacted before he wrote; he is a recipient from the first message on.
    expect(byId(items, `${CH}/1001`)).toMatchObject({ from: CHLOE, to: [ANN, BOB, DAVE] });
    expect(byId(items, `${CH}/1002`)).toMatchObject({ from: ANN, to: [CHLOE, BOB, DAVE] });
    expect(byId(items, `${CH}/1003`)).toMatchObject({ from: BOB, to: [CHLOE, ANN, DAVE] });
    // A DM: the other party.
    expect(byId(items, '910000000000000001/3001')).toMatchObject({ from: ANN, to: [BOB], conversation: { id: '910000000000000001', name: 'bob.stone' } });
    expect(byId(items, '910000000000000001/3002')).toMatchObject({ from: BOB, to: [ANN] });
  });

  it('dates keep their offsets: +02:00, Z and -05:00 all land on the right UTC instant', async () => {
    const { items } = await collect(source, { path: MADE });
    expect(byId(items, `${CH}/1001`).date?.toISOString()).toBe('2024-03-01T06:59:00.000Z');
    expect(byId(items, `${CH}/1002`).date?.toISOString()).toBe('2024-03-01T07:00:00.250Z');
    expect(byId(items, `${CH}/1003`).date?.toISOString()).toBe('2024-03-01T07:05:00.000Z');
    expect(byId(items, `${CH}/1004`).date?.toISOString()).toBe('2024-03-01T07:10:00.000Z');
  });

  it('replies thread to `<channel>/<message>`, also across channels; pins and threads keep their references in meta', async () => {
    const { items } = await collect(source, { path: MADE });
    expect(byId(items, `${CH}/1003`).replyTo).toBe(`${CH}/1002`);
    expect(byId(items, `${CH}/1010`).replyTo).toBe('900000000000000950/2001');
    expect(byId(items, `${CH}/1009`)).toMatchObject({ meta: { 'Pinned-Message': `${CH}/1002`, 'Discord-Message-Type': 'ChannelPinnedMessage' } });
    expect(byId(items, `${CH}/1009`).replyTo).toBeUndefined();
    expect(byId(items, `${CH}/1008`).meta['Discord-Thread-Id']).toBe('900000000000000950');
  });

  it('attaches media found beside the JSON (Windows paths), lists the missing and the remote ones in the footer and meta', async () => {
    const { items } = await collect(source, { path: MADE });
    const contract = byId(items, `${CH}/1002`);
    expect([...(await attachmentContents(contract)).entries()]).toEqual([['contract.pdf', fs.readFileSync(path.join(MADE, 'deals_Files', 'contract-7F3A.pdf'))]]);
    expect(contract.attachments[0]!.size).toBe(42);
    const chart = byId(items, `${CH}/1004`);
    expect(chart.attachments.map((a) => a.filename)).toEqual(['chart.gif']);
    expect(chart.meta['Missing-Attachment']).toBe('screenshot.png (2,048 bytes): deals_Files\\screenshot-9C9C.png');
    expect(chart.meta['Remote-Attachment']).toBe('big.zip (104,857,600 bytes): https://cdn.discordapp.com/attachments/900/5004/big.zip');
    expect(chart.text).toContain('Attachment missing from the export: screenshot.png (2,048 bytes), expected at deals_Files\\screenshot-9C9C.png');
    expect(chart.text).toContain('Attachment not downloaded in the export (Discord link): big.zip (104,857,600 bytes) https://cdn.discordapp.com/attachments/900/5004/big.zip');
    expect(chart.text).toContain('Embed: Contoso deal room — Q1 pipeline — https://contoso.example/deals');
  });

  it('bodies: header block, mentions made readable, reactions, edits, pins and calls in the footer and meta', async () => {
    const { items } = await collect(source, { path: MADE });
    const m = byId(items, `${CH}/1002`);
    expect(m.subject).toBe('Contoso #deals: Morning @bob.stone, the Fabrikam contract is attached.');
    expect(m.text).toContain('Channel: Contoso #deals\nFrom: Ann Lee (ann.lee)\nDate: 2024-03-01 07:00:00 UTC\n\nMorning @bob.stone, the Fabrikam contract is attached.');
    expect(m.text).toContain('Reactions: 👍 ×2 (bob.stone, Dave Kim)');
    expect(m.meta).toMatchObject({ Reactions: '👍 ×2 (bob.stone, Dave Kim)', Pinned: 'true', 'Discord-Guild-Id': '900000000000000000' });
    const edited = byId(items, `${CH}/1003`);
    expect(edited.meta.Edited).toBe('2024-03-01T07:06:30.000Z');
    expect(edited.text).toContain('Edited: 2024-03-01 07:06:30 UTC');
    const call = byId(items, `${CH}/1005`);
    expect(call.meta).toMatchObject({ 'Call-Ended': '2024-03-01T08:15:30.000Z', 'Call-Duration-Seconds': '930' });
    expect(call.text).toContain('Ann Lee: Started a call that lasted 15 minutes.');
    expect(byId(items, `${CH}/1001`).text).toContain('Chloé Dubois: Joined the server.');
  });

  it('every item validates and converts to a message that reads back with the right From/To/Subject/Date/threading', async () => {
    const { items } = await collect(source, { path: MADE });
    await roundTrips(items);
    const p = await simpleParser((await convertItem(byId(items, `${CH}/1002`))).mime);
    expect(p.attachments.map((a) => [a.filename, a.content.length])).toEqual([['contract.pdf', 42]]);
  });

  it('the JSON file chosen by itself finds its media beside it on disk', async () => {
    const { items, bad } = await collect(source, { path: DEALS });
    expect(items).toHaveLength(8);
    expect(bad).toHaveLength(2);
    expect(byId(items, `${CH}/1002`).attachments.map((a) => a.filename)).toEqual(['contract.pdf']);
    expect((await attachmentContents(byId(items, `${CH}/1004`))).get('chart.gif')?.subarray(0, 6).toString()).toBe('GIF89a');
    expect((await collect(source, { path: DM })).items).toHaveLength(2);
  });

  it('a ZIP of the folder gives the same items, attachments read in place (also after the read has finished)', async () => {
    const zipPath = path.join(tmp, 'discord.zip');
    await zipFolder(MADE, zipPath, 'export/');
    const folder = await collect(source, { path: MADE });
    const zipped = await collect(source, { path: zipPath });
    expect(zipped.items.map((i) => [i.id, i.text])).toEqual(folder.items.map((i) => [i.id, i.text]));
    expect(zipped.bad.map((b) => b.origin.file)).toEqual([`${zipPath}!export/Contoso - Text Channels - deals [900000000000000900].json`, `${zipPath}!export/Contoso - Text Channels - deals [900000000000000900].json`]);
    const c = byId(zipped.items, `${CH}/1002`);
    expect((await attachmentContents(c)).get('contract.pdf')).toEqual(fs.readFileSync(path.join(MADE, 'deals_Files', 'contract-7F3A.pdf')));
  });
});

describe('discord-export: damaged and odd input', () => {
  it('a truncated file yields what it holds, then a bad record naming the byte; the next file is still read', async () => {
    const dir = path.join(tmp, 'truncated');
    fs.mkdirSync(dir);
    const text = fs.readFileSync(DEALS, 'utf8');
    const cut = text.indexOf('"id": "1004"');
    fs.writeFileSync(path.join(dir, 'a-deals.json'), text.slice(0, cut));
    fs.copyFileSync(DM, path.join(dir, 'b-dm.json'));
    const { items, bad } = await collect(source, { path: dir });
    expect(items.map((i) => i.id)).toEqual([`${CH}/1001`, `${CH}/1002`, `${CH}/1003`, '910000000000000001/3001', '910000000000000001/3002']);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.origin.file).toBe(path.join(dir, 'a-deals.json'));
    expect(bad[0]!.origin.position).toMatch(/^byte \d+$/);
    expect(bad[0]!.reason).toContain('every message up to channel "Contoso #deals", message 1003 (messages[2]) was read');
  });

  it('a JSON that is not a DCE export is skipped with a notice in a folder, and refused alone', async () => {
    const dir = writeTree(path.join(tmp, 'mixed'), { 'a-settings.json': '{"theme":"dark"}', 'b-dm.json': fs.readFileSync(DM) });
    const { items, notices } = await collect(source, { path: dir });
    expect(items).toHaveLength(2);
    expect(notices).toEqual([`${path.join(dir, 'a-settings.json')}: not a DiscordChatExporter JSON export (no channel and messages); skipped`]);
    await expect(collect(source, { path: path.join(dir, 'a-settings.json') })).rejects.toThrow(FerryError);
    expect(await source.check({ path: path.join(dir, 'a-settings.json') })).toEqual({ ok: false, message: `${path.join(dir, 'a-settings.json')}: not a DiscordChatExporter JSON export (no channel and messages)` });
  });

  it('a channel without an id: each message is a bad record saying why; a time without an offset is read as UTC and noticed', async () => {
    const dir = path.join(tmp, 'noid');
    fs.mkdirSync(dir);
    const msg = (id: string, timestamp: string) => ({ id, type: 'Default', timestamp, content: 'hi', author: { id: '1', name: 'ann' } });
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify({ guild: { id: '5', name: 'G' }, channel: { name: 'x' }, messages: [msg('1', '2024-01-01T00:00:00Z')] }));
    fs.writeFileSync(path.join(dir, 'b.json'), JSON.stringify({ guild: { id: '5', name: 'G' }, channel: { id: '77', name: 'y' }, messages: [msg('2', '2024-01-01T10:00:00')] }));
    const { items, bad, notices } = await collect(source, { path: dir });
    expect(bad.map((b) => [b.origin.position, b.reason])).toEqual([['messages[0]', 'the file names no channel id, so its messages cannot get ids that stay unique across exports']]);
    expect(items).toHaveLength(1);
    expect(items[0]!).toMatchObject({ id: '77/2', to: [{ id: 'channel-77', kind: 'user-id', platform: 'discord', name: 'G #y' }], meta: { 'Date-Read-As': 'UTC (the timestamp has no offset)' } });
    expect(items[0]!.date?.toISOString()).toBe('2024-01-01T10:00:00.000Z');
    expect(notices).toEqual([`${path.join(dir, 'b.json')}: 1 message(s) have a timestamp without a UTC offset; they were read as UTC`]);
  });

  it('reports progress up to 1, and stops when cancelled', async () => {
    const fractions: number[] = [];
    let n = 0;
    for await (const _ of source.read({ path: MADE }, { progress: (f) => fractions.push(f) })) n++;
    expect(n).toBe(12);
    expect(fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1]!))).toBe(true);
    expect(fractions[fractions.length - 1]).toBe(1);
    const ac = new AbortController();
    const seen: string[] = [];
    for await (const r of source.read({ path: MADE }, { signal: ac.signal })) {
      seen.push('bad' in r ? 'bad' : r.id);
      if (seen.length === 2) ac.abort();
    }
    expect(seen).toEqual([`${CH}/1001`, `${CH}/1002`]);
  });

  it('a wrong path is a config error; check() says so without throwing', async () => {
    await expect(collect(source, { path: path.join(tmp, 'nope') })).rejects.toMatchObject({ errorClass: 'config' });
    expect((await source.check({ path: path.join(tmp, 'nope') })).ok).toBe(false);
  });
});

describe('discord-export: the Apache-2.0 zulip samples (copied)', () => {
  it('the real DCE export: +07:00 offsets, ThreadCreated, channel alone → TO is the channel', async () => {
    const file = fixture('discord-export', 'zulip', 'channels', 'zulip-discord server - Text Channels - private [1519314256007266425].json');
    const { items, bad } = await collect(source, { path: file });
    expect(bad).toEqual([]);
    expect(items.map((i) => [i.id, i.event, i.date?.toISOString()])).toEqual([
      ['1519314256007266425/1519314286780878898', 'Message', '2026-06-24T12:12:33.463Z'],
      ['1519314256007266425/1519314577395814690', 'System', '2026-06-24T12:13:42.751Z'],
    ]);
    expect(items[0]!.to).toEqual([{ id: 'channel-1519314256007266425', kind: 'user-id', platform: 'discord', name: 'zulip-discord server #private' }]);
    await roundTrips(items);
  });

  it('the hand-written DCE file: reply, member join, bot, reactions with users, a missing attachment', async () => {
    const { items, bad } = await collect(source, { path: fixture('discord-export', 'zulip', '2026-01-01--00-00-00') });
    expect(bad).toEqual([]);
    expect(items.map((i) => i.event)).toEqual(['Message', 'Message', 'Reply', 'System', 'Message', 'Message', 'System']);
    expect(items[2]!.replyTo).toBe('100/msg001');
    expect(items[1]!.meta['Missing-Attachment']).toBe('test-upload.png (1,024 bytes): _media/test-upload.png');
    expect(items[4]!.meta['Discord-Bot']).toBe('true');
    expect(items[5]!.subject).toBe('Test Server #general: Hello @Bob Jones, check <#101> and @everyone');
    await roundTrips(items);
  });
});
