import { describe, expect, it } from 'vitest';
import { simpleParser, type AddressObject } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { convertItem } from '../../main/engine/convert/convert';
import { messageIdFor } from '../../main/engine/convert/message-id';
import type { Item } from '../../main/engine/item';

const addr = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value);

function item(over: Partial<Item> = {}): Item {
  return {
    source: 'Twitter', event: 'Tweet', id: '1234567890', origin: { file: 'tweets.js', position: 'element 0' },
    from: { id: '@bøb_the_builder', kind: 'handle', platform: 'twitter', name: 'Bøb "the" Builder, Jr' },
    to: [{ id: '@ann', kind: 'handle', platform: 'twitter', name: 'Ann Ünal' }, { id: 'carl@contoso.com', kind: 'email', platform: 'twitter' }],
    subject: 'Mega deals with Contoso coming your way! #ContosoHolidayDeals — ünïcödé 日本語',
    date: new Date('2015-11-01T14:03:00.000Z'),
    text: 'Author: @bob\nTweet: Mega deals with Contoso coming your way!\n\n.\nFrom the start of a line',
    html: '<p>Mega deals <b>with</b> Contoso</p>',
    attachments: [{ filename: 'résumé très long nom de fichier — 写真.png', contentType: 'image/png', read: async () => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]) }],
    meta: { 'Tweet-Url': 'https://x.com/bob/status/1234567890', Likes: '12' },
    ...over,
  };
}

describe('convertItem', () => {
  it('writes every schema property so that a MIME parser reads it back exactly', async () => {
    const m = await convertItem(item());
    const p = await simpleParser(m.mime);
    expect(p.messageId).toBe(messageIdFor('Twitter', '1234567890'));
    expect(addr(p.from)).toEqual([{ name: 'Bøb "the" Builder, Jr', address: 'b_b_the_builder@twitter.invalid' }]);
    expect(addr(p.to).map((a) => a.address)).toEqual(['ann@twitter.invalid', 'carl@contoso.com']);
    expect(addr(p.to)[0]!.name).toBe('Ann Ünal');
    expect(p.subject).toBe('Mega deals with Contoso coming your way! #ContosoHolidayDeals — ünïcödé 日本語');
    expect(p.date?.toISOString()).toBe('2015-11-01T14:03:00.000Z');
    expect(p.text?.replace(/\r\n/g, '\n').trimEnd()).toBe(item().text);
    expect(p.html).toContain('<b>with</b>');
    expect(p.headers.get('x-ferry-message-class')).toBe('IPM.NOTE.Twitter.Tweet');
    expect(p.headers.get('x-ferry-source-id')).toBe('1234567890');
    // Unstructured X- headers carry non-ASCII as RFC 2047 encoded words (mailparser leaves them encoded).
    expect(p.headers.get('x-ferry-from-id')).toBe('=?UTF-8?Q?handle=3A=40b=C3=B8b=5Fthe=5Fbuilder?=');
    expect(p.headers.get('x-ferry-to-id')).toEqual(['handle:@ann', 'email:carl@contoso.com']);
    expect(p.headers.get('x-ferry-tweet-url')).toBe('https://x.com/bob/status/1234567890');
    expect(p.attachments).toHaveLength(1);
    expect(p.attachments[0]!.filename).toBe('résumé très long nom de fichier — 写真.png');
    expect([...p.attachments[0]!.content]).toEqual([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]);
    expect(m.messageClass).toBe('IPM.NOTE.Twitter.Tweet');
    // RFC 5322: CRLF line ends and no line over 998 characters.
    const raw = m.mime.toString('latin1');
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(Math.max(...raw.split('\r\n').map((l) => l.length))).toBeLessThanOrEqual(998);
  });

  it('is deterministic: the same item gives the same bytes and Message-ID', async () => {
    const a = await convertItem(item());
    const b = await convertItem(item());
    expect(a.mime.equals(b.mime)).toBe(true);
    const c = await convertItem(item({ id: '1234567891' }));
    expect(c.messageId).not.toBe(a.messageId);
  });

  it('threads replies with In-Reply-To and References to the parent Message-IDs', async () => {
    const m = await convertItem(item({ id: '3', event: 'Reply', thread: ['1', '2'] }));
    const p = await simpleParser(m.mime);
    expect(p.inReplyTo).toBe(messageIdFor('Twitter', '2'));
    expect(p.references).toEqual([messageIdFor('Twitter', '1'), messageIdFor('Twitter', '2')]);
  });

  it('reads the same as nodemailer’s own composer would write it', async () => {
    const it0 = item({ attachments: [] });
    const ours = await simpleParser((await convertItem(it0)).mime);
    const theirs = await simpleParser(await new MailComposer({
      from: { name: it0.from!.name!, address: 'b_b_the_builder@twitter.invalid' },
      to: [{ name: 'Ann Ünal', address: 'ann@twitter.invalid' }, { name: '', address: 'carl@contoso.com' }],
      subject: it0.subject, date: it0.date, messageId: messageIdFor('Twitter', it0.id), text: it0.text, html: it0.html,
    }).compile().build());
    for (const k of ['subject', 'messageId', 'html'] as const) expect(ours[k]).toEqual(theirs[k]);
    expect(ours.date?.getTime()).toBe(theirs.date?.getTime());
    expect(addr(ours.from)).toEqual(addr(theirs.from));
    expect(addr(ours.to)).toEqual(addr(theirs.to));
    expect(ours.text?.replace(/\r\n/g, '\n')).toBe(theirs.text?.replace(/\r\n/g, '\n'));
  });

  it('leaves out the largest attachments over the size limit and says so (partial)', async () => {
    const big = { filename: 'video.mp4', contentType: 'video/mp4', size: 3_000_000, read: async () => Buffer.alloc(3_000_000, 1) };
    const small = { filename: 'note.txt', contentType: 'text/plain', read: async () => Buffer.from('hello') };
    const m = await convertItem(item({ attachments: [big, small] }), { maxItemBytes: 1_048_576 });
    expect(m.omitted).toEqual([{ filename: 'video.mp4', size: 3_000_000 }]);
    expect(m.partialReason).toMatch(/video\.mp4/);
    expect(m.mime.length).toBeLessThanOrEqual(1_048_576);
    const p = await simpleParser(m.mime);
    expect(p.attachments.map((a) => a.filename)).toEqual(['note.txt']);
    expect(p.headers.get('x-ferry-omitted-attachment')).toMatch(/video\.mp4; 3000000 bytes/);
    expect(p.text).toMatch(/left out.*video\.mp4/);
  });

  it('drops an attachment whose content, once read, makes the item too large', async () => {
    const unknownSize = { filename: 'scan.pdf', read: async () => Buffer.alloc(900_000, 2) };
    const m = await convertItem(item({ attachments: [unknownSize] }), { maxItemBytes: 1_048_576 });
    expect(m.omitted.map((o) => o.filename)).toEqual(['scan.pdf']);
  });

  it('fails an oversize item when the policy is fail, naming the item', async () => {
    const big = { filename: 'video.mp4', size: 3_000_000, read: async () => Buffer.alloc(3_000_000) };
    await expect(convertItem(item({ attachments: [big] }), { maxItemBytes: 1_048_576, oversize: 'fail' }))
      .rejects.toThrow(/item 1234567890 \(tweets\.js \(element 0\)\): attachment video\.mp4 is 2\.9 MB, over the 1\.0 MB limit/);
  });

  it('fails an item whose body alone is over the limit', async () => {
    await expect(convertItem(item({ text: 'x'.repeat(2_000_000), attachments: [] }), { maxItemBytes: 1_048_576 }))
      .rejects.toThrow(/over the 1\.0 MB limit even without attachments/);
  });

  it('names the attachment that cannot be read', async () => {
    const broken = { filename: 'gone.jpg', read: async () => { throw new Error('ENOENT: no such file'); } };
    await expect(convertItem(item({ attachments: [broken] }))).rejects.toThrow(/attachment gone\.jpg cannot be read \(ENOENT/);
  });

  it('passes an original message through unchanged apart from the prepended Ferry headers', async () => {
    const raw = Buffer.from('From: a@b.com\r\nTo: c@d.com\r\nSubject: hi\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <orig@b.com>\r\n\r\nbody\r\n');
    const m = await convertItem(item({ source: 'Mail', event: 'Message', mime: raw, attachments: [] }));
    expect(m.messageId).toBe('<orig@b.com>');
    expect(m.mime.subarray(m.mime.length - raw.length).equals(raw)).toBe(true);
    expect(m.mime.toString()).toMatch(/^X-Ferry-Message-Class: IPM\.NOTE\.Mail\.Message\r\nX-Ferry-Source: Mail\r\n/);
    const noId = Buffer.from('From: a@b.com\nSubject: x\n\nbody\n');
    const m2 = await convertItem(item({ source: 'Mail', event: 'Message', id: 'sha-1', mime: noId, attachments: [] }));
    expect(m2.messageId).toBe(messageIdFor('Mail', 'sha-1'));
    expect((await simpleParser(m2.mime)).messageId).toBe(m2.messageId);
  });
});

describe('pass-through Message-IDs', () => {
  const base = (hdr: string) => Buffer.from(`From: a@b.com\r\nTo: c@d.com\r\n${hdr}Subject: s\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\nbody\r\n`);
  const mailItem = (mime: Buffer): Item => ({ source: 'Mail', event: 'Message', id: 'h1', origin: { file: 'x.eml' }, from: { id: 'a@b.com', kind: 'email', platform: 'mail' },
    to: [{ id: 'c@d.com', kind: 'email', platform: 'mail' }], date: new Date(0), attachments: [], meta: {}, mime });

  it('keeps an id written without angle brackets and adds no second Message-ID', async () => {
    const m = await convertItem(mailItem(base('Message-ID: abc@def.example\r\n')));
    expect(m.messageId).toBe('<abc@def.example>');
    expect(m.mime.toString().match(/^Message-ID:/gim)).toHaveLength(1);
  });

  it('gives a message with an unusable id Ferry’s deterministic one, first', async () => {
    const m = await convertItem(mailItem(base('Message-ID: not an id\r\n')));
    expect(m.messageId).toBe(messageIdFor('Mail', 'h1'));
    expect((await simpleParser(m.mime)).messageId).toBe(m.messageId);
  });

  it('never strips an obsolete-syntax "From :" header', async () => {
    const raw = Buffer.from('From : a@b.com\r\nSubject: s\r\n\r\nbody\r\n');
    const m = await convertItem(mailItem(raw));
    expect(m.mime.subarray(m.mime.length - raw.length).equals(raw)).toBe(true);
  });
});
