import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { googleChatSource as source } from '../../main/engine/sources/google-chat';
import { parseChatDate } from '../../main/engine/sources/google-chat/dates';
import { getSource } from '../../main/engine/sources/registry';
import type { Identity } from '../../main/engine/item';
import { validateItem } from '../../main/engine/validate';
import { FerryError } from '../../main/engine/errors';
import { fixture } from '../helpers/fixtures';
import { attachmentContents, byId, collect, expectProgressAndCancellation } from '../helpers/source';
import { expectRoundTrip } from '../helpers/mail';
import { scratchDir, writeTree } from '../helpers/files';
import { zipFolder } from '../helpers/zip';

const TAKEOUT = fixture('google-chat', 'Takeout');
const GROUPS = path.join(TAKEOUT, 'Google Chat', 'Groups');
const SPACE = path.join(GROUPS, 'Space AAAAcontoso1');
const ANN = { id: 'ann@contoso.com', kind: 'email', platform: 'googlechat', name: 'Ann Lee', email: 'ann@contoso.com' };
const BOB = { id: 'bob@contoso.com', kind: 'email', platform: 'googlechat', name: 'Bob Stone', email: 'bob@contoso.com' };
const CHLOE = { id: 'chloe@fabrikam.com', kind: 'email', platform: 'googlechat', name: 'Chloé Dubois', email: 'chloe@fabrikam.com' };
const DANA = { id: 'dana@fabrikam.com', kind: 'email', platform: 'googlechat', name: 'Dana Whitfield', email: 'dana@fabrikam.com' };
const IDS = [
  '4xYzDM/Dm1/Dm1', '4xYzDM/Dm2/Dm2',
  'AAAAcontoso1/T1kick/T1kick', 'AAAAcontoso1/T1kick/R1bob', 'AAAAcontoso1/T2terms/T2terms', 'AAAAcontoso1/T2terms/S1sys', 'AAAAcontoso1/T1kick/R2ann',
  'AAAAnoinfo/N1/N1', 'AAAAnoinfo/N2/N2',
];

const tmp = scratchDir('ferry-gchat-');

const group = (name: string, files: Record<string, string | object>) => writeTree(path.join(tmp, name), files);

describe('google-chat: a Takeout made for the tests (folder)', () => {
  it('is registered under its kind', () => {
    expect(getSource('google-chat')).toBe(source);
  });

  it('check() names the account and counts groups and messages', async () => {
    expect(await source.check({ path: TAKEOUT })).toEqual({ ok: true, message: 'account ann@contoso.com, 1 direct message, 2 spaces, 11 messages' });
  });

  it('yields every message in group-path order, with events, and the bad ones with file and position', async () => {
    const { items, bad, notices } = await collect(source, { path: TAKEOUT });
    expect(items.map((i) => i.id)).toEqual(IDS);
    expect(items.map((i) => i.event)).toEqual(['Message', 'Message', 'Message', 'ThreadReply', 'Message', 'System', 'ThreadReply', 'Message', 'Message']);
    expect(notices).toEqual([]);
    const file = path.join(SPACE, 'messages.json');
    expect(bad.map((b) => [b.origin.file, b.origin.position, b.reason])).toEqual([
      [file, 'messages[4], message AAAAcontoso1/T3x/T3x', 'created_date "sometime in May 2023" is not a date Ferry can read (expected like "Monday, May 1, 2023 at 2:03:22 PM UTC")'],
      [file, 'messages[5]', 'message has no message_id'],
    ]);
    for (const i of items) expect(i.source).toBe('GoogleChat');
  });

  it('FROM is the creator; TO the other members (group_info.json), the exporting account, or the senders when there is no group_info', async () => {
    const { items } = await collect(source, { path: TAKEOUT });
    expect(byId(items, '4xYzDM/Dm1/Dm1')).toMatchObject({ from: DANA, to: [ANN] });
    expect(byId(items, '4xYzDM/Dm2/Dm2')).toMatchObject({ from: ANN, to: [DANA] });
    expect(byId(items, 'AAAAcontoso1/T1kick/T1kick')).toMatchObject({ from: ANN, to: [BOB, CHLOE] });
    expect(byId(items, 'AAAAcontoso1/T1kick/R1bob')).toMatchObject({ from: BOB, to: [ANN, CHLOE] });
    // No group_info.json: a first pass finds the senders; the exporting account (user_info.json) is added.
    expect(byId(items, 'AAAAnoinfo/N1/N1')).toMatchObject({ from: BOB, to: [CHLOE, ANN] });
    // No creator: a system message, from the space itself, to every member.
    expect(byId(items, 'AAAAcontoso1/T2terms/S1sys')).toMatchObject({
      from: { id: 'spaces/AAAAcontoso1', kind: 'user-id', platform: 'googlechat', name: 'Contoso Deals' }, to: [ANN, BOB, CHLOE],
    });
  });

  it('created_date prose is read as UTC, with the narrow no-break space before AM/PM and the day-month order', async () => {
    const { items } = await collect(source, { path: TAKEOUT });
    expect(byId(items, 'AAAAcontoso1/T1kick/T1kick').date?.toISOString()).toBe('2023-05-01T14:03:22.000Z');
    expect(byId(items, 'AAAAcontoso1/T1kick/R1bob').date?.toISOString()).toBe('2023-05-02T09:15:00.000Z');
    expect(byId(items, '4xYzDM/Dm1/Dm1').date?.toISOString()).toBe('2023-05-01T16:00:00.000Z');
    expect(byId(items, 'AAAAcontoso1/T1kick/T1kick').text).toContain('Date: 2023-05-01 14:03:22 UTC');
  });

  it('threads: later messages of a topic reply to its first message', async () => {
    const { items } = await collect(source, { path: TAKEOUT });
    const root = 'AAAAcontoso1/T1kick/T1kick';
    expect(byId(items, root).replyTo).toBeUndefined();
    expect(byId(items, 'AAAAcontoso1/T1kick/R1bob')).toMatchObject({ replyTo: root, thread: [root] });
    expect(byId(items, 'AAAAcontoso1/T1kick/R2ann')).toMatchObject({ replyTo: root, thread: [root] });
    expect(byId(items, 'AAAAcontoso1/T2terms/S1sys').replyTo).toBe('AAAAcontoso1/T2terms/T2terms');
    expect(byId(items, '4xYzDM/Dm2/Dm2').replyTo).toBeUndefined();
    expect(byId(items, 'AAAAcontoso1/T1kick/R2ann').text).toContain('> Bob Stone: Agreed, 1,000 units at list\nFollowing up on this');
    expect(byId(items, 'AAAAcontoso1/T1kick/R2ann').meta.Quoted).toBe('Bob Stone: Agreed, 1,000 units at list');
  });

  it('attaches the exported file lazily with its original name and lists the one missing from the folder', async () => {
    const { items } = await collect(source, { path: TAKEOUT });
    const m = byId(items, 'AAAAcontoso1/T2terms/T2terms');
    const pdf = fs.readFileSync(path.join(SPACE, 'File-terms.pdf'));
    expect(m.attachments.map((a) => [a.filename, a.size])).toEqual([['terms.pdf', pdf.length]]);
    expect((await attachmentContents(m)).get('terms.pdf')!.equals(pdf)).toBe(true);
    expect(m.meta['Missing-Attachment']).toBe('diagram.png: File-diagram.png');
    expect(m.text).toContain('Terms attached\n[File terms.pdf]\n[File diagram.png]');
    expect(m.text).toContain('File diagram.png missing from the export: File-diagram.png was not found beside messages.json');
  });

  it('reactions, edits and deletions go to the footer and meta; text is escaped in HTML', async () => {
    const { items } = await collect(source, { path: TAKEOUT });
    const r = byId(items, 'AAAAcontoso1/T1kick/R1bob');
    expect(r.meta.Reactions).toBe('👍 ×2 (ann@contoso.com, chloe@fabrikam.com)');
    expect(r.text).toContain('\n\nReactions: 👍 ×2 (ann@contoso.com, chloe@fabrikam.com)');
    const e = byId(items, 'AAAAcontoso1/T2terms/T2terms');
    expect(e.meta.Edited).toBe('2023-05-02T11:05:30.000Z');
    expect(e.text).toContain('Edited: 2023-05-02 11:05:30 UTC');
    expect(byId(items, '4xYzDM/Dm2/Dm2').meta.Deleted).toBe('CREATOR');
    const k = byId(items, 'AAAAcontoso1/T1kick/T1kick');
    expect(k.html).toContain('Kickoff: pricing for Fabrikam &lt;b&gt;not bold&lt;/b&gt;');
    expect(k.subject).toBe('Contoso Deals: Kickoff: pricing for Fabrikam <b>not bold</b>');
    expect(byId(items, '4xYzDM/Dm1/Dm1').subject).toBe('DM with Dana Whitfield: Hi Ann — quick question about the bid');
    expect(byId(items, '4xYzDM/Dm1/Dm1').conversation).toEqual({ id: '4xYzDM', name: 'DM with Dana Whitfield' });
  });

  it('reads the Takeout ZIP in place, with the same items and the attachment from inside the ZIP', async () => {
    const z = await zipFolder(TAKEOUT, path.join(tmp, 'takeout-20230601.zip'), 'Takeout/');
    expect(await source.check({ path: z })).toEqual({ ok: true, message: 'account ann@contoso.com, 1 direct message, 2 spaces, 11 messages' });
    const { items, bad } = await collect(source, { path: z });
    expect(items.map((i) => i.id)).toEqual(IDS);
    expect(bad).toHaveLength(2);
    const m = byId(items, 'AAAAcontoso1/T2terms/T2terms');
    expect(m.origin.file).toBe(`${z}!Takeout/Google Chat/Groups/Space AAAAcontoso1/messages.json`);
    expect((await attachmentContents(m)).get('terms.pdf')!.equals(fs.readFileSync(path.join(SPACE, 'File-terms.pdf')))).toBe(true);
  });

  it('one group folder, or its messages.json, can be chosen by itself', async () => {
    const a = await collect(source, { path: SPACE });
    const b = await collect(source, { path: path.join(SPACE, 'messages.json') });
    const want = IDS.filter((i) => i.startsWith('AAAAcontoso1/'));
    expect(a.items.map((i) => i.id)).toEqual(want);
    expect(b.items.map((i) => i.id)).toEqual(want);
    expect(b.items.find((i) => i.id.endsWith('T2terms/T2terms'))!.attachments.map((x) => x.filename)).toEqual(['terms.pdf']);
    // Without Users/, the account is not known: TO is the other members of group_info.json.
    expect(b.items[0]).toMatchObject({ from: ANN, to: [BOB, CHLOE] });
  });

  it('a truncated messages.json yields the messages before the break, then a bad record with the byte offset; the next group still comes', async () => {
    const full = JSON.stringify({ messages: [
      { creator: { name: 'Ann Lee', email: 'ann@contoso.com' }, created_date: 'Monday, May 1, 2023 at 2:03:22 PM UTC', text: 'one', topic_id: 'a', message_id: 'G1/a/a' },
      { creator: { name: 'Bob Stone', email: 'bob@contoso.com' }, created_date: 'Monday, May 1, 2023 at 2:04:00 PM UTC', text: 'two', topic_id: 'b', message_id: 'G1/b/b' },
    ] });
    const root = path.join(tmp, 'truncated', 'Google Chat', 'Groups');
    fs.mkdirSync(path.join(root, 'Space G1'), { recursive: true });
    fs.mkdirSync(path.join(root, 'Space G2'), { recursive: true });
    const cut = full.slice(0, full.indexOf('"two"') + 3);
    fs.writeFileSync(path.join(root, 'Space G1', 'messages.json'), cut);
    fs.writeFileSync(path.join(root, 'Space G2', 'messages.json'), full.replace(/G1\//g, 'G2/'));
    const { items, bad } = await collect(source, { path: path.join(tmp, 'truncated') });
    expect(items.map((i) => i.id)).toEqual(['G1/a/a', 'G2/a/a', 'G2/b/b']);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.origin).toEqual({ file: path.join(root, 'Space G1', 'messages.json'), position: `byte ${cut.length}` });
    expect(bad[0]!.reason).toMatch(/truncated JSON.*every message up to messages\[0\], message G1\/a\/a was read/);
    // No group_info.json and Bob's message never completes: Ann is the only sender known, so TO is the space.
    expect(items[0]!.to.map((t) => t.id)).toEqual(['spaces/G1']);
  });

  it('a group with only its sender: TO is the space itself, so the item still has a recipient', async () => {
    const dir = group('alone/Space Solo1', { 'group_info.json': { name: 'Notes', members: [{ name: 'Ann Lee', email: 'ann@contoso.com' }] },
      'messages.json': { messages: [{ creator: { name: 'Ann Lee', email: 'ann@contoso.com' }, created_date: 'Monday, May 1, 2023 at 2:03:22 PM UTC', text: 'memo', message_id: 'Solo1/x/x' }] } });
    const { items } = await collect(source, { path: dir });
    expect(items[0]!.to).toEqual([{ id: 'spaces/Solo1', kind: 'user-id', platform: 'googlechat', name: 'Notes' }]);
    expect(validateItem(items[0]!)).toBeNull();
  });

  it('a path with no messages.json is refused with the reason', async () => {
    const dir = group('not-chat', { 'Hangouts.json': '{}' });
    expect(await source.check({ path: dir })).toEqual({ ok: false, message: `${dir}: this is a Google Hangouts export (Hangouts.json), not Google Chat` });
    await expect(collect(source, { path: path.join(tmp, 'nowhere') })).rejects.toThrow(FerryError);
  });

  it('every item validates and converts to a message that mailparser reads back', async () => {
    const { items } = await collect(source, { path: TAKEOUT });
    for (const item of items) {
      const address = (who: Identity) => who.email ?? `${who.id.replace('/', '_')}@googlechat.invalid`;
      const { parsed: p } = await expectRoundTrip(item, { source: 'GoogleChat', from: address, to: address, inReplyTo: 'always', messageClass: true });
      if (item.attachments.length) expect(p.attachments.map((a) => a.filename)).toEqual(item.attachments.map((a) => a.filename));
    }
  });
});

describe('progress and cancellation', () => {
  it('reports progress up to 1, in order, and stops when the run is cancelled', async () => {
    await expectProgressAndCancellation(source, { path: TAKEOUT });
  });
});

describe('google-chat: dates', () => {
  it('reads the Takeout prose and its variants, refuses the rest', () => {
    expect(parseChatDate('Monday, May 1, 2023 at 2:03:22 PM UTC')?.toISOString()).toBe('2023-05-01T14:03:22.000Z');
    expect(parseChatDate('Monday, May 1, 2023 at 12:03:22\u202fAM UTC')?.toISOString()).toBe('2023-05-01T00:03:22.000Z');
    expect(parseChatDate('Monday, May 1, 2023 at 12:03:22 PM UTC')?.toISOString()).toBe('2023-05-01T12:03:22.000Z');
    expect(parseChatDate('Monday, 1 May 2023 at 14:03:22 UTC')?.toISOString()).toBe('2023-05-01T14:03:22.000Z');
    expect(parseChatDate('Monday, May 1, 2023 at 4:03:22 PM GMT+02:00')?.toISOString()).toBe('2023-05-01T14:03:22.000Z');
    expect(parseChatDate('2023-05-01T14:03:22Z')?.toISOString()).toBe('2023-05-01T14:03:22.000Z');
    expect(parseChatDate('Monday, May 1, 2023 at 2:03:22 PM PDT')).toBeUndefined();
    expect(parseChatDate('Monday, February 30, 2023 at 2:03:22 PM UTC')).toBeUndefined();
    expect(parseChatDate('Monday, May 1, 2023 at 13:03:22 PM UTC')).toBeUndefined();
    expect(parseChatDate('sometime in May 2023')).toBeUndefined();
    expect(parseChatDate('Monday, 1 Smarch 2023 at 14:03:22 UTC')).toBeUndefined();
  });

  it('reads localized Takeouts in day-month order (month names from Intl)', () => {
    const want = '2023-05-01T14:03:22.000Z';
    expect(parseChatDate('Montag, 1. Mai 2023 um 14:03:22 UTC')?.toISOString()).toBe(want);
    expect(parseChatDate('lundi 1 mai 2023 à 14:03:22 UTC')?.toISOString()).toBe(want);
    expect(parseChatDate('lunes, 1 de mayo de 2023, 14:03:22 UTC')?.toISOString()).toBe(want);
    expect(parseChatDate('lunedì 1 maggio 2023 alle ore 14:03:22 UTC')?.toISOString()).toBe(want);
    expect(parseChatDate('segunda-feira, 1 de maio de 2023 às 14:03:22 UTC')?.toISOString()).toBe(want);
    expect(parseChatDate('maandag 1 mei 2023 om 14:03:22 UTC')?.toISOString()).toBe(want);
    expect(parseChatDate('Dienstag, 14. März 2023 um 09:00:00 UTC')?.toISOString()).toBe('2023-03-14T09:00:00.000Z');
  });
});
