import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { simpleParser } from 'mailparser';
import { getSource } from '../../main/engine/sources/registry';
import { telegramExportSource } from '../../main/engine/sources/telegram-export';
import { MESSAGE_MODE_SETTING, messageContent, transcriptRecords, withTranscriptOption } from '../../main/engine/sources/shared/transcript';
import type { Identity, Item, SourceRecord } from '../../main/engine/item';
import { isBadRecord } from '../../main/engine/item';
import type { Source } from '../../main/engine/sources/types';
import { renderBody } from '../../main/engine/convert/body';
import { validateItem } from '../../main/engine/validate';
import { convertItem } from '../../main/engine/convert/convert';
import { messageIdFor } from '../../main/engine/convert/message-id';
import { repoRoot } from '../helpers/fixtures';
import { attachmentContents, collect } from '../helpers/source';
import { addressesOf } from '../helpers/mail';
import path from 'node:path';
import fs from 'node:fs';

const person = (id: string, name: string): Identity => ({ id, kind: 'user-id', platform: 'synth', name });
const ANN = person('U1', 'Ann Lee');
const BOB = person('U2', 'Bob Stone');
const CAROL = person('U3', 'Carol Diaz');

function message(id: string, conv: string, iso: string, from: Identity, to: Identity[], text: string, extra: Partial<Item> = {}): Item {
  const body = renderBody({ header: [['Author', from.name], ['Date', iso], ['Conversation', conv]], text });
  return {
    source: 'Synth', event: 'Message', id, origin: { file: 'chat.json', position: `message ${id}` },
    from, to, subject: `${conv}: ${text}`, date: new Date(iso), text: body.text, html: body.html,
    attachments: [], conversation: { id: conv, name: `#${conv}` }, meta: {}, ...extra,
  };
}

async function* stream(records: SourceRecord[]): AsyncGenerator<SourceRecord> {
  for (const r of records) yield r;
}

async function all(records: AsyncIterable<SourceRecord>): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const r of records) out.push(r);
  return out;
}

describe('transcript: grouping a chat stream per conversation and local day', () => {
  // New York is UTC-5 in early March: 23:50 on the 9th is 04:50Z on the 10th.
  const records: SourceRecord[] = [
    message('g/1', 'general', '2024-03-09T22:00:00-05:00', ANN, [BOB, CAROL], 'Evening all'),
    message('g/2', 'general', '2024-03-09T23:50:00-05:00', BOB, [ANN, CAROL], 'Late reply\nwith a second line', {
      attachments: [{ filename: 'plan.pdf', size: 4, read: async () => Buffer.from('PLAN') }],
    }),
    { bad: true, origin: { file: 'chat.json', position: 'message g/3' }, reason: 'no date' },
    message('g/4', 'general', '2024-03-10T00:10:00-05:00', CAROL, [ANN, BOB], 'After midnight', { event: 'ThreadReply' }),
    message('d/1', 'dm', '2024-03-10T01:00:00-05:00', ANN, [BOB], 'Private <b>note</b> & more'),
    { ...message('t/1', 'none', '2024-03-10T02:00:00-05:00', ANN, [BOB], 'A tweet'), conversation: undefined } as Item,
    message('d/2', 'dm', '2024-03-10T09:00:00-05:00', BOB, [ANN], 'Morning'),
  ];

  it('cuts at midnight in the given zone, passes bad records and items without a conversation through in place', async () => {
    const out = await all(transcriptRecords(stream(records), { timeZone: 'America/New_York' }));
    expect(out.map((r) => (isBadRecord(r) ? `bad ${r.origin.position}` : `${r.event} ${r.id.replace(/\/[0-9a-f]{12}$/, '')}`))).toEqual([
      'bad message g/3',
      'Transcript general/2024-03-09',
      'Transcript general/2024-03-10',
      'Message t/1',
      'Transcript dm/2024-03-10',
    ]);
    const [, day1, day2, tweet, dm] = out as Item[];
    expect(tweet).toBe(records[5]);

    expect(day1!.source).toBe('Synth');
    expect(day1!.from).toEqual(ANN);
    expect(day1!.to).toEqual([BOB, CAROL]);
    expect(day1!.date!.toISOString()).toBe('2024-03-10T03:00:00.000Z');
    expect(day1!.subject).toBe('#general — 2024-03-09 (2 messages)');
    expect(day1!.conversation).toEqual({ id: 'general', name: '#general' });
    expect(day1!.meta).toEqual({
      'Transcript-Day': '2024-03-09', 'Transcript-Time-Zone': 'America/New_York', 'Transcript-Messages': '2',
      'Transcript-First': '2024-03-10T03:00:00.000Z', 'Transcript-Last': '2024-03-10T04:50:00.000Z',
      'Transcript-First-Id': 'g/1', 'Transcript-Last-Id': 'g/2',
    });
    expect(day1!.text).toBe([
      'Conversation: #general', 'Day: 2024-03-09 (America/New_York)', 'Participants: Ann Lee, Bob Stone, Carol Diaz', 'Messages: 2', '',
      '[22:00:00] Ann Lee: Evening all',
      '[23:50:00] Bob Stone: Late reply\n    with a second line',
      '    [attachment: plan.pdf]',
    ].join('\n'));
    expect(day1!.attachments.map((a) => a.filename)).toEqual(['plan.pdf']);
    expect((await attachmentContents(day1!)).get('plan.pdf')!.toString()).toBe('PLAN');

    expect(day2!.subject).toBe('#general — 2024-03-10 (1 message)');
    expect(day2!.from).toEqual(CAROL);
    expect(day2!.text).toContain('[00:10:00] Carol Diaz [ThreadReply]: After midnight');

    expect(dm!.to).toEqual([BOB]);
    expect(dm!.meta['Transcript-Messages']).toBe('2');
    expect(dm!.html).toContain('<b>Ann Lee</b>:</p><blockquote>Private &lt;b&gt;note&lt;/b&gt; &amp; more</blockquote>');
  });

  it('the same stream in UTC groups differently: the zone decides the day', async () => {
    const out = (await all(transcriptRecords(stream(records), { timeZone: 'UTC' }))).filter((r): r is Item => !isBadRecord(r) && r.event === 'Transcript');
    expect(out.map((t) => [t.meta['Transcript-Day'], t.meta['Transcript-Messages']])).toEqual([['2024-03-10', '3'], ['2024-03-10', '2']]);
  });

  it('ids depend on the messages: the same day read again gives the same id, a day with more messages a new one', async () => {
    const a = (await all(transcriptRecords(stream(records), { timeZone: 'America/New_York' }))) as Item[];
    const b = (await all(transcriptRecords(stream(records), { timeZone: 'America/New_York' }))) as Item[];
    expect(b.map((r) => r.id)).toEqual(a.map((r) => r.id));
    const fewer = (await all(transcriptRecords(stream(records.slice(1)), { timeZone: 'America/New_York' }))) as Item[];
    const day1 = a.find((r) => r.id?.startsWith('general/2024-03-09/'))!;
    const partial = fewer.find((r) => r.id?.startsWith('general/2024-03-09/'))!;
    expect(partial.id).not.toBe(day1.id);
  });

  it('a monologue is sent to its speaker; every transcript validates and converts', async () => {
    const solo = [message('s/1', 'notes', '2024-03-10T10:00:00Z', ANN, [], 'Note to self')];
    const [t] = (await all(transcriptRecords(stream(solo), { timeZone: 'UTC' }))) as Item[];
    expect(t!.to).toEqual([ANN]);
    for (const item of [t!, ...((await all(transcriptRecords(stream(records), { timeZone: 'America/New_York' }))).filter((r) => !isBadRecord(r)) as Item[])]) {
      expect(validateItem(item)).toBeNull();
      const p = await simpleParser((await convertItem(item)).mime);
      expect(p.subject).toBe(item.subject);
      expect(p.date?.toISOString()).toBe(item.date!.toISOString());
    }
  });

  it('keeps header lines that carry facts, drops the ones a transcript line already shows', async () => {
    expect(messageContent('Chat: X\nFrom: Ann (u1)\nDate: 2024-01-01 10:00:00 UTC\nIn reply to: message 7\n\nHello\n\nEdited: later')).toBe('In reply to: message 7\nHello\n\nEdited: later');
    expect(messageContent('Just text\n\nwith a blank line')).toBe('Just text\n\nwith a blank line');
    await expect(transcriptRecords(stream([]), { timeZone: 'Nowhere/Land' }).next()).rejects.toThrow(/transcript time zone "Nowhere\/Land" is not an IANA time zone/);
  });
});

describe('transcript: the option on chat sources', () => {
  it('chat sources gain the setting in place, so a kind keeps one Source object; wrapping twice changes nothing', () => {
    for (const kind of ['telegram-export', 'slack-export', 'whatsapp-chat', 'discord-export', 'facebook-messenger', 'mattermost-export', 'google-chat', 'twitter-archive']) {
      const keys = getSource(kind).spec.settings.map((s) => s.key);
      expect(keys.filter((k) => k === 'messageMode')).toHaveLength(1);
      expect(keys).toContain('transcriptTimeZone');
    }
    expect(getSource('telegram-export')).toBe(telegramExportSource);
    expect(withTranscriptOption(telegramExportSource)).toBe(telegramExportSource);
    expect(telegramExportSource.spec.settings.filter((s) => s === MESSAGE_MODE_SETTING)).toHaveLength(1);
    expect(getSource('eml').spec.settings.map((s) => s.key)).not.toContain('messageMode');
    expect(getSource('custom-csv').spec.settings.map((s) => s.key)).not.toContain('messageMode');
  });

  it('check() refuses an unknown mode and says when transcripts are on', async () => {
    const src = getSource('telegram-export');
    const p = path.join(repoRoot, 'assets/samples/telegram-export');
    expect(await src.check({ path: p, messageMode: 'hourly' })).toEqual({ ok: false, message: 'messageMode "hourly" must be message or transcript-per-day' });
    const on = await src.check({ path: p, messageMode: 'transcript-per-day', transcriptTimeZone: 'Europe/Paris' });
    expect(on.ok).toBe(true);
    expect(on.message).toMatch(/; imported as one transcript per conversation and day \(Europe\/Paris\)$/);
  });

  /** Expected transcripts of a source's message-mode items, computed independently with luxon. */
  function expectedGroups(items: Item[], zone: string): { key: string; ids: string[] }[] {
    const groups: { key: string; ids: string[] }[] = [];
    for (const i of items) {
      if (!i.conversation) continue;
      const key = `${i.conversation.id}/${DateTime.fromJSDate(i.date!, { zone }).toISODate()}`;
      const last = groups[groups.length - 1];
      if (last?.key === key) last.ids.push(i.id); else groups.push({ key, ids: [i.id] });
    }
    return groups;
  }

  async function checkSample(kind: string, sample: string, zone: string): Promise<Item[]> {
    const src: Source = getSource(kind);
    const p = path.join(repoRoot, 'assets/samples', sample);
    const messages = await collect(src, { path: p });
    const transcripts = await collect(src, { path: p, messageMode: 'transcript-per-day', transcriptTimeZone: zone });
    expect(messages.bad).toEqual([]);
    expect(transcripts.bad).toEqual([]);
    const expected = expectedGroups(messages.items, zone);
    expect(expected.length).toBeGreaterThan(1);
    expect(transcripts.items.map((t) => `${t.id.replace(/\/[0-9a-f]{12}$/, '')} ${t.meta['Transcript-First-Id']}..${t.meta['Transcript-Last-Id']} ${t.meta['Transcript-Messages']}`))
      .toEqual(expected.map((g) => `${g.key} ${g.ids[0]}..${g.ids[g.ids.length - 1]} ${g.ids.length}`));
    // No message lost: every message's sender is among the transcript's participants, every attachment is carried.
    const byId = new Map(messages.items.map((m) => [m.id, m]));
    for (const [n, t] of transcripts.items.entries()) {
      const members = expected[n]!.ids.map((id) => byId.get(id)!);
      const people = new Set([t.from!, ...t.to].map((p) => `${p.kind}:${p.id}`));
      for (const m of members) expect(people.has(`${m.from!.kind}:${m.from!.id}`)).toBe(true);
      expect(t.attachments.map((a) => a.filename)).toEqual(members.flatMap((m) => m.attachments.map((a) => a.filename)));
      expect(t.from).toEqual(members[0]!.from);
      expect(t.event).toBe('Transcript');
      expect(validateItem(t)).toBeNull();
      const parsed = await simpleParser((await convertItem(t)).mime);
      expect(parsed.messageId).toBe(messageIdFor(t.source, t.id));
      expect(addressesOf(parsed.from).map((a) => a.address)).toHaveLength(1);
      expect(addressesOf(parsed.to)).toHaveLength(new Set(t.to.map((p) => p.id)).size);
      expect(parsed.subject).toBe(t.subject);
      expect(parsed.date?.toISOString()).toBe(members[0]!.date!.toISOString());
      expect(parsed.headers.get('x-ferry-message-class')).toBe(`IPM.NOTE.${t.source}.Transcript`);
      expect(parsed.attachments.map((a) => a.filename)).toEqual(t.attachments.map((a) => a.filename));
    }
    return transcripts.items;
  }

  it('over the Telegram sample export', async () => {
    if (!fs.existsSync(path.join(repoRoot, 'assets/samples/telegram-export'))) return;
    const t = await checkSample('telegram-export', 'telegram-export', 'Europe/Berlin');
    const withPhoto = t.find((x) => x.attachments.length);
    expect(withPhoto?.text).toMatch(/\[attachment: photo_1@12-02-2024_09-14-20\.png\]/);
  });

  it('over the Slack sample export, in a zone west of UTC', async () => {
    if (!fs.existsSync(path.join(repoRoot, 'assets/samples/slack-export'))) return;
    const t = await checkSample('slack-export', 'slack-export', 'America/Los_Angeles');
    expect(t.every((x) => x.subject!.match(/ — \d{4}-\d{2}-\d{2} \(\d+ messages?\)$/))).toBe(true);
  });
});
