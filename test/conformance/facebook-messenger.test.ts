/**
 * Every sample in ../shared/fixtures/facebook_instagram/, read in place whatever its licence: each
 * converts with asserted counts and fields. (Neither has Meta's mojibake: the source's tests cover it
 * with made files.)
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';
import { facebookMessengerSource as source } from '../../main/engine/sources/facebook-messenger';
import { validateItem } from '../../main/engine/validate';
import { convertItem } from '../../main/engine/convert/convert';
import { messageIdFor } from '../../main/engine/convert/message-id';
import type { Item } from '../../main/engine/item';
import { sharedFixture } from '../helpers/fixtures';
import { collect } from '../helpers/source';

const root = sharedFixture('facebook_instagram');
const covered = new Set<string>();
const sample = (rel: string) => { covered.add(rel); return path.join(root, rel); };

function sampleFiles(): string[] {
  return fs.readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name !== 'SOURCES.md')
    .map((d) => path.relative(root, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
    .sort();
}

const addr = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value);

async function convertsCleanly(items: Item[]): Promise<void> {
  for (const item of items) {
    expect(validateItem(item)).toBeNull();
    const p = await simpleParser((await convertItem(item)).mime);
    expect(p.messageId).toBe(messageIdFor(item.source, item.id));
    expect(addr(p.from).map((a) => a.name)).toEqual([item.from!.name]);
    expect(addr(p.to)).toHaveLength(item.to.length);
    expect(p.subject).toBe(item.subject);
    expect(p.date?.getTime()).toBe(Math.floor(item.date!.getTime() / 1000) * 1000);
  }
}

describe('conformance: shared Facebook Messenger / Instagram samples', () => {
  it('mlomb/chat-analytics 2A_7M.json (AGPL, read in place): BOM, newest first, files, audio, sticker, photo, ip', async () => {
    const file = sample('mlomb-chat-analytics/2A_7M.json');
    expect(await source.check({ path: file })).toEqual({ ok: true, message: 'Facebook: 1 conversation, 7 messages (Alice); owner not set' });
    const { items, bad } = await collect(source, { path: file });
    expect(bad).toEqual([]);
    // Written newest first; read oldest first.
    expect(items.map((i) => [i.source, i.event, i.from?.id, i.to.map((t) => t.id), i.date?.toISOString()])).toEqual([
      ['Facebook', 'Message', 'Bob', ['Alice'], '2014-11-05T00:27:20.411Z'],
      ['Facebook', 'Message', 'Bob', ['Alice'], '2014-11-05T00:27:34.275Z'],
      ['Facebook', 'Message', 'Alice', ['Bob'], '2014-11-05T00:28:17.141Z'],
      ['Facebook', 'Message', 'Bob', ['Alice'], '2014-11-05T00:28:28.604Z'],
      ['Facebook', 'Message', 'Bob', ['Alice'], '2014-11-05T00:28:45.354Z'],
      ['Facebook', 'Message', 'Bob', ['Alice'], '2014-11-05T00:34:41.489Z'],
      ['Facebook', 'Message', 'Alice', ['Bob'], '2014-11-05T00:35:32.056Z'],
    ]);
    expect(items.every((i) => i.id.startsWith('inbox/alice_aaaaaaaaaa/'))).toBe(true);
    // The media are not part of the sample: each is listed as missing, never dropped.
    expect(items.slice(0, 4).map((i) => i.meta['Missing-Attachment'])).toEqual([
      'Photo messages/inbox/alice_aaaaaaaaaa/photos/123123123123123.jpg',
      'Sticker messages/stickers_used/123123123123123.png',
      'Audio messages/inbox/alice_aaaaaaaaaa/audio/audioclip11111.mp4',
      'File messages/inbox/alice_aaaaaaaaaa/files/blabla.docx',
    ]);
    expect(items[0]!.meta['Sender-IP']).toBe('1.1.1.1');
    expect(items[6]!.subject).toBe('Alice: Hello');
    await convertsCleanly(items);
  });

  it('joweich/chat-miner instagram_test_export.json (MIT): no participants or title, people gathered from senders', async () => {
    const file = sample('joweich-chat-miner/instagram_test_export.json');
    const { items, bad } = await collect(source, { path: file });
    expect(bad).toEqual([]);
    expect(items.map((i) => [i.source, i.from?.id, i.to.map((t) => t.id), i.date?.toISOString(), i.subject])).toEqual([
      ['Instagram', 'Jane Doe', ['John Doe'], '2019-12-24T11:23:00.000Z', 'John Doe, Jane Doe: Hello John!'],
      ['Instagram', 'John Doe', ['Jane Doe'], '2020-01-17T20:49:00.000Z', 'John Doe, Jane Doe: Hello Jane!'],
    ]);
    expect(items[0]!.from?.platform).toBe('instagram');
    await convertsCleanly(items);
  });

  it('covers every sample file', () => {
    const all = sampleFiles();
    expect(all.length).toBe(2);
    expect(all.filter((f) => !covered.has(f))).toEqual([]);
  });
});
