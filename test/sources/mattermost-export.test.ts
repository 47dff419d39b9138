import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { Readable } from 'node:stream';
import { simpleParser } from 'mailparser';
import { mattermostExportSource as source } from '../../main/engine/sources/mattermost-export';
import { jsonlLines } from '../../main/engine/sources/mattermost-export/jsonl-lines';
import { getSource } from '../../main/engine/sources/registry';
import { validateItem } from '../../main/engine/validate';
import { convertItem } from '../../main/engine/convert/convert';
import { fixture } from '../helpers/fixtures';
import { attachmentContents, byId, collect, eventCounts } from '../helpers/source';
import { addressesOf, expectRoundTrip } from '../helpers/mail';
import { scratchDir, writeTree } from '../helpers/files';
import { writeZip } from '../helpers/zip';

const MADE = fixture('mattermost-export', 'made');
const MADE_JSONL = path.join(MADE, 'export.jsonl');
const ZULIP = fixture('mattermost-export', 'zulip-export.json');
const PLAN = 'Plan: launch on Thursday.\n';

const ANN = { id: 'ann@contoso.com', kind: 'email', platform: 'mattermost', email: 'ann@contoso.com', name: 'Ann Lee' };
const BOB = { id: 'bob@contoso.com', kind: 'email', platform: 'mattermost', email: 'bob@contoso.com', name: 'Bob Stone' };
const CARL = { id: 'carl@fabrikam.com', kind: 'email', platform: 'mattermost', email: 'carl@fabrikam.com', name: 'Carl Díaz' };

const ROOT = 'contoso/town-square/1711962000000/ann';
const MADE_IDS = [
  ROOT, `${ROOT}/reply/1711962600000/bob`, `${ROOT}/reply/1711963200000/carl`,
  'contoso/deal-room/1711963800000/bob', 'contoso/town-square/1711964400000/deploybot',
  'dm/ann,bob/1712048400000/bob', 'dm/ann,bob/1712048400000/bob/reply/1712048700000/ann',
  'dm/ann,bob,carl/1712049000000/carl', 'contoso/ghost/1712049600000/carl',
];

const tmp = scratchDir('ferry-mattermost-');

const writeFiles = (name: string, files: Record<string, string>) => writeTree(path.join(tmp, name), files);

describe('mattermost-export: JSONL lines', () => {
  it('numbers lines across chunk boundaries, drops CR and a BOM, and reports an over-long line', async () => {
    const chunks = [Buffer.from('\uFEFF{"a":1}\r\n{"b'), Buffer.from('":2}\n\nxxxxxxxxxx'), Buffer.from('xxxxxxxx\n{"c":3}')];
    const out = [];
    for await (const l of jsonlLines(Readable.from(chunks), 12)) out.push(l);
    expect(out).toEqual([
      { line: 1, end: 12, text: '{"a":1}' },
      { line: 2, end: 20, text: '{"b":2}' },
      { line: 3, end: 21, text: '' },
      { line: 4, end: 40, tooLong: true },
      { line: 5, end: 47, text: '{"c":3}' },
    ]);
  });
});

describe('mattermost-export: an export made for the tests', () => {
  it('is registered under its kind', () => {
    expect(getSource('mattermost-export')).toBe(source);
  });

  it('check() counts what the export holds', async () => {
    expect(await source.check({ path: MADE })).toEqual({
      ok: true,
      message: 'Mattermost bulk export: 1 team, 2 channels, 4 users, 2 direct channels, 5 posts, 2 direct posts; 2 bad lines',
    });
  });

  it('reads posts, replies and direct posts in file order, with counts per event', async () => {
    const r = await collect(source, { path: MADE });
    expect(r.items.map((i) => i.id)).toEqual(MADE_IDS);
    expect(eventCounts(r.items)).toEqual({ Message: 4, Reply: 3, DirectMessage: 2 });
    expect(r.items.every((i) => i.source === 'Mattermost')).toBe(true);
  });

  it('reports bad lines with their line numbers and goes on', async () => {
    const r = await collect(source, { path: MADE });
    expect(r.bad.map((b) => [b.origin.file, b.origin.position, b.reason.replace(/^(not valid JSON) \(.*\)$/, '$1')])).toEqual([
      [MADE_JSONL, 'line 12', 'not valid JSON'],
      [MADE_JSONL, 'line 13', 'post has no "user"'],
      [MADE_JSONL, 'line 15', 'not a bulk export object (no "type")'],
    ]);
    expect(r.notices).toEqual([
      `${MADE_JSONL}: lines of type "widget" hold no messages; skipped (first at line 14)`,
      `${MADE_JSONL}: channel "ghost" of team "contoso" is not defined in the export (first used at line 21); its members are unknown`,
    ]);
  });

  it('maps users by email; TO is the channel members (from memberships) minus the sender', async () => {
    const { items } = await collect(source, { path: MADE });
    const root = byId(items, ROOT);
    expect(root.from).toEqual(ANN);
    expect(root.to).toEqual([BOB, CARL]);
    expect(root.date!.toISOString()).toBe('2024-04-01T09:00:00.000Z');
    expect(root.conversation).toEqual({ id: 'contoso/town-square', name: 'Town Square' });
    expect(root.subject).toBe('Town Square: Hi @bob, the plan is <b>ready</b> & <script>alert(1)</script>');
    expect(byId(items, 'contoso/deal-room/1711963800000/bob').to).toEqual([ANN]);
    const bot = byId(items, 'contoso/town-square/1711964400000/deploybot');
    expect(bot.from).toEqual({ id: 'deploybot', kind: 'user-id', platform: 'mattermost', name: 'Deploy Bot' });
    expect(bot.to).toEqual([ANN, BOB, CARL]);
    expect(bot.text).toContain('Deploy finished\nbuild #42 (https://ci.contoso.com/builds/42)\nAll checks green');
    // A channel the export does not define: nobody else is known, so the author receives the copy.
    const ghost = byId(items, 'contoso/ghost/1712049600000/carl');
    expect(ghost.to).toEqual([CARL]);
  });

  it('links replies to their post, and direct posts to their members', async () => {
    const { items } = await collect(source, { path: MADE });
    const reply = byId(items, `${ROOT}/reply/1711963200000/carl`);
    expect([reply.event, reply.replyTo, reply.from]).toEqual(['Reply', ROOT, CARL]);
    expect(reply.to).toEqual([ANN, BOB]);
    expect(reply.text).toContain('In reply to: post of 2024-04-01 09:00:00 UTC');
    expect(reply.meta.Reactions).toBe('heart=1 (ann)');
    const dm = byId(items, 'dm/ann,bob/1712048400000/bob');
    expect([dm.event, dm.from, dm.to]).toEqual(['DirectMessage', BOB, [ANN]]);
    expect(dm.conversation!.name).toBe('Direct message: Ann Lee, Bob Stone');
    const dmReply = byId(items, 'dm/ann,bob/1712048400000/bob/reply/1712048700000/ann');
    expect([dmReply.event, dmReply.replyTo, dmReply.to]).toEqual(['Reply', 'dm/ann,bob/1712048400000/bob', [BOB]]);
    const group = byId(items, 'dm/ann,bob,carl/1712049000000/carl');
    expect([group.to, group.subject]).toEqual([[ANN, BOB], 'Group message: Ann Lee, Bob Stone, Carl Díaz: Group call at 3?']);
  });

  it('keeps edits, reactions, pins and attachments; escapes the HTML body', async () => {
    const { items } = await collect(source, { path: MADE });
    const root = byId(items, ROOT);
    expect(root.text).toContain('Hi @bob, the plan is <b>ready</b> & <script>alert(1)</script>\n\nEdited 2024-04-01 09:05:00 UTC\n'
      + 'Reactions: :+1: ×2 (Bob Stone, Carl Díaz)\nAttachment not in the export: data/attachments/missing.pdf');
    expect(root.html).toContain('&lt;b&gt;ready&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(root.html).not.toMatch(/<script|<b>/);
    expect(root.meta).toMatchObject({ 'Edited-At': '2024-04-01T09:05:00.000Z', Reactions: '+1=2 (bob,carl)',
      Attachments: 'data/attachments/plan.txt; data/attachments/missing.pdf', 'Mattermost-Team': 'contoso' });
    expect(root.attachments.map((a) => [a.filename, a.size])).toEqual([['plan.txt', PLAN.length]]);
    expect((await attachmentContents(root)).get('plan.txt')!.toString('utf8')).toBe(PLAN);
    const pinned = byId(items, 'contoso/deal-room/1711963800000/bob');
    expect(pinned.meta).toMatchObject({ Pinned: 'true', 'Flagged-By': 'ann' });
  });

  it('every item validates and converts to a message mailparser reads back', async () => {
    const { items } = await collect(source, { path: MADE });
    for (const item of items) {
      await expectRoundTrip(item, { source: 'Mattermost', to: (t) => t.email ?? `${t.id}@mattermost.invalid`, messageClass: true });
    }
    const root = await simpleParser((await convertItem(byId(items, ROOT))).mime);
    expect(addressesOf(root.from)).toEqual([{ name: 'Ann Lee', address: 'ann@contoso.com' }]);
    expect(root.attachments.map((a) => [a.filename, a.content.toString('utf8')])).toEqual([['plan.txt', PLAN]]);
    const reply = await simpleParser((await convertItem(byId(items, `${ROOT}/reply/1711962600000/bob`))).mime);
    expect(reply.inReplyTo).toBe(root.messageId);
  });

  it('reads the JSONL file chosen directly, finding attachments beside it', async () => {
    const direct = await collect(source, { path: MADE_JSONL });
    expect(direct.items.map((i) => i.id)).toEqual(MADE_IDS);
    expect((await attachmentContents(byId(direct.items, ROOT))).get('plan.txt')!.toString('utf8')).toBe(PLAN);
  });

  it('reads the ZIP that mmctl writes (JSONL plus data/), attachments included after the read', async () => {
    const zipPath = path.join(tmp, 'mmctl-export.zip');
    await writeZip(zipPath, { 'import.jsonl': { file: MADE_JSONL }, 'data/attachments/plan.txt': { file: path.join(MADE, 'data/attachments/plan.txt') } });
    expect((await source.check({ path: zipPath })).ok).toBe(true);
    const r = await collect(source, { path: zipPath });
    expect(r.items.map((i) => i.id)).toEqual(MADE_IDS);
    expect(r.bad.map((b) => b.origin.file)).toEqual([`${zipPath}!import.jsonl`, `${zipPath}!import.jsonl`, `${zipPath}!import.jsonl`]);
    const root = byId(r.items, ROOT);
    expect((await attachmentContents(root)).get('plan.txt')!.toString('utf8')).toBe(PLAN);
    // Attachment paths relative to data/ are found too.
    const rel = writeFiles('relative-paths', {
      'export.jsonl': [
        JSON.stringify({ type: 'version', version: 1 }),
        JSON.stringify({ type: 'direct_post', direct_post: { channel_members: ['a', 'b'], user: 'a', message: 'file', create_at: 1, attachments: [{ path: 'x/f.txt' }] } }),
      ].join('\n'),
      'data/x/f.txt': 'F',
    });
    const relItems = (await collect(source, { path: rel })).items;
    expect(await attachmentContents(relItems[0]!)).toEqual(new Map([['f.txt', Buffer.from('F')]]));
  });
});

describe('mattermost-export: the zulip sample (Apache-2.0)', () => {
  it('converts every post and reply, mapping users by email', async () => {
    expect(await source.check({ path: ZULIP })).toEqual({
      ok: true, message: 'Mattermost bulk export: 2 teams, 5 channels, 5 users, 0 direct channels, 20 posts, 0 direct posts',
    });
    const r = await collect(source, { path: ZULIP });
    expect(r.bad).toEqual([]);
    expect(eventCounts(r.items)).toEqual({ Message: 20, Reply: 1 });
    const hello = byId(r.items, 'gryffindor/gryffindor-quidditch-team/1553165193242/harry');
    expect(hello.from).toMatchObject({ id: 'harry@zulip.com', kind: 'email', name: 'Harry Potter' });
    expect(hello.to.map((t) => t.id)).toEqual(['ron@zulip.com']);
    expect(hello.meta.Reactions).toBe('tick=1 (harry); smile=1 (ron); world_map=1 (ron)');
    const reply = byId(r.items, 'gryffindor/dumbledores-army/1553166657086/harry/reply/1553166584976/ron');
    expect(reply.replyTo).toBe('gryffindor/dumbledores-army/1553166657086/harry');
    for (const item of r.items) expect(validateItem(item)).toBeNull();
  });
});

describe('mattermost-export: what is not a bulk export', () => {
  it('refuses a folder without one, a file that is not one, and two candidates at once', async () => {
    const none = writeFiles('none', { 'readme.txt': 'hi' });
    expect(await source.check({ path: none })).toEqual({ ok: false, message: `${none}: no Mattermost bulk export found (a .jsonl file, or a .json file whose first line is {"type":"version",...})` });
    await expect(collect(source, { path: none })).rejects.toMatchObject({ errorClass: 'config' });
    const notOne = writeFiles('not-one', { 'data.jsonl': '{"hello": "world"}\n' });
    expect(await source.check({ path: path.join(notOne, 'data.jsonl') })).toEqual({
      ok: false, message: `${path.join(notOne, 'data.jsonl')}: not a Mattermost bulk export (line 1 is not {"type":"version",...})`,
    });
    const two = writeFiles('two', { 'a.jsonl': '{"type":"version","version":1}\n', 'b.jsonl': '{"type":"version","version":1}\n' });
    expect((await source.check({ path: two })).message).toBe(`${two}: several bulk export files (a.jsonl, b.jsonl); choose one of them`);
  });
});
