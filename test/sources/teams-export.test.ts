import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { teamsExportSource as source } from '../../main/engine/sources/teams-export';
import { htmlToText } from '../../main/engine/sources/teams-export/html-text';
import { getSource } from '../../main/engine/sources/registry';
import type { Identity, Item } from '../../main/engine/item';
import { convertItem } from '../../main/engine/convert/convert';
import { ownAddress } from '../../main/engine/convert/addresses';
import { fixture } from '../helpers/fixtures';
import { collect } from '../helpers/source';
import { addressesOf, expectRoundTrip } from '../helpers/mail';
import { scratchDir } from '../helpers/files';
import { type ZipContent, writeZip } from '../helpers/zip';

const MADE = fixture('teams-export', 'made');
const TEAM_FILE = path.join(MADE, 'TeamsDataExport', 'teams', 'b5c0a1d2-0000-4000-8000-00000000c0de', 'messages_b5c0a1d2-0000-4000-8000-00000000c0de.json');
const CH = '19:deals0000000000000000000000000000@thread.tacv2';
const CHAT = '19:a1111111b2222222@unq.gbl.spaces';
const ANN = { id: 'a1111111-1111-4111-8111-111111111111', kind: 'user-id', platform: 'teams', name: 'Ann Lee', email: 'ann.lee@contoso.com' };
const BOB = { id: 'b2222222-2222-4222-8222-222222222222', kind: 'user-id', platform: 'teams', name: 'Bob Stone', email: 'bob.stone@contoso.com' };
const CHLOE = { id: 'c3333333-3333-4333-8333-333333333333', kind: 'user-id', platform: 'teams', name: 'Chloé Dubois', email: 'chloe.dubois@contoso.com' };
const CI = { id: 'app-00000000-ci', kind: 'user-id', platform: 'teams', name: 'Contoso CI' };

const tmp = scratchDir('ferry-teams-');

async function roundTrips(items: Item[]): Promise<void> {
  const address = (who: Identity) => ownAddress(who).address;
  for (const item of items) {
    // Domains compare case-insensitively (the MIME writer lower-cases them).
    const { parsed: p } = await expectRoundTrip(item, {
      source: 'Teams', from: address, to: address, ignoreCase: true, wholeSeconds: true, inReplyTo: 'always', messageClass: true,
    });
    // Nothing from the source's HTML survives as markup.
    expect(p.html || '').not.toMatch(/<script|onerror=|<img/i);
  }
}

describe('teams-export: HTML bodies', () => {
  it('renders HTML to text: blocks and breaks, links with their target, alt texts; scripts and handlers gone', () => {
    expect(htmlToText('<p>Hi <at id="0">Bob</at>, see <a href="https://x.example/">the deck</a> &amp; <b>this</b></p><script>alert(1)</script><div>a<br>b</div><ul><li>one</li><li>two</li></ul><img src="x" onerror="alert(1)" alt="chart">'))
      .toBe('Hi Bob, see the deck (https://x.example/) & this\na\nb\n• one\n• two\n[chart]');
  });
});

describe('teams-export: a channel and a chat made for the tests', () => {
  it('is registered; check() counts files, conversations, messages and users', async () => {
    expect(getSource('teams-export')).toBe(source);
    expect(await source.check({ path: MADE })).toEqual({ ok: true, message: '2 message files, 2 conversations, 9 messages, 3 users in usersList.json' });
  });

  it('yields every message with its event, and the bad ones with file and position', async () => {
    const { items, bad, notices } = await collect(source, { path: MADE });
    expect(items.map((i) => [i.id, i.event])).toEqual([
      [`${CH}/1709283600000`, 'Message'], [`${CH}/1709283720000`, 'Reply'], [`${CH}/1709283780000`, 'Reply'],
      [`${CH}/1709287200000`, 'System'], [`${CH}/1709287260000`, 'Message'],
      [`${CHAT}/1709373600000`, 'Message'], [`${CHAT}/1709373660000`, 'Message'],
    ]);
    expect(bad.map((b) => [b.origin.file, b.origin.position, b.reason])).toEqual([
      [TEAM_FILE, 'messages[5]', 'message has no id'],
      [TEAM_FILE, 'messages[6], message 1709287380000', 'createdDateTime "soon" is not an ISO 8601 date (the input "soon" can\'t be parsed as ISO 8601)'],
    ]);
    expect(notices).toEqual([]);
  });

  it('FROM the user (with the email usersList.json gives) or the app; TO everyone else in the conversation; the chat file\'s user is in every chat', async () => {
    const { items } = await collect(source, { path: MADE });
    expect(items[0]).toMatchObject({ from: ANN, to: [BOB, CHLOE, CI] });
    expect(items[3]).toMatchObject({ from: ANN, to: [BOB, CHLOE, CI] });
    expect(items[4]).toMatchObject({ from: CI, to: [ANN, BOB, CHLOE] });
    expect(items[5]).toMatchObject({ from: BOB, to: [ANN], conversation: { id: CHAT, name: 'Teams chat: Bob Stone, Ann Lee' } });
    expect(items[6]).toMatchObject({ from: ANN, to: [BOB] });
  });

  it('dates in UTC, replies threaded, subjects, edits, deletions, reactions, mentions and linked files', async () => {
    const { items } = await collect(source, { path: MADE });
    expect(items[1]!.date?.toISOString()).toBe('2024-03-01T09:02:00.000Z');
    expect(items[1]!.replyTo).toBe(`${CH}/1709283600000`);
    expect(items[0]!.subject).toBe('Teams channel: Fabrikam deal');
    expect(items[0]!.text).toContain('Subject: Fabrikam deal\n\nHi Bob Stone, the Fabrikam deal is here (https://contoso.example/deal/42).\n[chart: https://contoso.example/x.png]');
    expect(items[0]!.text).not.toContain('alert');
    expect(items[0]!.meta).toMatchObject({
      Reactions: 'Like Chloé Dubois', Mentions: 'Bob Stone', 'Teams-Team-Id': 'b5c0a1d2-0000-4000-8000-00000000c0de',
      'Linked-Attachment': 'File (a link, not in the export): contract.pdf https://contoso.sharepoint.com/sites/deals/Shared%20Documents/contract.pdf',
      'Web-Url': 'https://teams.microsoft.com/l/message/x/1709283600000',
    });
    expect(items[0]!.attachments).toEqual([]);
    expect(items[1]!.meta.Edited).toBe('2024-03-01T09:05:00.000Z');
    expect(items[1]!.html).toContain('Thanks &amp; noted &lt;script&gt; stays text');
    expect(items[2]!.meta.Deleted).toBe('2024-03-01T09:10:00.000Z');
    expect(items[2]!.text).toContain('Deleted in Teams: 2024-03-01 09:10:00 UTC');
    expect(items[3]!.subject).toBe('Teams channel: Ann Lee: members added (Chloé Dubois)');
    expect(items[5]!.text).toContain('Plain text <b>not html</b>');
    expect(items[6]!.subject).toBe('Teams chat: Bob Stone, Ann Lee: Call me 📞');
  });

  it('every item validates and converts; users with an email get their real address', async () => {
    const { items } = await collect(source, { path: MADE });
    await roundTrips(items);
    const p = await simpleParser((await convertItem(items[0]!)).mime);
    expect(addressesOf(p.from)[0]!.address).toBe('ann.lee@contoso.com');
  });

  it('one messages file chosen by itself finds usersList.json above it; a ZIP reads the same', async () => {
    const chats = path.join(MADE, 'TeamsDataExport', 'users', ANN.id, `messages_${ANN.id}.json`);
    const alone = await collect(source, { path: chats });
    expect(alone.items.map((i) => [i.from?.email, i.to.map((t) => t.email)])).toEqual([['bob.stone@contoso.com', ['ann.lee@contoso.com']], ['ann.lee@contoso.com', ['bob.stone@contoso.com']]]);
    const zipPath = path.join(tmp, 'teams.zip');
    const rels = ['teams/b5c0a1d2-0000-4000-8000-00000000c0de/messages_b5c0a1d2-0000-4000-8000-00000000c0de.json', `users/${ANN.id}/messages_${ANN.id}.json`, 'users/usersList.json'];
    await writeZip(zipPath, rels.map((rel): [string, ZipContent] => [`TeamsDataExport/${rel}`, { file: path.join(MADE, 'TeamsDataExport', rel) }]));
    const folder = await collect(source, { path: MADE });
    const zipped = await collect(source, { path: zipPath });
    expect(zipped.items.map((i) => [i.id, i.text, i.to])).toEqual(folder.items.map((i) => [i.id, i.text, i.to]));
  });

  it('a truncated file: what it holds, then a bad record naming the byte; no usersList.json is noticed', async () => {
    const file = path.join(tmp, 'messages_cut.json');
    const text = fs.readFileSync(TEAM_FILE, 'utf8');
    fs.writeFileSync(file, text.slice(0, text.indexOf('"Id": "1709283780000"')));
    const { items, bad, notices } = await collect(source, { path: file });
    expect(items.map((i) => i.id)).toEqual([`${CH}/1709283600000`, `${CH}/1709283720000`]);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.origin.position).toMatch(/^byte \d+$/);
    expect(bad[0]!.reason).toContain('every message up to messages[1], message 1709283720000 was read');
    expect(notices).toEqual([`${file}: no usersList.json found; people are known by their Teams ids and display names only, without email addresses`]);
  });

  it('a folder without messages files is a config error', async () => {
    const dir = path.join(tmp, 'none');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'usersList.json'), '[]');
    await expect(collect(source, { path: dir })).rejects.toMatchObject({ errorClass: 'config' });
    expect(await source.check({ path: dir })).toEqual({ ok: false, message: `${dir}: no messages_<id>.json in it (not a Microsoft Teams message export)` });
  });
});

describe('teams-export: the Apache-2.0 zulip samples (copied)', () => {
  it('a team channel with a post and two system events; a user\'s DM; names and emails from usersList.json', async () => {
    const { items, bad } = await collect(source, { path: fixture('teams-export', 'zulip') });
    expect(bad).toEqual([]);
    expect(items.map((i) => [i.event, i.from?.name, i.date?.toISOString()])).toEqual([
      ['Message', 'Will Begon', '2025-09-25T14:30:13.079Z'],
      ['System', 'Will Begon', '2025-09-25T14:29:52.135Z'],
      ['System', 'Application 62b732f7-fc71-40bc-b27d-35efcb0509de', '2025-09-26T14:14:57.283Z'],
      ['Message', 'Will Begon', '2025-10-09T13:01:01.662Z'],
      ['System', 'Will Begon', '2025-10-09T13:01:01.194Z'],
    ]);
    // The DM file is zoe's: she is TO, with her email from usersList.json.
    expect(items[3]!.to).toEqual([{ id: '5dbe468a-1e96-4aaa-856d-cdf825081e11', kind: 'user-id', platform: 'teams', name: 'zoe', email: 'zoe@ZulipChat.onmicrosoft.com' }]);
    expect(items[0]!.subject).toBe('Teams channel: hello! this is a channel message');
    expect(items[0]!.text).toContain('asdad');
    await roundTrips(items);
  });
});
