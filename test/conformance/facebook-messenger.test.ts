/**
 * Every sample in ../shared/fixtures/facebook_instagram/, read in place whatever its licence: each
 * converts with asserted counts and fields. (Neither has Meta's mojibake: the source's tests cover it
 * with made files.)
 */
import { describe, expect, it } from 'vitest';
import { facebookMessengerSource as source } from '../../main/engine/sources/facebook-messenger';
import type { Item } from '../../main/engine/item';
import { sharedSamples } from '../helpers/samples';
import { collect } from '../helpers/source';
import { addressesOf, expectRoundTrip } from '../helpers/mail';

const { sample, files: sampleFiles, uncovered } = sharedSamples('facebook_instagram');

async function convertsCleanly(items: Item[]): Promise<void> {
  for (const item of items) {
    const { parsed: p } = await expectRoundTrip(item, { to: 'count', wholeSeconds: true });
    expect(addressesOf(p.from).map((a) => a.name)).toEqual([item.from!.name]);
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
    expect(sampleFiles()).toHaveLength(2);
    expect(uncovered()).toEqual([]);
  });
});
