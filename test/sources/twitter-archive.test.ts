import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { twitterArchiveSource as source } from '../../main/engine/sources/twitter-archive';
import { getSource } from '../../main/engine/sources/registry';
import { type BadRecord, type Item, isBadRecord } from '../../main/engine/item';
import { validateItem } from '../../main/engine/validate';
import { convertItem } from '../../main/engine/convert/convert';
import { messageIdFor } from '../../main/engine/convert/message-id';
import { FerryError } from '../../main/engine/errors';
import { fixture } from '../helpers/fixtures';
import { filesUnder, scratchDir } from '../helpers/files';
import { addressesOf, expectRoundTrip } from '../helpers/mail';
import { byId, collect, eventCounts } from '../helpers/source';
import { type ZipContent, writeZip, zipFolder } from '../helpers/zip';

const SYNTH = fixture('twitter-archive', 'synthetic');
const OWNER = { id: 'fabrikam_news', kind: 'handle', platform: 'twitter', name: 'Fabrikam News', email: 'news@fabrikam.example' };
const ANN_ID = '3300000001';
const BOB_ID = '3300000002';
const CARL_ID = '3300000003';

const tmp = scratchDir('ferry-twitter-');

function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

/** Reads the whole source, reading each item's attachments while the export is still open (ZIPs close at the end). */
async function readAll(settings: { path: string } & Record<string, unknown>) {
  const items: Item[] = [];
  const bad: BadRecord[] = [];
  const notices: string[] = [];
  const bytes = new Map<string, Buffer>();
  for await (const r of source.read(settings, { notice: (m) => notices.push(m) })) {
    if (isBadRecord(r)) { bad.push(r); continue; }
    items.push(r);
    for (const a of r.attachments) bytes.set(a.filename, await a.read());
  }
  return { items, bad, notices, bytes };
}

const EXPECTED_COUNTS = {
  Tweet: 5, Reply: 3, Retweet: 1, Quote: 1, DirectMessage: 2, GroupDirectMessage: 2,
  JoinConversation: 1, ConversationNameUpdate: 1, ParticipantsJoin: 1, ParticipantsLeave: 1,
};

describe('twitter-archive: the synthetic archive (folder)', () => {
  it('is registered under its kind', () => {
    expect(getSource('twitter-archive')).toBe(source);
  });

  it('check() names the account and the files it will read', async () => {
    const r = await source.check({ path: SYNTH });
    expect(r).toEqual({ ok: true, message: 'account @fabrikam_news (Fabrikam News), tweets.js, tweets-part1.js, direct-messages.js, direct-messages-group.js, 3 media files' });
  });

  it('yields every tweet, DM and group event, in file order, with no failures', async () => {
    const { items, bad, notices } = await readAll({ path: SYNTH });
    expect(bad).toEqual([]);
    expect(notices).toEqual([]);
    expect(eventCounts(items)).toEqual(EXPECTED_COUNTS);
    expect(items.map((i) => i.id).slice(0, 11)).toEqual([
      '1790000000000000018', '1790000000000000017', '1790000000000000016', '1790000000000000015', '1790000000000000014',
      '1790000000000000013', '1790000000000000012', '1790000000000000011', '1790000000000000010', '1780000000000000001',
      'dm/1790000000000000103',
    ]);
    for (const i of items) {
      expect(i.source).toBe('Twitter');
      expect(i.origin.file).toContain(path.join('synthetic', 'data'));
    }
  });

  it('tweets: FROM is the owner, TO the accounts involved or the owner, dates in UTC, threads by parent id', async () => {
    const { items } = await readAll({ path: SYNTH });
    for (const i of items.filter((x) => !x.id.startsWith('dm/'))) expect(i.from).toEqual(OWNER);

    const plain = byId(items, '1790000000000000010');
    expect(plain.event).toBe('Tweet');
    expect(plain.to).toEqual([OWNER]);
    expect(plain.date?.toISOString()).toBe('2024-04-27T08:00:00.000Z');
    expect(plain.subject).toBe('Grüße aus Zürich! Café ☕ & crème brûlée 🎉 #fabrikam Read more https://fabrikam.example/news/zurich');
    expect(plain.text).toContain('Author: @fabrikam_news (Fabrikam News)\nDate: 2024-04-27 08:00:00 UTC\nTweet: https://x.com/fabrikam_news/status/1790000000000000010\n\n');
    expect(plain.text).toContain('Grüße aus Zürich! Café ☕ & crème brûlée 🎉 #fabrikam Read more https://fabrikam.example/news/zurich');
    expect(plain.text).not.toContain('&amp;');
    expect(plain.text).not.toContain('t.co');
    expect(plain.text).toContain('Likes: 7\nRetweets: 2\nClient: Twitter for iPhone\nLanguage: de\nTweet URL: https://x.com/fabrikam_news/status/1790000000000000010');
    expect(plain.html).toContain('crème brûlée 🎉');
    expect(plain.meta).toMatchObject({ 'Tweet-Id': '1790000000000000010', 'Favorite-Count': '7', 'Retweet-Count': '2', Client: 'Twitter for iPhone', Lang: 'de' });
    expect(plain.replyTo).toBeUndefined();

    const reply = byId(items, '1790000000000000011');
    expect(reply.event).toBe('Reply');
    expect(reply.to).toEqual([{ id: 'contoso_ann', kind: 'handle', platform: 'twitter', name: 'Ann at Contoso' }]);
    expect(reply.replyTo).toBe('1789999999999999999');
    // created_at was "Sun Apr 28 18:20:00 +0200 2024".
    expect(reply.date?.toISOString()).toBe('2024-04-28T16:20:00.000Z');
    expect(reply.subject).toBe('@contoso_ann Thanks, we will look into it <today>.');
    expect(reply.text).toContain('Reply to: @contoso_ann · https://x.com/contoso_ann/status/1789999999999999999');

    // The self-thread: each part answers the one before; only the owner is involved.
    expect(byId(items, '1790000000000000012').replyTo).toBeUndefined();
    expect(byId(items, '1790000000000000013')).toMatchObject({ event: 'Reply', replyTo: '1790000000000000012', to: [OWNER], subject: '2/3 Revenue grew 12% > plan.' });
    expect(byId(items, '1790000000000000014')).toMatchObject({ event: 'Reply', replyTo: '1790000000000000013', to: [OWNER] });

    const rt = byId(items, '1790000000000000015');
    expect(rt.event).toBe('Retweet');
    expect(rt.to).toEqual([{ id: 'contoso_ann', kind: 'handle', platform: 'twitter', name: 'Ann at Contoso' }]);
    expect(rt.text).toContain('Retweet of: @contoso_ann');
    expect(rt.text).toContain('RT @contoso_ann: Big launch today at Contoso! Come & see.');

    const quote = byId(items, '1790000000000000016');
    expect(quote.event).toBe('Quote');
    expect(quote.to).toEqual([{ id: 'contoso_ann', kind: 'handle', platform: 'twitter' }]);
    expect(quote.text).toContain('Quote of: https://twitter.com/contoso_ann/status/1789999999999999000');
    expect(quote.meta['Quoted-Tweet-Url']).toBe('https://twitter.com/contoso_ann/status/1789999999999999000');

    const part1 = byId(items, '1780000000000000001');
    expect(part1.to).toEqual([{ id: 'contoso_bob', kind: 'handle', platform: 'twitter', name: 'Bob Stone' }]);
    expect(part1.origin).toEqual({ file: path.join(SYNTH, 'data', 'tweets-part1.js'), position: 'element 0' });
  });

  it('tweets: attaches the photo kept in tweets_media and lists the one that is missing', async () => {
    const { items, bytes } = await readAll({ path: SYNTH });
    const photo = byId(items, '1790000000000000017');
    expect(photo.attachments.map((a) => [a.filename, a.size])).toEqual([['1790000000000000017-FabPhoto1.png', 73]]);
    expect(bytes.get('1790000000000000017-FabPhoto1.png')!.equals(
      fs.readFileSync(path.join(SYNTH, 'data', 'tweets_media', '1790000000000000017-FabPhoto1.png')))).toBe(true);
    expect(photo.subject).toBe('Our new office 📸');
    expect(photo.text).not.toContain('Media not in the archive');

    const gone = byId(items, '1790000000000000018');
    expect(gone.attachments).toEqual([]);
    expect(gone.text).toContain('Media not in the archive (photo): https://pbs.twimg.com/media/FabGone2.jpg');
    expect(gone.meta['Missing-Media']).toBe('https://pbs.twimg.com/media/FabGone2.jpg');
  });

  it('direct messages: the owner by handle, others by user id, media attached, reactions kept', async () => {
    const { items, bytes } = await readAll({ path: SYNTH });
    const ann = { id: ANN_ID, kind: 'user-id', platform: 'twitter' };
    const sent = byId(items, 'dm/1790000000000000103');
    expect(sent).toMatchObject({ event: 'DirectMessage', from: OWNER, to: [ann],
      conversation: { id: `2244000001-${ANN_ID}`, name: `DM with ${ANN_ID}` } });
    expect(sent.date?.toISOString()).toBe('2024-05-03T09:10:00.000Z');
    expect(sent.subject).toBe(`DM with ${ANN_ID}: Here is the brochure https://fabrikam.example/brochure https://t.co/DmPic00001`);
    expect(sent.text).toContain('Reaction: like by user 3300000001 at 2024-05-03 09:12:00 UTC');
    expect(sent.meta).toMatchObject({ Reactions: 'like:3300000001', 'Dm-Id': '1790000000000000103', 'Sender-Id': '2244000001', 'Recipient-Id': ANN_ID });
    expect(sent.attachments.map((a) => a.filename)).toEqual(['1790000000000000103-DmPic1.png']);
    expect(bytes.get('1790000000000000103-DmPic1.png')!.equals(
      fs.readFileSync(path.join(SYNTH, 'data', 'direct_messages_media', '1790000000000000103-DmPic1.png')))).toBe(true);

    const received = byId(items, 'dm/1790000000000000102');
    expect(received).toMatchObject({ from: ann, to: [OWNER] });
    expect(received.text).toContain('Hi! Could you send the brochure? Ça marche 👍');

    // Group: TO is every other participant seen anywhere in the conversation, the name its latest name.
    const group = byId(items, 'dm/1790000000000000302');
    expect(group.event).toBe('GroupDirectMessage');
    expect(group.from).toEqual({ id: BOB_ID, kind: 'user-id', platform: 'twitter' });
    expect(group.to).toEqual([OWNER, ann, { id: CARL_ID, kind: 'user-id', platform: 'twitter' }]);
    expect(group.conversation).toEqual({ id: '1700000000000000500', name: 'Launch crew' });
    expect(group.subject).toBe('Launch crew: Agenda attached https://t.co/AgNdA00001');
    expect(bytes.get('1790000000000000302-Agenda.png')!.equals(
      fs.readFileSync(path.join(SYNTH, 'data', 'direct_messages_group_media', '1790000000000000302-Agenda.png')))).toBe(true);
    expect(byId(items, 'dm/1790000000000000301').to.map((t) => t.id)).toEqual([ANN_ID, BOB_ID, CARL_ID]);

    const events = items.filter((i) => /^(JoinConversation|ParticipantsJoin|ParticipantsLeave|ConversationNameUpdate)$/.test(i.event));
    expect(events.map((e) => [e.event, e.from?.id, e.date?.toISOString()])).toEqual([
      ['ParticipantsLeave', CARL_ID, '2024-05-04T10:10:00.000Z'],
      ['ParticipantsJoin', 'fabrikam_news', '2024-05-04T10:05:00.000Z'],
      ['ConversationNameUpdate', ANN_ID, '2024-05-04T10:01:00.000Z'],
      ['JoinConversation', ANN_ID, '2024-05-04T10:00:00.000Z'],
    ]);
    expect(events[1]!.text).toContain('@fabrikam_news (Fabrikam News) added user 3300000003 to the conversation.');
    expect(events[2]!.text).toContain('renamed the conversation to "Launch crew"');
    for (const e of events) expect(e.id).toMatch(/^dm\/1700000000000000500\/[a-zA-Z]+\/2024-05-04T10:\d\d:00\.000Z\/[0-9a-f]{12}$/);
    // Ids are stable: a second read gives the same ones.
    const again = await readAll({ path: SYNTH });
    expect(again.items.map((i) => i.id)).toEqual(items.map((i) => i.id));
  });

  it('reports progress from 0 to 1, never going back', async () => {
    const seen: number[] = [];
    for await (const r of source.read({ path: SYNTH }, { progress: (f) => seen.push(f) })) void r;
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= seen[i - 1]!))).toBe(true);
    expect(seen[seen.length - 1]).toBe(1);
  });

  it('every item validates and converts to a message whose headers parse back', async () => {
    const { items } = await readAll({ path: SYNTH });
    for (const item of items) {
      const { parsed: p } = await expectRoundTrip(item, {
        source: 'Twitter', from: (w) => (w.id === 'fabrikam_news' ? 'news@fabrikam.example' : `${w.id}@twitter.invalid`),
        to: (t) => t.email ?? `${t.id}@twitter.invalid`, inReplyTo: 'always', messageClass: true,
      });
      expect(p.attachments.map((a) => a.filename)).toEqual(item.attachments.map((a) => a.filename));
    }
    const reply = await simpleParser((await convertItem(byId(items, '1790000000000000013'))).mime);
    expect(reply.inReplyTo).toBe(messageIdFor('Twitter', '1790000000000000012'));
    expect(addressesOf(reply.to)).toEqual([{ name: 'Fabrikam News', address: 'news@fabrikam.example' }]);
    const photo = await simpleParser((await convertItem(byId(items, '1790000000000000017'))).mime);
    expect(photo.attachments[0]!.content.equals(fs.readFileSync(path.join(SYNTH, 'data', 'tweets_media', '1790000000000000017-FabPhoto1.png')))).toBe(true);
    expect(photo.attachments[0]!.contentType).toBe('image/png');
  });
});

describe('twitter-archive: the same archive in other shapes', () => {
  it('reads the ZIP (with a top-level folder) exactly as the folder, attachments included', async () => {
    const zipPath = path.join(tmp, 'twitter-2024-05-05.zip');
    await zipFolder(SYNTH, zipPath, 'twitter-2024-05-05-abc123/');
    const folder = await readAll({ path: SYNTH });
    const zipped = await readAll({ path: zipPath });
    expect(zipped.bad).toEqual([]);
    expect(zipped.notices).toEqual([]);
    expect(eventCounts(zipped.items)).toEqual(EXPECTED_COUNTS);
    const shape = (i: Item) => ({ id: i.id, event: i.event, from: i.from, to: i.to, date: i.date, subject: i.subject, text: i.text, replyTo: i.replyTo, meta: i.meta });
    expect(zipped.items.map(shape)).toEqual(folder.items.map(shape));
    expect(byId(zipped.items, '1790000000000000017').origin.file).toBe(`${zipPath}!twitter-2024-05-05-abc123/data/tweets.js`);
    expect([...zipped.bytes.keys()].sort()).toEqual([...folder.bytes.keys()].sort());
    for (const [name, b] of folder.bytes) expect(zipped.bytes.get(name)!.equals(b)).toBe(true);
    expect((await source.check({ path: zipPath })).ok).toBe(true);
  });

  it('reads the data/ folder itself', async () => {
    const { items, bad } = await readAll({ path: path.join(SYNTH, 'data') });
    expect(bad).toEqual([]);
    expect(eventCounts(items)).toEqual(EXPECTED_COUNTS);
  });

  it('refuses a ../ ZIP entry with a notice and reads the rest', async () => {
    const zipPath = path.join(tmp, 'evil.zip');
    // yazl will not write an unsafe name, so write a same-length safe one and patch it in the bytes.
    await writeZip(zipPath, [...filesUnder(SYNTH).map((rel): [string, ZipContent] => [rel, { file: path.join(SYNTH, rel) }]), ['zz/evil.txt', 'pwned']]);
    const buf = fs.readFileSync(zipPath);
    const safe = Buffer.from('zz/evil.txt');
    let at = buf.indexOf(safe);
    let patched = 0;
    while (at >= 0) { Buffer.from('../evil.txt').copy(buf, at); patched++; at = buf.indexOf(safe, at + 1); }
    expect(patched).toBe(2); // local header and central directory
    fs.writeFileSync(zipPath, buf);
    const { items, bad, notices } = await readAll({ path: zipPath });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/evil\.zip: entry refused, .*\.\./);
    expect(bad).toEqual([]);
    expect(eventCounts(items)).toEqual(EXPECTED_COUNTS);
    expect((await source.check({ path: zipPath })).message).toMatch(/; 1 unsafe ZIP entry refused$/);
  });
});

describe('twitter-archive: damaged input', () => {
  it('a truncated tweets.js yields the complete tweets, a bad record saying where it broke off, then the rest', async () => {
    const dir = path.join(tmp, 'truncated');
    copyDir(SYNTH, dir);
    const file = path.join(dir, 'data', 'tweets.js');
    const whole = fs.readFileSync(file, 'utf8');
    // Cut inside the fourth tweet (the retweet).
    const cut = whole.indexOf('RT @contoso_ann');
    fs.writeFileSync(file, whole.slice(0, cut));
    const { items, bad } = await readAll({ path: dir });
    expect(items.filter((i) => !i.id.startsWith('dm/')).map((i) => i.id)).toEqual([
      '1790000000000000018', '1790000000000000017', '1790000000000000016', '1780000000000000001',
    ]);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.origin).toEqual({ file, position: 'after element 2' });
    expect(bad[0]!.reason).toMatch(/^tweets\.js breaks off after element 2 \(the last complete tweet\): .*truncated JSON, it ends at byte \d+/);
    // The DMs after it are all there.
    expect(items.filter((i) => i.id.startsWith('dm/'))).toHaveLength(8);
  });

  it('bad elements become bad records naming file and element; the good ones around them are kept', async () => {
    const dir = path.join(tmp, 'bad-elements');
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    fs.copyFileSync(path.join(SYNTH, 'data', 'account.js'), path.join(dir, 'data', 'account.js'));
    const ok = (id: string) => ({ tweet: { id_str: id, created_at: 'Mon Jan 01 10:00:00 +0000 2024', full_text: `tweet ${id}` } });
    fs.writeFileSync(path.join(dir, 'data', 'tweets.js'), `window.YTD.tweets.part0 = ${JSON.stringify([
      ok('101'),
      { tweet: { created_at: 'Mon Jan 01 10:00:00 +0000 2024', full_text: 'no id' } },
      { tweet: { id_str: '103', full_text: 'no date' } },
      { tweet: { id_str: '104', created_at: 'yesterday at noon', full_text: 'bad date' } },
      'not an object',
    ], null, 1).replace(/\]$/, ', { "tweet": { "id": 1790000000000000123, "created_at": "Mon Jan 01 10:00:00 +0000 2024" } } ]')}`);
    fs.writeFileSync(path.join(dir, 'data', 'direct-messages.js'), `window.YTD.direct_messages.part0 = ${JSON.stringify([
      { dmConversation: { conversationId: '2244000001-5', messages: [
        { messageCreate: { id: '201', senderId: '5', recipientId: '2244000001', text: 'no date' } },
        { reactionCreate: { senderId: '5', createdAt: '2024-01-01T10:00:00.000Z' } },
        { messageCreate: { id: '203', senderId: '5', recipientId: '2244000001', text: 'fine', createdAt: '2024-01-01T10:00:00.000Z' } },
      ] } },
    ])}`);
    const { items, bad } = await readAll({ path: dir });
    expect(items.map((i) => i.id)).toEqual(['101', 'dm/203']);
    const tweets = path.join(dir, 'data', 'tweets.js');
    const dms = path.join(dir, 'data', 'direct-messages.js');
    expect(bad.map((b) => [b.origin.file, b.origin.position, b.reason, b.id])).toEqual([
      [tweets, 'element 1', 'tweet has no id (id_str)', undefined],
      [tweets, 'element 2', 'tweet has no date (created_at)', '103'],
      [tweets, 'element 3', 'created_at "yesterday at noon" is not a date', '104'],
      [tweets, 'element 4', 'element is not a tweet object', undefined],
      [tweets, 'element 5', 'id 1790000000000000000 is a JSON number too large to be exact, and there is no id_str', undefined],
      [dms, 'conversation 0, message 0', 'messageCreate has no date (createdAt)', 'dm/201'],
      [dms, 'conversation 0, message 1', 'unsupported direct-message event reactionCreate; not imported', undefined],
    ]);
  });

  it('an export that is not an archive fails with a config error that says so', async () => {
    const dir = path.join(tmp, 'not-an-archive');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
    const err = await collect(source, { path: dir }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(FerryError);
    expect((err as FerryError).errorClass).toBe('config');
    expect((err as FerryError).message).toBe(`${dir}: not a Twitter/X archive (no data/account.js, tweets.js or direct-messages.js found); choose the archive ZIP (twitter-*.zip) or its folder`);
    expect(await source.check({ path: dir })).toEqual({ ok: false, message: (err as FerryError).message });
    const missing = await source.check({ path: path.join(dir, 'nope') });
    expect(missing.ok).toBe(false);
    expect(missing.message).toMatch(/no such file or folder/);
  });
});

describe('twitter-archive: other archive generations and files', () => {
  it('reads 2019-style names (tweet.js with bare objects, tweet_media/, direct-message.js), deleted and community tweets, videos', async () => {
    const dir = path.join(tmp, 'older');
    const data = path.join(dir, 'data');
    fs.mkdirSync(path.join(data, 'tweet_media'), { recursive: true });
    fs.mkdirSync(path.join(data, 'direct_message_media'), { recursive: true });
    fs.writeFileSync(path.join(data, 'account.js'), 'window.YTD.account.part0 = [ {\n  "account" : {\n    "username" : "contoso_old",\n    "accountId" : "77"\n  }\n} ]');
    fs.writeFileSync(path.join(data, 'tweet.js'), `window.YTD.tweet.part0 = ${JSON.stringify([
      { id_str: '11', created_at: 'Tue Jan 08 12:00:00 +0000 2019', full_text: 'A video https://t.co/ViDeO00001',
        extended_entities: { media: [{ url: 'https://t.co/ViDeO00001', type: 'video', media_url_https: 'https://pbs.twimg.com/ext_tw_video_thumb/11/pu/img/thumb.jpg',
          video_info: { variants: [
            { bitrate: '256000', content_type: 'video/mp4', url: 'https://video.twimg.com/ext_tw_video/11/pu/vid/320x180/small.mp4?tag=10' },
            { bitrate: '832000', content_type: 'video/mp4', url: 'https://video.twimg.com/ext_tw_video/11/pu/vid/640x360/Clip.mp4?tag=10' },
          ] } }] } },
      { id_str: '12', created_at: 'Tue Jan 08 13:00:00 +0000 2019', full_text: 'Reused photo https://t.co/ReUsE00001',
        entities: { media: [{ url: 'https://t.co/ReUsE00001', type: 'photo', media_url_https: 'https://pbs.twimg.com/media/Other.jpg',
          expanded_url: 'https://twitter.com/someone_else/status/999/photo/1' }] } },
    ])}`);
    fs.writeFileSync(path.join(data, 'tweet_media', '11-Clip.mp4'), 'fake mp4 bytes');
    fs.writeFileSync(path.join(data, 'tweet_media', '55-Orphan.jpg'), 'no tweet 55 here');
    fs.writeFileSync(path.join(data, 'deleted-tweets.js'), `window.YTD.deleted_tweets.part0 = ${JSON.stringify([
      { tweet: { id_str: '21', created_at: 'Wed Jan 09 08:00:00 +0000 2019', deleted_at: 'Thu Jan 10 08:00:00 +0000 2019', full_text: 'Oops, typo' } },
    ])}`);
    fs.writeFileSync(path.join(data, 'community-tweet.js'), `window.YTD.community_tweet.part0 = ${JSON.stringify([
      { tweet: { id_str: '31', created_at: 'Fri Jan 11 08:00:00 +0000 2019', full_text: 'Hello community' } },
    ])}`);
    fs.writeFileSync(path.join(data, 'direct-message.js'), `window.YTD.direct_message.part0 = ${JSON.stringify([
      { dmConversation: { conversationId: '77-88', messages: [
        { messageCreate: { id: '41', senderId: '88', recipientId: '77', text: 'pic', createdAt: '2019-01-12T08:00:00.000Z',
          mediaUrls: ['https://ton.twitter.com/1.1/ton/data/dm/41/4100/Pic.jpg', 'https://ton.twitter.com/1.1/ton/data/dm/41/4101/Lost.jpg'] } },
      ] } },
    ])}`);
    fs.writeFileSync(path.join(data, 'direct_message_media', '41-Pic.jpg'), 'jpeg bytes');

    const owner = { id: 'contoso_old', kind: 'handle', platform: 'twitter' };
    const { items, bad, notices, bytes } = await readAll({ path: dir });
    expect(bad).toEqual([]);
    expect(items.map((i) => [i.id, i.event])).toEqual([['11', 'Tweet'], ['12', 'Tweet'], ['31', 'Tweet'], ['21', 'Tweet'], ['dm/41', 'DirectMessage']]);

    const video = byId(items, '11');
    expect(video.attachments.map((a) => a.filename)).toEqual(['11-Clip.mp4']);
    expect(bytes.get('11-Clip.mp4')!.toString()).toBe('fake mp4 bytes');
    expect(video.text).not.toContain('Media not in the archive');
    // A media entry that points at another tweet is not a quote.
    expect(byId(items, '12').event).toBe('Tweet');
    expect(byId(items, '12').text).toContain('Media not in the archive (photo): https://pbs.twimg.com/media/Other.jpg');

    const deleted = byId(items, '21');
    expect(deleted.text).toContain('Deleted: 2019-01-10 08:00:00 UTC');
    expect(deleted.meta).toMatchObject({ 'Deleted-At': '2019-01-10T08:00:00.000Z', 'Archive-File': 'deleted-tweets.js' });
    expect(byId(items, '31').meta['Archive-File']).toBe('community-tweet.js');

    const dm = byId(items, 'dm/41');
    expect(dm).toMatchObject({ from: { id: '88', kind: 'user-id', platform: 'twitter' }, to: [owner] });
    expect(dm.attachments.map((a) => a.filename)).toEqual(['41-Pic.jpg']);
    expect(dm.text).toContain('Media not in the archive: https://ton.twitter.com/1.1/ton/data/dm/41/4101/Lost.jpg');

    expect(notices).toEqual([`1 media file in the archive belongs to no tweet or message in it and was not imported: data/tweet_media/55-Orphan.jpg`]);
  });

  it('an archive of DMs only needs no account; the owner is then a user id like the others', async () => {
    const dir = path.join(tmp, 'dms-only');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(SYNTH, 'data', 'direct-messages.js'), path.join(dir, 'direct-messages.js'));
    expect(await source.check({ path: dir })).toEqual({ ok: true, message: 'no account.js (direct messages only), direct-messages.js' });
    const { items, bad } = await readAll({ path: dir });
    expect(bad).toEqual([]);
    expect(items.map((i) => [i.id, i.from?.id, i.to.map((t) => t.id)])).toEqual([
      ['dm/1790000000000000103', '2244000001', [ANN_ID]],
      ['dm/1790000000000000102', ANN_ID, ['2244000001']],
    ]);
    // With the account settings the owner is the handle again.
    const named = await readAll({ path: dir, account: '@fabrikam_news', accountId: '2244000001' });
    expect(named.items[0]!.from).toEqual({ id: 'fabrikam_news', kind: 'handle', platform: 'twitter' });
  });
});

describe('twitter-archive: copied samples', () => {
  it('trigga6006-personify: tweets, a reply, a retweet and a sent DM', async () => {
    const dir = fixture('twitter-archive', 'trigga6006-personify');
    const { items, bad } = await readAll({ path: dir });
    expect(bad).toEqual([]);
    expect(eventCounts(items)).toEqual({ Tweet: 1, Reply: 1, Retweet: 1, DirectMessage: 1 });
    const owner = { id: 'personify_user', kind: 'handle', platform: 'twitter', name: 'Personify Tester', email: 'me@example.com' };
    expect(byId(items, '1700000000000000002')).toMatchObject({ from: owner, replyTo: '1699999999999999999',
      to: [{ id: 'anthropicai', kind: 'handle', platform: 'twitter', name: 'Anthropic' }, { id: 'codex', kind: 'handle', platform: 'twitter', name: 'Codex' }] });
    expect(byId(items, '1700000000000000003').text).toContain('Retweet of: @anthropicai');
    expect(byId(items, 'dm/9000000000000000001')).toMatchObject({ from: owner, to: [{ id: '200200', kind: 'user-id', platform: 'twitter' }] });
    for (const i of items) expect(validateItem(i)).toBeNull();
  });

  it('joeamroo-knowledgemaxxing (tweets.js without account.js): needs the account setting, then reads', async () => {
    const dir = fixture('twitter-archive', 'joeamroo-knowledgemaxxing');
    const check = await source.check({ path: dir });
    expect(check.ok).toBe(false);
    expect(check.message).toMatch(/account\.js is missing, so the author of the tweets is unknown: set the account handle/);
    const { items, bad, notices } = await readAll({ path: dir, account: '@me_myself' });
    expect(bad).toEqual([]);
    expect(eventCounts(items)).toEqual({ Retweet: 1, Tweet: 1, Reply: 1 });
    expect(byId(items, '5555555555555555555')).toMatchObject({ replyTo: '4444444444444444444', to: [{ id: 'me_myself', kind: 'handle', platform: 'twitter' }] });
    expect(byId(items, '3333333333333333333').text).toContain('New essay: https://guzey.com/why-blog/');
    expect(notices).toEqual([`${dir}: not imported: like.js (liked tweets carry no date in the archive)`]);
  });

  it('dogsheep account.js (older compact layout): the owner is read, nothing else to import', async () => {
    const dir = fixture('twitter-archive', 'dogsheep-twitter-to-sqlite');
    expect(await source.check({ path: dir })).toEqual({ ok: true, message: 'account @simonw (Simon Willison), no tweets or direct messages' });
    const { items, bad } = await readAll({ path: dir });
    expect(items).toEqual([]);
    expect(bad).toEqual([]);
  });
});
