/**
 * Every sample in ../shared/fixtures/sms/, read in place: each converts with asserted counts and
 * fields, or fails with the reason the test expects.
 */
import { describe, expect, it } from 'vitest';
import { smsBackupSource as source } from '../../main/engine/sources/sms-backup';
import type { Item } from '../../main/engine/item';
import { sharedSamples } from '../helpers/samples';
import { attachmentContents, collect, eventCounts } from '../helpers/source';
import { expectRoundTrip } from '../helpers/mail';

const { sample, files: sampleFiles, uncovered } = sharedSamples('sms');
const OWNER = '+15559876543';

const flow = (items: Item[]) => items.map((i) => [i.event, i.from?.id, i.to.map((t) => t.id).join(','), i.date?.toISOString()]);

async function convertsCleanly(items: Item[]): Promise<void> {
  for (const item of items) {
    const { parsed: p } = await expectRoundTrip(item, { source: 'SMS', from: 'count', to: 'count', wholeSeconds: true });
    expect(p.attachments).toHaveLength(item.attachments.length);
  }
}

describe('conformance: shared SMS Backup & Restore samples', () => {
  it('shruggietech minimal_sms.xml: one received SMS', async () => {
    const { items, bad } = await collect(source, { path: sample('shruggietech-sms-backup-restore-parser/minimal_sms.xml'), owner: OWNER });
    expect(bad).toEqual([]);
    expect(flow(items)).toEqual([['SMS', '+15551234567', OWNER, '2021-01-01T00:00:00.000Z']]);
    expect(items[0]!.subject).toBe('Alice Smith: Happy New Year! This is a test message.');
    await convertsCleanly(items);
  });

  it('shruggietech minimal_mms.xml: MMS with a SMIL, a text and an image part', async () => {
    const { items, bad } = await collect(source, { path: sample('shruggietech-sms-backup-restore-parser/minimal_mms.xml') });
    expect(bad).toEqual([]);
    expect(flow(items)).toEqual([['MMS', '+15559876543', '+15551234567,phone-owner', '2021-01-02T00:00:00.000Z']]);
    expect(items[0]!.subject).toBe('+15559876543, Alice Smith: Test MMS Subject');
    expect(items[0]!.text).toContain('Hello from MMS!');
    expect([...(await attachmentContents(items[0]!)).entries()].map(([n, b]) => [n, b.length])).toEqual([['image.jpg', 70]]);
    await convertsCleanly(items);
  });

  it('shruggietech minimal_calls.xml: one incoming call', async () => {
    const { items, bad } = await collect(source, { path: sample('shruggietech-sms-backup-restore-parser/minimal_calls.xml'), owner: OWNER });
    expect(bad).toEqual([]);
    expect(flow(items)).toEqual([['Call', '+15551234567', OWNER, '2021-01-03T00:00:00.000Z']]);
    expect(items[0]!.subject).toBe('Incoming call from Alice Smith (+15551234567), 2:05 (125 s)');
    await convertsCleanly(items);
  });

  it('shruggietech mixed.xml: SMS and MMS interleaved, sent, received and a draft', async () => {
    const { items, bad } = await collect(source, { path: sample('shruggietech-sms-backup-restore-parser/mixed.xml'), owner: '+15550000000' });
    expect(bad).toEqual([]);
    expect(flow(items)).toEqual([
      ['SMS', '+15551234567', '+15550000000', '2021-01-01T00:00:00.000Z'],
      ['MMS', '+15559876543', '+15551234567,+15550000000', '2021-01-01T01:00:00.000Z'],
      ['SMS', '+15550000000', '+15551234567', '2021-01-01T02:00:00.000Z'],
      ['SMS', '+15550000000', '+15559990001', '2021-01-01T03:00:00.000Z'],
    ]);
    expect(items[3]!.meta['SMS-Box']).toBe('draft');
    await convertsCleanly(items);
  });

  it('shruggietech edge_cases.xml: missing attributes, emoji and entities, an empty body, an MMS without parts', async () => {
    const { items, bad } = await collect(source, { path: sample('shruggietech-sms-backup-restore-parser/edge_cases.xml'), owner: '+15550000000' });
    expect(bad).toEqual([]);
    expect(eventCounts(items)).toEqual({ SMS: 3, MMS: 1 });
    expect(items[1]!.text).toContain('Hello 🌍 — this has «special» chars & symbols < > " \'');
    expect(items[2]!.subject).toBe('Dana Empty');
    expect(items[3]!.subject).toBe('Eve NoParts');
    await convertsCleanly(items);
  });

  it('shruggietech malformed.xml: the broken record is reported with its element and line, not fatal', async () => {
    const { items, bad } = await collect(source, { path: sample('shruggietech-sms-backup-restore-parser/malformed.xml') });
    expect(items).toEqual([]);
    expect(bad.map((b) => [b.origin.position, b.reason])).toEqual([
      ['element 1 <sms>, line 3', 'the file ends inside this element: it is incomplete (the file is truncated); malformed XML at line 4, column 4: disallowed character in attribute name.'],
    ]);
  });

  it('devadvance sms_small.xml: 12 anonymised SMS with the real header and multi-line bodies', async () => {
    const { items, bad, notices } = await collect(source, { path: sample('devadvance-sms-backup-reader-2/sms_small.xml'), owner: OWNER });
    expect(bad).toEqual([]);
    expect(notices).toEqual([]);
    expect(items).toHaveLength(12);
    expect(eventCounts(items)).toEqual({ SMS: 12 });
    expect(items.filter((i) => i.from?.id === OWNER)).toHaveLength(4); // 4 sent (type 2), 8 received
    expect(items[9]!.text).toContain('Body text 10\nBody text 11\nBody text 12');
    await convertsCleanly(items);
  });

  it('devadvance sms_and_mms.xml: 41 SMS and 8 MMS (group MMS, RCS group ids), then a truncated last MMS', async () => {
    const file = sample('devadvance-sms-backup-reader-2/sms_and_mms.xml');
    const { items, bad, notices } = await collect(source, { path: file, owner: '+15550000007' });
    expect(eventCounts(items)).toEqual({ SMS: 41, MMS: 8 });
    expect(bad.map((b) => [b.origin.position, b.reason])).toEqual([
      ['element 50 <mms>, line 133', 'the file ends inside this element: it is incomplete (the file is truncated); malformed XML at line 136, column 7: unclosed tag: parts'],
    ]);
    expect(notices).toEqual([`${file}: the file says it holds 58 messages (count="58") but 50 record(s) were found in it`]);
    const group = items.find((i) => i.to.some((t) => t.id === 'group_8@rcs.google.com'))!;
    expect(group.to.find((t) => t.id === 'group_8@rcs.google.com')?.kind).toBe('user-id');
    expect(items.filter((i) => i.event === 'MMS' && i.attachments.length)).toHaveLength(2);
    await convertsCleanly(items);
  });

  it('devadvance sample_mms.xml: image, video, audio and PDF MMS', async () => {
    const { items, bad } = await collect(source, { path: sample('devadvance-sms-backup-reader-2/sample_mms.xml'), owner: OWNER });
    expect(bad).toEqual([]);
    expect(items.map((i) => i.attachments.map((a) => `${a.filename} ${a.contentType} ${a.size}`))).toEqual([
      ['image.png image/png 70'], ['video.mp4 video/mp4 42'], ['audio.mp3 audio/mp3 56'], ['document.pdf application/pdf 139'],
    ]);
    await convertsCleanly(items);
  });

  it('devadvance corrupt_attachments.xml: data that is not base64 is kept as written and said, the message still imports', async () => {
    const { items, bad } = await collect(source, { path: sample('devadvance-sms-backup-reader-2/corrupt_attachments.xml'), owner: OWNER });
    expect(bad).toEqual([]);
    expect(items.map((i) => [i.attachments.map((a) => a.filename), i.meta['Undecodable-Attachment']])).toEqual([
      [['corrupt_image.png.undecodable-base64.txt'], 'corrupt_image.png (image/png)'],
      [['corrupt.file.undecodable-base64.txt'], 'corrupt.file (application/x-corrupt)'],
    ]);
    expect((await attachmentContents(items[0]!)).get('corrupt_image.png.undecodable-base64.txt')?.toString()).toBe('not-valid-base64-content!!');
    expect(items[0]!.text).toContain('MMS with corrupted base64 image data');
    await convertsCleanly(items);
  });

  it('covers every sample file', () => {
    expect(sampleFiles()).toHaveLength(10);
    expect(uncovered()).toEqual([]);
  });
});
