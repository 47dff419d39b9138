/**
 * Every sample in ../shared/fixtures/discord/, read in place whatever its licence: each converts
 * with asserted counts and fields.
 */
import { describe, expect, it } from 'vitest';
import { discordExportSource as source } from '../../main/engine/sources/discord-export';
import type { Item } from '../../main/engine/item';
import { sharedSamples } from '../helpers/samples';
import { collect, eventCounts } from '../helpers/source';
import { expectRoundTrip } from '../helpers/mail';

const { root, sample, files: sampleFiles, uncovered } = sharedSamples('discord');

async function convertsCleanly(items: Item[]): Promise<void> {
  for (const item of items) {
    await expectRoundTrip(item, { source: 'Discord', from: (w) => `${w.id}@discord.invalid`, to: 'count', wholeSeconds: true, inReplyTo: 'always' });
  }
}

describe('conformance: shared DiscordChatExporter samples', () => {
  it('mlomb/chat-analytics DM_2A_2M.json (AGPL, read in place): a DM with a bot, a reaction and a call', async () => {
    const { items, bad } = await collect(source, { path: sample('mlomb-chat-analytics/DM_2A_2M.json') });
    expect(bad).toEqual([]);
    expect(eventCounts(items)).toEqual({ Message: 2, Call: 1 });
    expect(items.map((i) => [i.id, i.from?.id, i.to.map((t) => t.id), i.date?.toISOString()])).toEqual([
      ['530805775262679064/530805779645595660', '111111111111111111', ['444444444444444444'], '2019-01-04T17:52:39.762Z'],
      ['530805775262679064/538148765782114306', '444444444444444444', ['111111111111111111'], '2019-01-25T00:11:04.083Z'],
      ['530805775262679064/100', '444444444444444444', ['111111111111111111'], '2020-07-17T17:03:14.366Z'],
    ]);
    expect(items[0]!.meta.Reactions).toBe('👆 ×42');
    expect(items[1]!.from?.name).toBe('Someones nickname');
    expect(items[2]!.meta).toMatchObject({ 'Call-Duration-Seconds': '15098', 'Call-Ended': '2020-07-17T21:14:52.787Z' });
    await convertsCleanly(items);
  });

  it('mlomb/chat-analytics GC_3A_5M.json: group DM with channel-name/icon changes, a reply by reference, a call', async () => {
    const { items, bad } = await collect(source, { path: sample('mlomb-chat-analytics/GC_3A_5M.json') });
    expect(bad).toEqual([]);
    expect(items.map((i) => i.event)).toEqual(['System', 'Message', 'System', 'Message', 'Reply', 'Call']);
    expect(items[0]!.subject).toBe('a group chat: lombi: Changed the channel name.');
    expect(items[4]!.replyTo).toBe('1064990764406419508/1064990824305274930');
    // Three people: everyone else is TO.
    expect(items[1]!.to.map((t) => t.id)).toEqual(['222222222222222222', '111111111111111111']);
    expect(items[1]!.from?.name).toBe('theplant');
    await convertsCleanly(items);
  });

  it('mlomb/chat-analytics SV_5A_5M.json: guild channel, an edit, a remote attachment and sticker, custom-emoji reactions, a repeated message', async () => {
    const { items, bad } = await collect(source, { path: sample('mlomb-chat-analytics/SV_5A_5M.json') });
    expect(bad).toEqual([]);
    expect(items).toHaveLength(5);
    // The file holds message 459136077417021488 twice: same id, so the run records the second as a duplicate.
    expect(items[0]!.id).toBe(items[1]!.id);
    expect(items[0]!.meta.Edited).toBe('2018-05-20T16:09:56.439Z');
    expect(items[3]!.attachments).toEqual([]);
    expect(items[3]!.meta['Remote-Attachment']).toBe('unknown.png (165,152 bytes): https://cdn.discordapp.com/attachments/123/123/unknown.png');
    expect(items[3]!.text).toContain('Sticker: Laugh https://discord.com/stickers/809207919115239525.png');
    expect(items[4]!.meta.Reactions).toBe(':paul: ×3, ❤ ×2');
    expect(items[2]!.subject).toBe('DefleMask #general-chiptune: The author of this message does not have…');
    await convertsCleanly(items);
  });

  it('zulip channels/… (Apache-2.0): real DCE output with +07:00 offsets and a thread creation', async () => {
    const { items, bad } = await collect(source, { path: sample('zulip/channels/zulip-discord server - Text Channels - private [1519314256007266425].json') });
    expect(bad).toEqual([]);
    expect(items.map((i) => [i.event, i.date?.toISOString()])).toEqual([['Message', '2026-06-24T12:12:33.463Z'], ['System', '2026-06-24T12:13:42.751Z']]);
    expect(items[1]!.meta['Discord-Thread-Id']).toBe('1519314577395814690');
    await convertsCleanly(items);
  });

  it('zulip 2026-01-01…/Test Server - Text - general [100].json (Apache-2.0): replies, joins, pins, reactions with users', async () => {
    const { items, bad } = await collect(source, { path: sample('zulip/2026-01-01--00-00-00/Test Server - Text - general [100].json') });
    expect(bad).toEqual([]);
    expect(eventCounts(items)).toEqual({ Message: 4, Reply: 1, System: 2 });
    expect(items[0]!.meta.Reactions).toBe('thumbsup ×1 (Bob Jones)');
    await convertsCleanly(items);
  });

  it('the whole folder reads as one export: every channel, in path order', async () => {
    expect(await source.check({ path: root })).toEqual({
      ok: true, message: '5 channels, 23 messages (Someones name, a group chat, DefleMask #general-chiptune, Test Server #general, …)',
    });
    const { items, bad } = await collect(source, { path: root });
    expect(bad).toEqual([]);
    expect(items).toHaveLength(23);
  });

  it('covers every sample file', () => {
    expect(sampleFiles()).toHaveLength(5);
    expect(uncovered()).toEqual([]);
  });
});
