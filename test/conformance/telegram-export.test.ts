/**
 * Every sample in ../shared/fixtures/telegram/, read in place whatever its licence: each either
 * converts with asserted counts and fields, or fails with the reason an admin needs.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { telegramExportSource as source } from '../../main/engine/sources/telegram-export';
import type { Item } from '../../main/engine/item';
import { sharedSamples } from '../helpers/samples';
import { collect, eventCounts } from '../helpers/source';
import { expectRoundTrip } from '../helpers/mail';

const { sample, files: sampleFiles, uncovered } = sharedSamples('telegram');

async function convertsCleanly(items: Item[]): Promise<void> {
  for (const item of items) {
    await expectRoundTrip(item, { source: 'Telegram', from: (w) => `${w.id}@telegram.invalid`, to: 'count', inReplyTo: 'always' });
  }
}

describe('conformance: shared Telegram Desktop samples', () => {
  it('mlomb/chat-analytics DM_2A_7M.json (AGPL, read in place): personal chat, mixed dates, a call', async () => {
    const file = sample('mlomb-chat-analytics/DM_2A_7M.json');
    expect(await source.check({ path: file })).toEqual({ ok: true, message: '1 chat, 8 messages (personal_chat "Bob")' });
    const { items, bad, notices } = await collect(source, { path: file, timeZone: 'Europe/Moscow' });
    expect(bad).toEqual([]);
    expect(eventCounts(items)).toEqual({ Service: 1, Message: 6, Call: 1 });
    expect(items.map((i) => [i.id, i.from?.id, i.to.map((t) => t.id), i.date?.toISOString()])).toEqual([
      // The first three have only a local "date": read in the timeZone setting (Moscow, UTC+3).
      ['user300000000/700000000/2675', 'user700000000', ['user300000000'], '2019-07-05T13:55:32.000Z'],
      ['user300000000/700000000/3644', 'user700000000', ['user300000000'], '2019-07-12T13:55:32.000Z'],
      ['user300000000/700000000/3645', 'user300000000', ['user700000000'], '2022-03-08T10:07:42.000Z'],
      ['user300000000/700000000/3662', 'user700000000', ['user300000000'], '2022-05-09T22:23:53.000Z'],
      ['user300000000/700000000/3663', 'user300000000', ['user700000000'], '2022-05-09T23:26:09.000Z'],
      ['user300000000/700000000/3672', 'user300000000', ['user700000000'], '2022-06-10T22:06:38.000Z'],
      ['user300000000/700000000/3673', 'user300000000', ['user700000000'], '2022-06-10T22:06:39.000Z'],
      // It also says "date": "2023-08-10T23:11:02", but date_unixtime (1691719862) is the truth.
      ['user300000000/700000000/3674', 'user300000000', ['user700000000'], '2023-08-11T02:11:02.000Z'],
    ]);
    expect(notices).toEqual([
      `${file}: the exporting account is taken to be user300000000, found from the other sender of its personal chats`,
      `${file}: 3 message(s) have no date_unixtime (an older Telegram Desktop); their local "date" was read as time in Europe/Moscow (the timeZone setting)`,
    ]);
    expect(items[0]!.text).toContain('Bob joined Telegram');
    expect(items[1]!.html).toContain('<a href="https://google.com/">https://google.com</a> 👀');
    expect(items[5]!.meta['Omitted-Media']).toBe('Photo: File not included. Change data exporting settings to download.');
    expect(items[7]!.text).toContain('Alice made a phone call, duration 0:56 (56 s), ended: hangup');
    await convertsCleanly(items);
  });

  it('DomaCKBO3H9K/chatstyle result.json: Cyrillic personal chat with entities, pin, forward, sticker and photo placeholders', async () => {
    const file = sample('DomaCKBO3H9K-chatstyle/result.json');
    const { items, bad } = await collect(source, { path: path.dirname(file) });
    expect(bad).toEqual([]);
    expect(eventCounts(items)).toEqual({ Message: 11, Service: 1 });
    expect(items.every((i) => i.id.startsWith('user111/222/'))).toBe(true);
    expect(items.filter((i) => i.from?.id === 'user111').every((i) => i.to.some((t) => t.id === 'user222'))).toBe(true);
    expect(items.filter((i) => i.meta['Omitted-Media']).map((i) => i.meta['Telegram-Message-Id'])).toEqual(['8', '9']);
    expect(items[6]!.text).toContain('Forwarded from: Какой-то канал');
    await convertsCleanly(items);
  });

  it('mdemyanov/tg-parser supergroup_with_topics.json: service messages, topics, reactions', async () => {
    const { items, bad } = await collect(source, { path: sample('mdemyanov-tg-parser/supergroup_with_topics.json') });
    expect(bad).toEqual([]);
    expect(eventCounts(items)).toEqual({ Service: 3, Message: 4 });
    expect(items.map((i) => i.meta.Topic ?? '')).toEqual(['', '', 'General', '', 'Finances', 'Finances', '']);
    expect(items[0]!.text).toContain('Admin created the group "Test Group"');
    await convertsCleanly(items);
  });

  it('mdemyanov/tg-parser personal_chat.json: the account cannot be told; refused with the reason, converts with accountId', async () => {
    const file = sample('mdemyanov-tg-parser/personal_chat.json');
    expect(await source.check({ path: file })).toEqual({ ok: false, message: '1 chat, 5 messages (personal_chat "Test User"); chat "Test User": set accountId (the exporting account\'s user id) to import its 5 message(s)' });
    const refused = await collect(source, { path: file });
    expect(refused.items).toEqual([]);
    expect(refused.bad.map((b) => b.reason)).toEqual(Array(5).fill('Telegram numbers the messages of personal chats per account, and this export does not say which account made it; set the accountId setting (the exporting account\'s Telegram user id) so that ids stay unique across accounts'));
    const { items, bad } = await collect(source, { path: file, accountId: '111' });
    expect(bad).toEqual([]);
    expect(eventCounts(items)).toEqual({ Message: 4, Call: 1 });
    expect(items[3]!.replyTo).toBe('user111/123456789/3');
    await convertsCleanly(items);
  });

  it('joweich/chat-miner: messages without ids (and chats without ids) are refused one by one, with the reason', async () => {
    for (const rel of ['joweich-chat-miner/test_single_export.json', 'joweich-chat-miner/test_batch_export.json']) {
      const { items, bad } = await collect(source, { path: sample(rel) });
      expect(items).toEqual([]);
      expect(bad.map((b) => b.reason)).toEqual(['message has no id', 'message has no id']);
      expect((await source.check({ path: sample(rel) })).ok).toBe(false);
    }
  });

  it('Mehrdad-esn/Telegram-Export-Parser test_data.json: chats without ids are refused message by message', async () => {
    const file = sample('Mehrdad-esn-Telegram-Export-Parser/test_data.json');
    const { items, bad } = await collect(source, { path: file });
    expect(items).toEqual([]);
    expect(bad).toHaveLength(7);
    expect(new Set(bad.map((b) => b.reason))).toEqual(new Set(['the chat has no id, so its messages cannot get ids that stay unique across exports']));
    expect(await source.check({ path: file })).toMatchObject({ ok: false, message: expect.stringContaining('chat "Test Chat" (chats.list[0]) has no id: its 5 message(s) cannot be imported') });
  });

  it('covers every sample file', () => {
    expect(sampleFiles()).toHaveLength(7);
    expect(uncovered()).toEqual([]);
  });
});
