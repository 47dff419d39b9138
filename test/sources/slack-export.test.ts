import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { slackExportSource as source } from '../../main/engine/sources/slack-export';
import { parseMrkdwn } from '../../main/engine/sources/shared/mrkdwn';
import { piecesToHtml, piecesToText } from '../../main/engine/sources/shared/pieces';
import { parseTs } from '../../main/engine/sources/slack-export/message';
import { getSource } from '../../main/engine/sources/registry';
import { validateItem } from '../../main/engine/validate';
import { convertItem } from '../../main/engine/convert/convert';
import { FerryError } from '../../main/engine/errors';
import { fixture } from '../helpers/fixtures';
import { attachmentContents, byId, collect, eventCounts } from '../helpers/source';
import { addressesOf, expectRoundTrip } from '../helpers/mail';
import { scratchDir, writeTree } from '../helpers/files';
import { zipFolder } from '../helpers/zip';

const MADE = fixture('slack-export', 'made');
const REAL_ZIP = fixture('slack-export', 'testarchive.zip');
const REPORT = 'Q1 revenue: 1.2M\nQ1 costs: 0.9M\nQ1 margin: 25%\n';

const ANN = { id: 'U01ANN', kind: 'user-id', platform: 'slack', name: 'Ann Lee', email: 'ann@contoso.com' };
const BOB = { id: 'U02BOB', kind: 'user-id', platform: 'slack', name: 'Bob Stone', email: 'bob@contoso.com' };
const CARL = { id: 'U03CARL', kind: 'user-id', platform: 'slack', name: 'Carl Díaz', email: 'carl@fabrikam.com' };
const DANA = { id: 'U04DANA', kind: 'user-id', platform: 'slack', name: 'Dana Kim' };

/** Ids of the made export in read order: folders by name (upper case first), days by date. */
const MADE_IDS = [
  'D01ANNBOB/1709629200.000100',
  'G01SECRET/1709542800.000100', 'G01SECRET/1709544600.000200',
  'C01GENERAL/1709280000.000100', 'C01GENERAL/1709283600.123456', 'C01GENERAL/1709287200.000200',
  'C01GENERAL/1709290800.000300', 'C01GENERAL/1709294400.000400', 'C01GENERAL/1709298000.000500',
  'C01GENERAL/1709301600.000600', 'C01GENERAL/1709370000.000100',
  'C01GENERAL/1709456400.000100', 'C01GENERAL/1709460000.000200',
  'G02MPIM/1709715600.000100',
  'C02RANDOM/1709283600.000700', 'C02RANDOM/1709287200.000800',
];
const PARENT = 'C01GENERAL/1709283600.123456';

const tmp = scratchDir('ferry-slack-');

/** A small export written under tmp: `files` maps paths to JSON values or raw text. */
const writeExport = (name: string, files: Record<string, unknown>) => writeTree(path.join(tmp, name), files);

describe('slack-export: mrkdwn and timestamps', () => {
  const names = { user: (id: string) => ({ U1: 'Ann Lee' } as Record<string, string>)[id], channel: (id: string) => ({ C1: 'general' } as Record<string, string>)[id] };

  it('renders mentions, channels, broadcasts and links, and decodes the three escapes', () => {
    const r = parseMrkdwn('<@U1> <@U9|zed> in <#C1> &amp; <#C2|ops>: <!here> <!subteam^S1|@eng> <https://x.test/?a=1&amp;b=2|a &lt;b&gt;> <mailto:a@b.test|a@b.test> <https://y.test>', names);
    expect(piecesToText(r.pieces)).toBe('@Ann Lee @zed in #general & #ops: @here @eng a <b> (https://x.test/?a=1&b=2) a@b.test https://y.test');
    expect(r.mentions).toEqual(['U1', 'U9']);
    const html = piecesToHtml(r.pieces);
    expect(html).toContain('<a href="https://x.test/?a=1&amp;b=2">a &lt;b&gt;</a>');
    expect(html).toContain('<a href="mailto:a@b.test">a@b.test</a>');
  });

  it('keeps a literal <tag> as text and never makes a javascript: link', () => {
    const r = parseMrkdwn('<script>alert(1)</script> <javascript:alert(1)|click>', names);
    expect(piecesToText(r.pieces)).toBe('<script>alert(1)</script> click (javascript:alert(1))');
    const html = piecesToHtml(r.pieces);
    expect(html).not.toMatch(/<script|<a /);
    expect(html).toContain('&lt;script&gt;');
  });

  it('reads ts as UTC epoch seconds with microseconds', () => {
    expect(parseTs('1709283600.123456')?.toISOString()).toBe('2024-03-01T09:00:00.123Z');
    expect(parseTs('1452845865')?.toISOString()).toBe('2016-01-15T08:17:45.000Z');
    expect(parseTs('yesterday')).toBeUndefined();
    expect(parseTs(undefined)).toBeUndefined();
  });
});

describe('slack-export: an export made for the tests (folder)', () => {
  it('is registered under its kind', () => {
    expect(getSource('slack-export')).toBe(source);
  });

  it('check() summarises conversations, users and day files', async () => {
    expect(await source.check({ path: MADE })).toEqual({
      ok: true,
      message: 'Slack export: 2 channels, 1 private channel, 1 DM, 1 group DM, 5 users, 8 day files in 5 conversation folders',
    });
  });

  it('reads every conversation in a fixed order, with counts per event', async () => {
    const r = await collect(source, { path: MADE });
    expect(r.items.map((i) => i.id)).toEqual(MADE_IDS);
    expect(eventCounts(r.items)).toEqual({ Message: 8, ThreadReply: 2, BotMessage: 1, FileShare: 2, ChannelJoin: 1, ChannelLeave: 1, System: 1 });
    expect(r.items.every((i) => i.source === 'Slack')).toBe(true);
    expect(r.notices).toEqual([]);
  });

  it('reports a truncated day file and a day file that is not an array, with file and offset, and goes on', async () => {
    const r = await collect(source, { path: MADE });
    expect(r.bad).toHaveLength(2);
    const [truncated, notArray] = r.bad;
    expect(truncated!.origin.file).toBe(path.join(MADE, 'general/2024-03-02.json'));
    expect(truncated!.origin.position).toBe('byte 170, after 1 messages');
    expect(truncated!.reason).toMatch(/truncated JSON, it ends at byte 170/);
    expect(notArray!.origin.file).toBe(path.join(MADE, 'random/2024-03-02.json'));
    expect(notArray!.reason).toBe('not a JSON array of messages (it begins with "{")');
    // The complete message before the cut is kept, and the next day file is read.
    expect(r.items.map((i) => i.id)).toContain('C01GENERAL/1709370000.000100');
    expect(r.items.map((i) => i.id)).toContain('C01GENERAL/1709456400.000100');
  });

  it('gives FROM and TO with names and emails; TO is the members minus the sender', async () => {
    const { items } = await collect(source, { path: MADE });
    const parent = byId(items, PARENT);
    expect(parent.from).toEqual(ANN);
    expect(parent.to).toEqual([BOB, CARL, DANA]);
    expect(parent.date!.toISOString()).toBe('2024-03-01T09:00:00.123Z');
    expect(parent.conversation).toEqual({ id: 'C01GENERAL', name: '#general' });
    expect(parent.subject).toBe('#general: Hi @Bob Stone, see Q1 plan & #random…');
    // A private channel, a DM and an MPIM use their own member lists.
    expect(byId(items, 'G01SECRET/1709544600.000200').to).toEqual([ANN]);
    const dm = byId(items, 'D01ANNBOB/1709629200.000100');
    expect(dm.from).toEqual(BOB);
    expect(dm.to).toEqual([ANN]);
    expect(dm.conversation!.name).toBe('Direct message: Ann Lee, Bob Stone');
    const mpim = byId(items, 'G02MPIM/1709715600.000100');
    expect(mpim.to).toEqual([ANN, BOB]);
    expect(mpim.subject).toBe('Group DM: Ann Lee, Bob Stone, Carl Díaz: Group call at 3?');
    // #random lists no members: the people seen in it receive its messages.
    expect(byId(items, 'C02RANDOM/1709283600.000700').to).toEqual([DANA]);
    expect(byId(items, 'C02RANDOM/1709287200.000800').to).toEqual([CARL]);
  });

  it('renders mentions, links and entities, and escapes <script> in the HTML body', async () => {
    const { items } = await collect(source, { path: MADE });
    const parent = byId(items, PARENT);
    expect(parent.text).toContain('Hi @Bob Stone, see Q1 plan (https://contoso.com/q1?a=1&b=2) & #random <script>alert(1)</script>');
    expect(parent.text).toMatch(/^Author: Ann Lee <ann@contoso.com>\nDate: 2024-03-01 09:00:00 UTC\nConversation: #general\n/);
    expect(parent.html).toContain('<a href="https://contoso.com/q1?a=1&amp;b=2">Q1 plan</a>');
    expect(parent.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(parent.html).not.toContain('<script');
    // Rich-text blocks stand in for an empty text.
    const rich = byId(items, 'C01GENERAL/1709301600.000600');
    expect(rich.text).toContain('Thanks @Carl Díaz, details: here (https://contoso.com/details)');
    expect(rich.to).toEqual([ANN, CARL, DANA]);
  });

  it('puts edits and reactions in the footer and in meta', async () => {
    const { items } = await collect(source, { path: MADE });
    const parent = byId(items, PARENT);
    expect(parent.text).toContain('Edited 2024-03-01 09:01:40 UTC\nReactions: :thumbsup: ×2 (Bob Stone, Carl Díaz)\nThread: 2 replies');
    expect(parent.meta).toMatchObject({
      'Slack-Ts': '1709283600.123456', 'Edited-At': '2024-03-01T09:01:40.000Z', 'Edited-By': 'U01ANN',
      Reactions: 'thumbsup=2 (U02BOB,U03CARL)',
    });
  });

  it('links thread replies to their parent, across day files', async () => {
    const { items } = await collect(source, { path: MADE });
    const reply = byId(items, 'C01GENERAL/1709287200.000200');
    expect(reply.event).toBe('ThreadReply');
    expect(reply.replyTo).toBe(PARENT);
    expect(reply.text).toContain('In reply to: thread started 2024-03-01 09:00:00 UTC');
    const broadcast = byId(items, 'C01GENERAL/1709460000.000200');
    expect(broadcast.event).toBe('ThreadReply');
    expect(broadcast.replyTo).toBe(PARENT);
    expect(broadcast.meta['Slack-Subtype']).toBe('thread_broadcast');
    expect(byId(items, PARENT).replyTo).toBeUndefined();
  });

  it('gives bots their own identity and renders their attachments', async () => {
    const { items } = await collect(source, { path: MADE });
    const bot = byId(items, 'C01GENERAL/1709290800.000300');
    expect(bot.event).toBe('BotMessage');
    expect(bot.from).toEqual({ id: 'B05DEPLOY', kind: 'user-id', platform: 'slack', name: 'Deploy Bot' });
    expect(bot.to).toEqual([ANN, BOB, CARL, DANA]);
    expect(bot.text).toContain('Deploy finished\nbuild #42 (https://ci.contoso.com/builds/42)\nAll checks *green* for @Ann Lee');
  });

  it('attaches a file the export holds and lists one it does not, without access tokens', async () => {
    const { items } = await collect(source, { path: MADE });
    const present = byId(items, 'C01GENERAL/1709294400.000400');
    expect(present.event).toBe('FileShare');
    expect(present.attachments.map((a) => [a.filename, a.size, a.contentType])).toEqual([['q1-report.txt', 47, 'text/plain']]);
    expect((await attachmentContents(present)).get('q1-report.txt')!.toString('utf8')).toBe(REPORT);
    const absent = byId(items, 'C01GENERAL/1709298000.000500');
    expect(absent.attachments).toEqual([]);
    expect(absent.text).toContain('Shared file not in the export: budget.xlsx (20.0 KB), https://files.slack.com/files-pri/T01CONTOSO-F02ABSENT/budget.xlsx');
    expect(absent.meta.Files).toBe('F02ABSENT budget.xlsx');
    for (const i of items) expect(JSON.stringify([i.text, i.html, i.meta])).not.toContain('xoxe');
  });

  it('names join, leave and other channel events', async () => {
    const { items } = await collect(source, { path: MADE });
    const join = byId(items, 'C01GENERAL/1709280000.000100');
    expect([join.event, join.from, join.text!.split('\n').pop()]).toEqual(['ChannelJoin', DANA, '@Dana Kim has joined the channel']);
    expect(byId(items, 'C01GENERAL/1709456400.000100').event).toBe('ChannelLeave');
    const topic = byId(items, 'G01SECRET/1709542800.000100');
    expect(topic.event).toBe('System');
    expect(topic.meta['Slack-Subtype']).toBe('channel_topic');
    expect(topic.text).toContain('Event: channel_topic');
  });

  it('every item validates and converts to a message mailparser reads back', async () => {
    const { items } = await collect(source, { path: MADE });
    for (const item of items) {
      await expectRoundTrip(item, {
        source: 'Slack', from: (w) => w.email ?? `${w.id.toLowerCase()}@slack.invalid`, to: 'count', ignoreCase: true, wholeSeconds: true, messageClass: true,
      });
    }
    const parent = await simpleParser((await convertItem(byId(items, PARENT))).mime);
    expect(addressesOf(parent.to).map((a) => a.address)).toEqual(['bob@contoso.com', 'carl@fabrikam.com', 'U04DANA@slack.invalid']);
    expect(parent.html).toContain('&lt;script&gt;');
    const reply = await simpleParser((await convertItem(byId(items, 'C01GENERAL/1709287200.000200'))).mime);
    expect(reply.inReplyTo).toBe(parent.messageId);
    const file = await simpleParser((await convertItem(byId(items, 'C01GENERAL/1709294400.000400'))).mime);
    expect(file.attachments.map((a) => [a.filename, a.content.toString('utf8')])).toEqual([['q1-report.txt', REPORT]]);
  });

  it('stops at the next day file when the run is cancelled, and reports progress', async () => {
    const ac = new AbortController();
    const seen: string[] = [];
    const fractions: number[] = [];
    for await (const r of source.read({ path: MADE }, { signal: ac.signal, progress: (f) => fractions.push(f) })) {
      if ('id' in r && r.id) seen.push(r.id);
      if (seen.length === 2) ac.abort();
    }
    // Cancellation is checked between day files: the day file under way (deal-room, two messages) is finished.
    expect(seen).toEqual(MADE_IDS.slice(0, 3));
    const all: number[] = [];
    for await (const _ of source.read({ path: MADE }, { progress: (f) => all.push(f) })) { /* drain */ }
    expect(all.at(-1)).toBe(1);
    expect([...all].sort((a, b) => a - b)).toEqual(all);
    expect(fractions.length).toBeLessThan(all.length);
  });

  it('gives the same records in the same order on a second read', async () => {
    const a = await collect(source, { path: MADE });
    const b = await collect(source, { path: MADE });
    expect(b.items.map((i) => [i.id, i.event, i.text])).toEqual(a.items.map((i) => [i.id, i.event, i.text]));
    expect(b.bad).toEqual(a.bad);
  });
});

describe('slack-export: the same export as a ZIP (made with yazl)', () => {
  let zipPath: string;
  beforeAll(async () => {
    zipPath = path.join(tmp, 'contoso-slack.zip');
    // Slack's download unpacks to one folder; some tools zip that folder, so the root is one level down.
    await zipFolder(MADE, zipPath, 'Contoso Slack export Mar 1 2024 - Mar 6 2024/');
  });

  it('reads the same items, and attachments after the read has closed the ZIP', async () => {
    const folder = await collect(source, { path: MADE });
    const zipped = await collect(source, { path: zipPath });
    expect(zipped.items.map((i) => [i.id, i.event, i.subject, i.to.map((t) => t.id)]))
      .toEqual(folder.items.map((i) => [i.id, i.event, i.subject, i.to.map((t) => t.id)]));
    expect(zipped.bad.map((b) => [b.origin.file, b.reason])).toEqual([
      [`${zipPath}!Contoso Slack export Mar 1 2024 - Mar 6 2024/general/2024-03-02.json`, 'truncated JSON, it ends at byte 170 in the middle of a value'],
      [`${zipPath}!Contoso Slack export Mar 1 2024 - Mar 6 2024/random/2024-03-02.json`, 'not a JSON array of messages (it begins with "{")'],
    ]);
    const present = byId(zipped.items, 'C01GENERAL/1709294400.000400');
    expect((await attachmentContents(present)).get('q1-report.txt')!.toString('utf8')).toBe(REPORT);
    const m = await simpleParser((await convertItem(present)).mime);
    expect(m.attachments[0]!.content.toString('utf8')).toBe(REPORT);
  });

  it('check() reads the ZIP', async () => {
    expect((await source.check({ path: zipPath })).message).toBe('Slack export: 2 channels, 1 private channel, 1 DM, 1 group DM, 5 users, 8 day files in 5 conversation folders');
  });
});

describe('slack-export: the real 2016 export (hfaran/slack-export-viewer, MIT)', () => {
  it('check() summarises it', async () => {
    expect(await source.check({ path: REAL_ZIP })).toEqual({
      ok: true,
      message: 'Slack export: 2 channels, 0 private channels, 0 DMs, 0 group DMs, 4 users, 17 day files in 2 conversation folders',
    });
  });

  it('converts every message: joins, bots, file shares, a file comment, integrations', async () => {
    const r = await collect(source, { path: REAL_ZIP });
    expect(r.bad).toEqual([]);
    expect(eventCounts(r.items)).toEqual({ ChannelJoin: 8, Message: 50, BotMessage: 94, FileShare: 3, System: 3 });
    expect(new Set(r.items.map((i) => i.id)).size).toBe(r.items.length);
    const first = r.items[0]!;
    expect(first.id).toBe('C0JGLMMNX/1452837318.000002');
    expect(first.from).toEqual({ id: 'U0BMQB6JE', kind: 'user-id', platform: 'slack', name: 'Hamza Faran' });
    expect(first.to.map((t) => t.name)).toEqual(['heroeshannibal', 'Hermione Granger', 'Harry Potter']);
    expect(first.date!.toISOString()).toBe('2016-01-15T05:55:18.000Z');
    const share = byId(r.items, 'C0JL6CGQ2/1459052866.000012');
    expect(share.event).toBe('FileShare');
    expect(share.text).toContain('Shared file not in the export: 100_cities.js (4.1 KB), https://files.slack.com/files-pri/T0BMHLSRH-F0VNAKDE2/100_cities.js');
    const comment = byId(r.items, 'C0JL6CGQ2/1459106048.000018');
    expect([comment.event, comment.from!.name]).toEqual(['Message', 'Hermione Granger']);
    const edited = byId(r.items, 'C0JL6CGQ2/1458972985.000010');
    expect(edited.meta['Edited-At']).toBe('2016-03-26T08:32:14.000Z');
    const reacted = byId(r.items, 'C0JGLMMNX/1459154014.000018');
    expect([reacted.event, reacted.meta.Reactions]).toEqual(['BotMessage', 'botman=1 (U0BMYT2FL)']);
    for (const item of r.items) {
      expect(validateItem(item)).toBeNull();
      expect(JSON.stringify([item.text, item.html])).not.toContain('xoxe');
    }
    for (const item of r.items.slice(0, 20)) await simpleParser((await convertItem(item)).mime);
  });
});

describe('slack-export: bad and unusual exports', () => {
  it('refuses a folder that is not a Slack export, and a missing path', async () => {
    const dir = writeExport('not-slack', { 'notes.txt': 'hello' });
    const c = await source.check({ path: dir });
    expect(c).toEqual({ ok: false, message: `${dir}: not a Slack workspace export (no users.json or channels.json found)` });
    await expect(collect(source, { path: dir })).rejects.toMatchObject({ errorClass: 'config' });
    expect((await source.check({ path: path.join(tmp, 'nowhere') })).ok).toBe(false);
    await expect(collect(source, { path: path.join(tmp, 'nowhere') })).rejects.toBeInstanceOf(FerryError);
  });

  it('refuses an export with lists but no day files, saying what it found', async () => {
    const dir = writeExport('lists-only', { 'users.json': [{ id: 'U1', name: 'a' }], 'channels.json': [{ id: 'C1', name: 'general', members: ['U1'] }] });
    const c = await source.check({ path: dir });
    expect(c.ok).toBe(false);
    expect(c.message).toBe(`${dir}: this Slack export has no conversation folders (no <channel>/YYYY-MM-DD.json day files); found 1 channel, 0 private channels, 0 DMs, 0 group DMs, 1 user, 0 day files in 0 conversation folders`);
    await expect(collect(source, { path: dir })).rejects.toMatchObject({ errorClass: 'config' });
  });

  it('reads slackdump layouts: __uploads/<id>/<name> and <folder>/attachments/<id>-<name>', async () => {
    const dir = writeExport('slackdump', {
      'users.json': [{ id: 'U1', name: 'ann', real_name: 'Ann Lee', profile: { email: 'ann@contoso.com' } }, { id: 'U2', name: 'bob' }],
      'channels.json': [{ id: 'C1', name: 'general', members: ['U1', 'U2'] }],
      'general/2024-01-01.json': [
        { type: 'message', user: 'U1', text: 'one', ts: '1704103200.000100', files: [{ id: 'F1', name: 'a.txt', size: 1 }] },
        { type: 'message', user: 'U1', text: 'two', ts: '1704103260.000200', files: [{ id: 'F2', name: 'b.txt', size: 1, url_private: 'attachments/F2-b.txt' }] },
        { type: 'message', user: 'U2', text: 'gone', ts: '1704103320.000300', files: [{ id: 'F3', mode: 'tombstone' }] },
      ],
      '__uploads/F1/a.txt': 'A',
      'general/attachments/F2-b.txt': 'B',
    });
    const r = await collect(source, { path: dir });
    expect(r.bad).toEqual([]);
    expect(await attachmentContents(r.items[0]!)).toEqual(new Map([['a.txt', Buffer.from('A')]]));
    expect(await attachmentContents(r.items[1]!)).toEqual(new Map([['b.txt', Buffer.from('B')]]));
    expect(r.items[2]!.attachments).toEqual([]);
    expect(r.items[2]!.text).toContain('File F3: deleted in Slack');
  });

  it('reads an unlisted conversation folder (with a notice), a message without an author as a bad record, and a message without ts', async () => {
    const dir = writeExport('odd', {
      'users.json': [{ id: 'U1', name: 'ann' }, { id: 'U2', name: 'bob' }],
      'channels.json': [],
      'lost-channel/2024-01-01.json': [
        { type: 'message', user: 'U1', text: 'hello', ts: '1704103200.000100' },
        { type: 'message', text: 'who wrote this?', ts: '1704103260.000200' },
        { type: 'message', user: 'U2', text: 'no time' },
        'not an object',
        { type: 'message', user: 'U2', text: 'hi <@U1>', ts: '1704103320.000300' },
      ],
      'lost-channel/canvas.json': { title: 'x' },
    });
    const r = await collect(source, { path: dir });
    expect(r.items.map((i) => [i.id, i.to.map((t) => t.id)])).toEqual([
      ['lost-channel/1704103200.000100', ['U2']],
      ['lost-channel/1704103320.000300', ['U1']],
    ]);
    expect(r.bad.map((b) => [b.origin.position, b.reason])).toEqual([
      ['message 1', 'message has neither "user" nor "bot_id": its author is unknown'],
      ['message 2', 'message has no valid "ts" timestamp (null)'],
      ['message 3', 'not a message object'],
    ]);
    expect(r.notices).toEqual([
      `${path.join(dir, 'lost-channel/canvas.json')}: skipped, not a day file (YYYY-MM-DD.json)`,
      `${path.join(dir, 'lost-channel/')}: not listed in channels.json, groups.json, dms.json or mpims.json; read as conversation "lost-channel"`,
    ]);
  });

  it('a sender alone in a conversation receives their own message, so it is still archived', async () => {
    const dir = writeExport('alone', {
      'users.json': [{ id: 'U1', name: 'ann', profile: { email: 'ann@contoso.com' } }],
      'channels.json': [{ id: 'C1', name: 'notes', members: ['U1'] }],
      'notes/2024-01-01.json': [{ type: 'message', user: 'U1', text: 'note to self', ts: '1704103200.000100' }],
    });
    const { items } = await collect(source, { path: dir });
    expect(items[0]!.to).toEqual([items[0]!.from]);
    expect(validateItem(items[0]!)).toBeNull();
  });

  it('a broken users.json is a bad record; the users before the break still have names', async () => {
    const dir = writeExport('broken-users', {
      'users.json': '[{"id": "U1", "name": "ann", "real_name": "Ann Lee"}, {"id": "U2", "na',
      'channels.json': [{ id: 'C1', name: 'general', members: ['U1', 'U2'] }],
      'general/2024-01-01.json': [{ type: 'message', user: 'U1', text: 'hi', ts: '1704103200.000100' }],
    });
    const r = await collect(source, { path: dir });
    expect(r.bad).toHaveLength(1);
    expect(r.bad[0]!.origin.file).toBe(path.join(dir, 'users.json'));
    expect(r.bad[0]!.reason).toMatch(/truncated JSON/);
    expect(r.items[0]!.from!.name).toBe('Ann Lee');
    expect(r.items[0]!.to).toEqual([{ id: 'U2', kind: 'user-id', platform: 'slack' }]);
  });
});
