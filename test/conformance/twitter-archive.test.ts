/**
 * Every sample in ../shared/fixtures/twitter/, read in place: the archive folders convert with
 * asserted counts; the API responses (v2, v1.1) are refused with the reason an admin needs.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { twitterArchiveSource as source } from '../../main/engine/sources/twitter-archive';
import { FerryError } from '../../main/engine/errors';
import type { Item } from '../../main/engine/item';
import { sharedSamples } from '../helpers/samples';
import { collect, eventCounts } from '../helpers/source';
import { expectRoundTrip } from '../helpers/mail';

const { root, cover, files: sampleFiles, uncovered } = sharedSamples('twitter');

async function convertsCleanly(items: Item[]): Promise<void> {
  for (const item of items) await expectRoundTrip(item, { source: 'Twitter', inReplyTo: 'replies' });
}

describe('conformance: shared Twitter samples', () => {
  it('archive/trigga6006-personify converts: 3 tweets (tweet, reply, retweet) and 1 DM', async () => {
    cover('archive/trigga6006-personify/data/account.js', 'archive/trigga6006-personify/data/tweets.js',
      'archive/trigga6006-personify/data/direct-messages.js');
    const dir = path.join(root, 'archive/trigga6006-personify');
    expect(await source.check({ path: dir })).toEqual({ ok: true, message: 'account @personify_user (Personify Tester), tweets.js, direct-messages.js' });
    const { items, bad, notices } = await collect(source, { path: dir });
    expect(bad).toEqual([]);
    expect(notices).toEqual([]);
    expect(eventCounts(items)).toEqual({ Tweet: 1, Reply: 1, Retweet: 1, DirectMessage: 1 });
    expect(items.map((i) => [i.id, i.from?.id, i.to.map((t) => `${t.kind}:${t.id}`), i.date?.toISOString()])).toEqual([
      ['1700000000000000001', 'personify_user', ['handle:personify_user'], '2024-04-03T09:15:00.000Z'],
      ['1700000000000000002', 'personify_user', ['handle:anthropicai', 'handle:codex'], '2024-04-04T18:00:00.000Z'],
      ['1700000000000000003', 'personify_user', ['handle:anthropicai'], '2024-04-05T12:00:00.000Z'],
      ['dm/9000000000000000001', 'personify_user', ['user-id:200200'], '2024-04-06T15:30:00.000Z'],
    ]);
    expect(items[1]!.replyTo).toBe('1699999999999999999');
    expect(items[3]!.subject).toBe('DM with 200200: hey, sending you the design doc later today');
    await convertsCleanly(items);
  });

  it('archive/joeamroo-knowledgemaxxing: refused without account.js, converts with the account setting; like.js is reported', async () => {
    cover('archive/joeamroo-knowledgemaxxing/tweets.js', 'archive/joeamroo-knowledgemaxxing/like.js');
    const dir = path.join(root, 'archive/joeamroo-knowledgemaxxing');
    const err = await collect(source, { path: dir }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(FerryError);
    expect((err as FerryError).errorClass).toBe('config');
    expect((err as FerryError).message).toBe(`${path.join(dir, 'account.js')} is missing, so the author of the tweets is unknown: set the account handle (setting "account") or choose the whole archive`);

    const { items, bad, notices } = await collect(source, { path: dir, account: 'me_myself' });
    expect(bad).toEqual([]);
    expect(eventCounts(items)).toEqual({ Retweet: 1, Tweet: 1, Reply: 1 });
    expect(items.map((i) => [i.id, i.event, i.date?.toISOString(), i.replyTo])).toEqual([
      ['3333333333333333333', 'Retweet', '2018-10-10T20:19:24.000Z', undefined],
      ['4444444444444444444', 'Tweet', '2019-11-21T09:00:00.000Z', undefined],
      ['5555555555555555555', 'Reply', '2019-11-21T09:01:00.000Z', '4444444444444444444'],
    ]);
    expect(items[0]!.to).toEqual([{ id: 'guzey', kind: 'handle', platform: 'twitter' }]);
    expect(items[0]!.text).toContain('https://guzey.com/why-blog/');
    expect(items[1]!.meta).toMatchObject({ 'Favorite-Count': '12', 'Retweet-Count': '3' });
    expect(notices).toEqual([`${dir}: not imported: like.js (liked tweets carry no date in the archive)`]);
    await convertsCleanly(items);
  });

  it('archive/dogsheep-twitter-to-sqlite: the compact account.js layout gives the owner; nothing to import', async () => {
    cover('archive/dogsheep-twitter-to-sqlite/zip_contents/account.js');
    const dir = path.join(root, 'archive/dogsheep-twitter-to-sqlite/zip_contents');
    expect(await source.check({ path: dir })).toEqual({ ok: true, message: 'account @simonw (Simon Willison), no tweets or direct messages' });
    const { items, bad } = await collect(source, { path: dir });
    expect(items).toEqual([]);
    expect(bad).toEqual([]);
  });

  const apiSamples = sampleFiles().filter((f) => f.startsWith('api-'));
  it.each(apiSamples)('%s is an API response, not an archive: refused with that reason', async (rel) => {
    cover(rel);
    const file = path.join(root, rel);
    const kind = rel.startsWith('api-v1.1/') ? 'API v1.1' : 'API v2';
    const expected = `${file} is a Twitter ${kind} response, not a Twitter/X archive ("Download your archive" export); choose the archive ZIP (twitter-*.zip) or its folder`;
    const err = await collect(source, { path: file }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(FerryError);
    expect((err as FerryError).errorClass).toBe('config');
    expect((err as FerryError).message).toBe(expected);
    expect(await source.check({ path: file })).toEqual({ ok: false, message: expected });
  });

  it('covers every sample file', () => {
    expect(sampleFiles().length).toBeGreaterThan(20);
    expect(uncovered()).toEqual([]);
  });
});
