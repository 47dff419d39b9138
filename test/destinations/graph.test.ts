/**
 * The Microsoft 365 (Graph) destination against the loopback HTTPS Graph server, signing in with the
 * real msal-node (client secret and certificate): what is stored, attachments and upload sessions,
 * folders, throttling, retries, token renewal, error classes, and no duplicate after an uncertain send.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { convertItem } from '../../main/engine/convert/convert';
import { messageIdFor } from '../../main/engine/convert/message-id';
import type { Item } from '../../main/engine/item';
import { FerryError } from '../../main/engine/errors';
import { GraphDestination } from '../../main/engine/destinations/graph/graph-destination';
import { createGraphDestination, graphCredentialRef, testGraphConnection } from '../../main/engine/destinations/graph';
import { PROP } from '../../main/engine/destinations/graph/message-json';
import { splitAttachments } from '../../main/engine/destinations/graph/attachments';
import { startGraphHarness, type GraphHarness } from '../servers/graph/harness';
import type { StoredMessage } from '../servers/graph/mailboxes';

const ANN = 'ann@contoso.com';
const BOB = 'bob@contoso.com';
const CAROL = 'carol@contoso.com';
const FOLDER = 'Twitter Archive';
const FAST_RETRIES = { baseDelayMs: 20, maxDelayMs: 200 };

let h: GraphHarness;
const readOnlyApp = { clientId: '0b6c3c5e-7d4f-4a51-9c61-5c0f3b2d9e11', secret: 'read-only-secret', roles: ['Mail.Read'] };
const policyApp = { clientId: '6f1e2d3c-4b5a-4968-8a7b-1c2d3e4f5a6b', secret: 'policy-secret', allowedMailboxes: [ANN] };

function item(i: number, over: Partial<Item> = {}): Item {
  return {
    source: 'Twitter', event: 'Tweet', id: `t${i}`, origin: { file: 'tweets.js', position: `tweet ${i}` },
    from: { id: 'chloé', kind: 'handle', platform: 'twitter', name: 'Chloé Dubois' },
    to: [{ id: ANN, kind: 'email', platform: 'twitter', name: 'Ann Lée' }],
    subject: `Ünïcödé tweet ${i} — 山田太郎`, date: new Date(Date.UTC(2015, 10, 1, 12, 0, i)),
    text: `Tweet number ${i}: Überweisung bestätigt`, html: `<p>Tweet number <b>${i}</b>: Überweisung bestätigt</p>`,
    attachments: [], conversation: { id: 'c1', name: 'Café chat' }, meta: { 'Tweet-Url': `https://x.com/chloe/status/${i}` }, ...over,
  };
}

const file = (name: string, size: number, fill: number) => ({ filename: name, contentType: 'application/octet-stream', size, read: async () => Buffer.alloc(size, fill) });
const prop = (m: StoredMessage, id: string) => m.extendedProperties.find((p) => p.id.toLowerCase() === id.toLowerCase())?.value;
const copies = (mailbox: string, messageId: string) => h.server.messages(mailbox).filter((m) => m.internetMessageId === messageId);
const opCount = (op: string) => (h.server.stats().byOp as Record<string, number>)[op] ?? 0;

async function withDest<T>(d: GraphDestination, fn: (d: GraphDestination) => Promise<T>): Promise<T> {
  await d.open();
  try { return await fn(d); } finally { await d.close(); }
}

async function rejection(p: Promise<unknown>): Promise<FerryError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FerryError);
    return err as FerryError;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  h = await startGraphHarness({ mailboxes: [ANN, BOB, CAROL], apps: [readOnlyApp, policyApp] });
});

afterAll(async () => { await h?.stop(); });

beforeEach(() => { h.server.faults.clear(); });

describe('Graph destination: what is stored', () => {
  it('writes copied and blind-copied recipients as ccRecipients and bccRecipients', async () => {
    const msg = await convertItem(item(90, {
      cc: [{ id: BOB, kind: 'email', platform: 'twitter', name: 'Bob Stone' }],
      bcc: [{ id: CAROL, kind: 'email', platform: 'twitter', name: 'Carol Ng' }],
    }));
    await withDest(h.destination({ retries: FAST_RETRIES }), (dest) => dest.deliver(msg, { mailbox: ANN, folder: FOLDER }));
    const [m] = copies(ANN, msg.messageId);
    expect(m!.toRecipients).toEqual([{ emailAddress: { name: 'Ann Lée', address: ANN } }]);
    expect(m!.ccRecipients).toEqual([{ emailAddress: { name: 'Bob Stone', address: BOB } }]);
    expect(m!.bccRecipients).toEqual([{ emailAddress: { name: 'Carol Ng', address: CAROL } }]);
  });

  it('signs in with a client secret and creates a non-draft message with class, flags, dates, reply chain, headers and non-ASCII text', async () => {
    const msg = await convertItem(item(1, { replyTo: 't0', from: { id: 'chloé', kind: 'handle', platform: 'twitter', name: 'Chloé Dubois' } }));
    const d = await withDest(h.destination({ retries: FAST_RETRIES }), (dest) => dest.deliver(msg, { mailbox: ANN, folder: FOLDER }));

    const [m] = copies(ANN, msg.messageId);
    expect(m).toBeDefined();
    expect(d.remoteId).toBe(m!.id);
    // The request-id of the create is recorded as the correlation id.
    const create = h.server.log.find((l) => l.op === 'createMessage' && l.status === 201 && l.requestId === d.correlationId);
    expect(create).toBeDefined();
    expect(h.server.messages(ANN, FOLDER).map((x) => x.id)).toContain(m!.id);
    expect(m!.subject).toBe('Ünïcödé tweet 1 — 山田太郎');
    expect(m!.body).toEqual({ contentType: 'html', content: '<p>Tweet number <b>1</b>: Überweisung bestätigt</p>' });
    expect(m!.from).toEqual({ emailAddress: { name: 'Chloé Dubois', address: 'chlo_@twitter.invalid' } });
    expect(m!.toRecipients).toEqual([{ emailAddress: { name: 'Ann Lée', address: ANN } }]);
    expect(m!.ccRecipients).toEqual([]);
    expect(m!.bccRecipients).toEqual([]);
    expect(m!.internetMessageId).toBe(msg.messageId);
    expect(prop(m!, 'String 0x001A')).toBe('IPM.NOTE.Twitter.Tweet');
    expect(prop(m!, 'Integer 0x0E07')).toBe('1');
    expect(m!.isDraft).toBe(false);
    expect(m!.isRead).toBe(true);
    expect(prop(m!, 'SystemTime 0x0039')).toBe('2015-11-01T12:00:01.000Z');
    expect(prop(m!, 'SystemTime 0x0E06')).toBe('2015-11-01T12:00:01.000Z');
    expect(prop(m!, 'String 0x1042')).toBe(messageIdFor('Twitter', 't0'));
    expect(prop(m!, 'String 0x1039')).toBe(messageIdFor('Twitter', 't0'));
    // Graph takes at most five x- headers: the most useful X-Ferry ones, non-ASCII values RFC 2047-encoded.
    expect(m!.internetMessageHeaders).toEqual([
      { name: 'X-Ferry-Source', value: 'Twitter' },
      { name: 'X-Ferry-Source-Id', value: 't1' },
      { name: 'X-Ferry-From-Id', value: '=?UTF-8?Q?handle=3Achlo=C3=A9?=' },
      { name: 'X-Ferry-To-Id', value: `email:${ANN}` },
      { name: 'X-Ferry-Conversation-Id', value: 'c1' },
    ]);
    expect(h.server.stats().tokenRequests).toBeGreaterThanOrEqual(1);
  });

  it('signs in with a certificate: the client assertion is verified against the registered certificate', async () => {
    const before = h.server.identity.tokenRequests;
    const msg = await convertItem(item(2));
    await withDest(h.destination({}, 'certificate'), (d) => d.deliver(msg, { mailbox: ANN, folder: FOLDER }));
    expect(copies(ANN, msg.messageId)).toHaveLength(1);
    expect(h.server.identity.tokenRequests).toBe(before + 1);

    // The SHA-256 thumbprint works too (msal signs with PS256 and an x5t#S256 header).
    const msg2 = await convertItem(item(3));
    await withDest(h.destination({ certificateThumbprint: h.certApp.keys.sha256 }, 'certificate'), (d) => d.deliver(msg2, { mailbox: ANN, folder: FOLDER }));
    expect(copies(ANN, msg2.messageId)).toHaveLength(1);
  });

  it('a wrong secret or a key that does not match the certificate is an auth error that names the keychain entry, never the secret', async () => {
    const msg = await convertItem(item(4));
    const bad = await rejection(withDest(h.destination({}, 'secret', 'not-the-secret'), (d) => d.deliver(msg, { mailbox: ANN, folder: FOLDER })));
    expect(bad.errorClass).toBe('auth');
    expect(bad.message).toContain(`Microsoft 365 rejected the app's credentials for tenant ${h.server.tenantId}`);
    expect(bad.message).toContain(graphCredentialRef(h.settings()));
    expect(bad.message).not.toContain('not-the-secret');

    const { createKeyPair } = await import('../servers/tls');
    const other = createKeyPair('someone else');
    const badKey = await rejection(withDest(h.destination({}, 'certificate', other.key), (d) => d.deliver(msg, { mailbox: ANN, folder: FOLDER })));
    expect(badKey.errorClass).toBe('auth');
    expect(badKey.message).toMatch(/check the certificate: thumbprint [0-9A-F]{40}/);
    expect(copies(ANN, msg.messageId)).toHaveLength(0);
  });

  it('attachments: small ones inline in the create request, a 5 MB one through an upload session in ranges', async () => {
    const big = 5 * 1024 * 1024;
    const msg = await convertItem(item(5, { attachments: [file('photo.jpg', 200_000, 7), file('notes.txt', 1_000, 9), file('video.mp4', big, 3)] }), { maxItemBytes: 20 * 1024 * 1024 });
    const uploadsBefore = opCount('uploadChunk');
    const d = await withDest(h.destination({ retries: FAST_RETRIES }), (dest) => dest.deliver(msg, { mailbox: BOB, folder: FOLDER }));
    const [m] = copies(BOB, msg.messageId);
    expect(d.remoteId).toBe(m!.id);
    expect(m!.attachments.map((a) => [a.name, a.size, a.via])).toEqual([
      ['photo.jpg', 200_000, 'create'], ['notes.txt', 1_000, 'create'], ['video.mp4', big, 'upload'],
    ]);
    expect(m!.attachments[2]!.content.equals(Buffer.alloc(big, 3))).toBe(true);
    expect(m!.attachments[0]!.content.equals(Buffer.alloc(200_000, 7))).toBe(true);
    // 5 MB in ranges under 4 MB each: two PUTs, the last answered 201.
    expect(opCount('uploadChunk') - uploadsBefore).toBe(2);
    expect(prop(m!, PROP.deliveryState)).toBe('complete');
  });

  it('attachments whose total is over ~3 MB but each under 3 MB are posted one by one after the create', async () => {
    const mb = 1024 * 1024;
    // b.bin is one byte under 3 MB: the largest file Graph takes by POST (4 MB of base64).
    const msg = await convertItem(item(6, { attachments: [file('a.bin', 2 * mb, 1), file('b.bin', 3 * mb - 1, 2)] }));
    await withDest(h.destination(), (d) => d.deliver(msg, { mailbox: BOB, folder: FOLDER }));
    const [m] = copies(BOB, msg.messageId);
    expect(m!.attachments.map((a) => [a.name, a.via])).toEqual([['a.bin', 'create'], ['b.bin', 'post']]);
    expect(m!.attachments[1]!.content.equals(Buffer.alloc(3 * mb - 1, 2))).toBe(true);
  });

  it('the create request carries attachments smallest first while it stays under 4 MB and they under 3 MB together', () => {
    const att = (name: string, size: number) => ({ name, contentType: 'application/octet-stream', content: Buffer.alloc(size), isInline: false });
    const mb = 1024 * 1024;
    const small = [att('a', 100), att('big', 2 * mb), att('b', 200), att('c', 1.5 * mb)];
    const names = (x: { name: string }[]) => x.map((a) => a.name);
    // Order kept within each group; the 2 MB file no longer fits after the others.
    expect(names(splitAttachments(small, 1000).inline)).toEqual(['a', 'b', 'c']);
    expect(names(splitAttachments(small, 1000).later)).toEqual(['big']);
    // A large body (its JSON) leaves less room in the 4 MB request.
    expect(names(splitAttachments(small, 3 * mb).inline)).toEqual(['a', 'b']);
    expect(names(splitAttachments([att('x', 3 * mb)], 500).later)).toEqual(['x']);
  });

  it('a pass-through message is read with mailparser: cc, HTML body, inline image by content id, attachment', async () => {
    const raw = [
      'From: "Zoë Adams" <zoe@fabrikam.com>', `To: Ann <${ANN}>`, `Cc: Bob <${BOB}>`, 'Subject: =?UTF-8?Q?R=C3=A9union?=',
      'Date: Tue, 02 Jan 2024 10:00:00 +0000', 'Message-ID: <orig-123@fabrikam.com>', 'X-Mailer: Test', 'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="mix"', '', '--mix', 'Content-Type: multipart/related; boundary="rel"', '',
      '--rel', 'Content-Type: text/html; charset=utf-8', '', '<p>See <img src="cid:logo@x"></p>', '--rel',
      'Content-Type: image/png', 'Content-Disposition: inline; filename="logo.png"', 'Content-ID: <logo@x>', 'Content-Transfer-Encoding: base64', '',
      Buffer.from('PNGDATA').toString('base64'), '--rel--', '--mix', 'Content-Type: text/plain; name="a.txt"',
      'Content-Disposition: attachment; filename="a.txt"', '', 'attached text', '--mix--', '',
    ].join('\r\n');
    const msg = await convertItem({ ...item(7), source: 'Mail', event: 'Message', mime: Buffer.from(raw) });
    expect(msg.parts).toBeUndefined();
    await withDest(h.destination(), (d) => d.deliver(msg, { mailbox: ANN, folder: 'Mail Archive' }));
    const [m] = copies(ANN, '<orig-123@fabrikam.com>');
    expect(m!.subject).toBe('Réunion');
    expect(m!.from).toEqual({ emailAddress: { name: 'Zoë Adams', address: 'zoe@fabrikam.com' } });
    expect(m!.ccRecipients).toEqual([{ emailAddress: { name: 'Bob', address: BOB } }]);
    expect(m!.body.contentType).toBe('html');
    expect(m!.body.content).toContain('cid:logo@x');
    expect(m!.attachments.map((a) => [a.name, a.isInline, a.contentId ?? null])).toEqual([['logo.png', true, 'logo@x'], ['a.txt', false, null]]);
    expect(m!.internetMessageHeaders.map((x) => x.name)).toEqual(['X-Ferry-Source', 'X-Mailer']);
    expect(prop(m!, 'String 0x001A')).toBe('IPM.NOTE.Mail.Message');
  });
});

describe('Graph destination: folders', () => {
  it('creates the folder per source once and caches its id; Inbox uses the well-known name', async () => {
    const lists = opCount('listFolders');
    const creates = opCount('createFolder');
    const msgs = await Promise.all([10, 11, 12, 13, 14].map((i) => convertItem(item(i))));
    await withDest(h.destination(), async (d) => {
      await Promise.all(msgs.map((m) => d.deliver(m, { mailbox: CAROL, folder: 'Slack Archive' })));
      await d.deliver(await convertItem(item(15)), { mailbox: CAROL, folder: 'Inbox' });
    });
    expect(opCount('listFolders') - lists).toBe(1);
    expect(opCount('createFolder') - creates).toBe(1);
    expect(h.server.messages(CAROL, 'Slack Archive')).toHaveLength(5);
    expect(h.server.messages(CAROL, 'Inbox').map((m) => m.subject)).toEqual(['Ünïcödé tweet 15 — 山田太郎']);
  });

  it('a folder create that loses a race (409 ErrorFolderExists) is looked up again', async () => {
    // Two destinations (two processes, say) with their own caches, both finding no folder and both creating it.
    h.server.injectFault({ kind: 'slow-after', ops: ['listFolders'], mailbox: CAROL, delayMs: 300, times: 2 });
    const [a, b] = await Promise.all([convertItem(item(20)), convertItem(item(21))]);
    await Promise.all([
      withDest(h.destination(), (d) => d.deliver(a, { mailbox: CAROL, folder: 'Race Archive' })),
      withDest(h.destination(), (d) => d.deliver(b, { mailbox: CAROL, folder: 'Race Archive' })),
    ]);
    expect(h.server.log.filter((l) => l.op === 'createFolder' && l.mailbox === CAROL && l.status === 409)).toHaveLength(1);
    expect(h.server.mailbox(CAROL).topFolders().filter((f) => f.displayName === 'Race Archive')).toHaveLength(1);
    expect(h.server.messages(CAROL, 'Race Archive')).toHaveLength(2);
  });

  it('a cached folder deleted meanwhile is looked up and created again', async () => {
    await withDest(h.destination(), async (d) => {
      await d.deliver(await convertItem(item(30)), { mailbox: BOB, folder: 'Gone Archive' });
      const mb = h.server.mailbox(BOB);
      const f = mb.topFolders().find((x) => x.displayName === 'Gone Archive')!;
      mb.folders.delete(f.id);
      await d.deliver(await convertItem(item(31)), { mailbox: BOB, folder: 'Gone Archive' });
    });
    expect(h.server.messages(BOB, 'Gone Archive').map((m) => m.subject)).toEqual(['Ünïcödé tweet 31 — 山田太郎']);
  });
});

describe('Graph destination: errors', () => {
  it('an app without Mail.ReadWrite, or kept out by an application access policy, gets an auth error (403)', async () => {
    const msg = await convertItem(item(40));
    const noPerm = new GraphDestination({ ...h.settings(), clientId: readOnlyApp.clientId }, async () => readOnlyApp.secret);
    const e1 = await rejection(withDest(noPerm, (d) => d.deliver(msg, { mailbox: ANN, folder: FOLDER })));
    expect(e1.errorClass).toBe('auth');
    expect(e1.message).toContain(`Microsoft 365 denied the app access to mailbox ${ANN}`);
    expect(e1.message).toContain('Mail.ReadWrite application permission');

    const policy = new GraphDestination({ ...h.settings(), clientId: policyApp.clientId }, async () => policyApp.secret);
    const e2 = await rejection(withDest(policy, (d) => d.deliver(msg, { mailbox: BOB, folder: FOLDER })));
    expect(e2.errorClass).toBe('auth');
    expect(e2.message).toContain('application access policy');
    expect(copies(BOB, msg.messageId)).toHaveLength(0);
  });

  it('a mailbox that does not exist is a config error (404)', async () => {
    const e = await rejection(withDest(h.destination(), async (d) => d.deliver(await convertItem(item(41)), { mailbox: 'nobody@contoso.com', folder: FOLDER })));
    expect(e.errorClass).toBe('config');
    expect(e.message).toContain(`mailbox nobody@contoso.com does not exist in tenant ${h.server.tenantId}`);
  });

  it('a message Graph refuses (400) is a data error with Graph\'s code and message', async () => {
    h.server.injectFault({ kind: 'status', status: 400, code: 'ErrorInvalidRecipients', message: 'At least one recipient is not valid.', ops: ['createMessage'] });
    const e = await rejection(withDest(h.destination(), async (d) => d.deliver(await convertItem(item(42)), { mailbox: ANN, folder: FOLDER })));
    expect(e.errorClass).toBe('data');
    expect(e.message).toContain('ErrorInvalidRecipients: At least one recipient is not valid.');
  });

  it('an unassigned item (no mailbox) is a config error asking for mapping', async () => {
    const e = await rejection(withDest(h.destination(), async (d) => d.deliver(await convertItem(item(43)), { mailbox: '', folder: FOLDER })));
    expect(e.errorClass).toBe('config');
    expect(e.message).toMatch(/needs a mailbox/);
  });

  it('bad settings are a config error naming the setting', () => {
    expect(() => createGraphDestination({ kind: 'graph', tenantId: 'not a tenant', clientId: 'x', auth: 'certificate' }, async () => '')).toThrow(
      /tenantId must be the directory \(tenant\) ID.*clientId must be the application \(client\) ID.*certificateThumbprint/);
    expect(() => createGraphDestination({ ...h.settings(), graphBaseUrl: 'http://127.0.0.1:1/v1.0' }, async () => '')).toThrow(/graphBaseUrl must be an https:\/\/ URL/);
  });
});

describe('Graph destination: sign-in problems in an admin\'s words', () => {
  it('unknown tenant or app, a key that is not a key: config errors; an unreachable service: transient', async () => {
    const signIn = async (d: GraphDestination) => rejection(withDest(d, (x) => x.signIn()));
    const tenant = await signIn(h.destination({ tenantId: '11111111-2222-3333-4444-555555555555' }));
    expect(tenant.errorClass).toBe('config');
    expect(tenant.message).toBe(`tenant 11111111-2222-3333-4444-555555555555 was not found at ${h.server.authorityHost}: check the tenant ID (or domain) and the cloud [AADSTS90002]`);
    const app = await signIn(h.destination({ clientId: '99999999-8888-7777-6666-555555555555' }));
    expect(app.errorClass).toBe('config');
    expect(app.message).toContain('the app 99999999-8888-7777-6666-555555555555 was not found in tenant');
    const key = await signIn(h.destination({}, 'certificate', 'not a PEM key'));
    expect(key.errorClass).toBe('config');
    expect(key.message).toContain('cannot sign the sign-in request');
    const down = await signIn(h.destination({ authorityHost: 'https://127.0.0.1:1' }));
    expect(down.errorClass).toBe('transient');
    expect(down.message).toContain('could not reach the Microsoft sign-in service at https://127.0.0.1:1');
    expect(down.message).toContain('ECONNREFUSED');
  });

  it('a sign-in that breaks off is retried like any request', async () => {
    h.server.injectFault({ kind: 'drop-before', ops: ['token'] });
    const msg = await convertItem(item(45));
    await withDest(h.destination({ retries: FAST_RETRIES }), (d) => d.deliver(msg, { mailbox: ANN, folder: FOLDER }));
    expect(h.server.faults.pending()).toBe(0);
    expect(copies(ANN, msg.messageId)).toHaveLength(1);
  });
});

describe('Graph destination: tokens', () => {
  it('a 401 renews the token once and repeats the request; expired tokens are renewed', async () => {
    await withDest(h.destination({ retries: FAST_RETRIES }), async (d) => {
      await d.deliver(await convertItem(item(50)), { mailbox: ANN, folder: FOLDER });
      const tokens = h.server.identity.tokenRequests;
      h.server.injectFault({ kind: 'unauthorized', ops: ['createMessage'] });
      await d.deliver(await convertItem(item(51)), { mailbox: ANN, folder: FOLDER });
      expect(h.server.identity.tokenRequests).toBe(tokens + 1);
      h.server.expireTokens();
      await d.deliver(await convertItem(item(52)), { mailbox: ANN, folder: FOLDER });
      expect(h.server.identity.tokenRequests).toBe(tokens + 2);
    });
    for (const i of [50, 51, 52]) expect(copies(ANN, messageIdFor('Twitter', `t${i}`))).toHaveLength(1);
  });

  it('a second 401 is an auth error in an admin\'s words', async () => {
    h.server.injectFault({ kind: 'unauthorized', ops: ['createMessage'], times: 2 });
    const msg = await convertItem(item(53));
    const e = await rejection(withDest(h.destination(), (d) => d.deliver(msg, { mailbox: ANN, folder: FOLDER })));
    expect(e.errorClass).toBe('auth');
    expect(e.message).toContain(`Microsoft 365 rejected the app's credentials for tenant ${h.server.tenantId}`);
    expect(e.message).toContain('check the client secret in Ferry\'s keychain entry');
    expect(copies(ANN, msg.messageId)).toHaveLength(0);
  });
});

describe('Graph destination: retries without duplicates', () => {
  it('5xx answers are retried with backoff; one stored copy', async () => {
    h.server.injectFault({ kind: 'status', status: 500, ops: ['createMessage'] });
    h.server.injectFault({ kind: 'status', status: 503, ops: ['createMessage'] });
    h.server.injectFault({ kind: 'drop-before', ops: ['createMessage'] });
    const msg = await convertItem(item(60));
    const dest = h.destination({ retries: FAST_RETRIES });
    await withDest(dest, (d) => d.deliver(msg, { mailbox: ANN, folder: FOLDER }));
    expect(h.server.faults.pending()).toBe(0);
    expect(copies(ANN, msg.messageId)).toHaveLength(1);
    expect(dest.stats.retries).toBeGreaterThanOrEqual(3);
  });

  it('after the bounded retries, a transient error naming the mailbox and the last status', async () => {
    h.server.injectFault({ kind: 'status', status: 503, ops: ['createMessage'], times: 3 });
    const msg = await convertItem(item(66));
    const e = await rejection(withDest(h.destination({ retries: { ...FAST_RETRIES, max: 2 } }), (d) => d.deliver(msg, { mailbox: ANN, folder: FOLDER })));
    expect(e.errorClass).toBe('transient');
    expect(e.message).toContain(`Microsoft 365 did not accept creating message ${msg.messageId} in folder "${FOLDER}" for mailbox ${ANN} after 3 attempts`);
    expect(e.message).toMatch(/the last attempt got HTTP 503 ServiceUnavailable, request-id [0-9a-f-]{36}$/);
    expect(copies(ANN, msg.messageId)).toHaveLength(0);
  });

  it('a timeout after the server stored the message: found by internetMessageId, never created twice', async () => {
    h.server.injectFault({ kind: 'slow-after', ops: ['createMessage'], delayMs: 1500 });
    const msg = await convertItem(item(61));
    const dest = h.destination({ retries: FAST_RETRIES, timeouts: { requestMs: 500 } });
    const d = await withDest(dest, (x) => x.deliver(msg, { mailbox: ANN, folder: FOLDER }));
    const all = copies(ANN, msg.messageId);
    expect(all).toHaveLength(1);
    expect(d.remoteId).toBe(all[0]!.id);
    expect(dest.stats.recoveries).toBe(1);
  });

  it('a dropped connection or a 504 after the message was stored: found, not created again', async () => {
    h.server.injectFault({ kind: 'drop-after', ops: ['createMessage'] });
    const a = await convertItem(item(62));
    h.server.injectFault({ kind: 'status', status: 504, afterHandling: true, ops: ['createMessage'] });
    const b = await convertItem(item(63));
    await withDest(h.destination({ retries: FAST_RETRIES }), async (d) => {
      await d.deliver(a, { mailbox: ANN, folder: FOLDER });
      await d.deliver(b, { mailbox: ANN, folder: FOLDER });
    });
    expect(copies(ANN, a.messageId)).toHaveLength(1);
    expect(copies(ANN, b.messageId)).toHaveLength(1);
  });

  it('an upload that breaks off is not left half done: the copy is deleted and the message sent again whole', async () => {
    h.server.injectFault({ kind: 'drop-after', ops: ['uploadChunk'] });
    const big = 4 * 1024 * 1024;
    const msg = await convertItem(item(64, { attachments: [file('big.bin', big, 5)] }));
    await withDest(h.destination({ retries: FAST_RETRIES }), (d) => d.deliver(msg, { mailbox: BOB, folder: FOLDER }));
    const all = copies(BOB, msg.messageId);
    expect(all).toHaveLength(1);
    expect(all[0]!.attachments.map((a) => a.size)).toEqual([big]);
    expect(prop(all[0]!, PROP.deliveryState)).toBe('complete');
  });

  it('find() reports a complete copy, deletes an incomplete one and reports nothing', async () => {
    const big = 3 * 1024 * 1024 + 10;
    const msg = await convertItem(item(65, { attachments: [file('big.bin', big, 6)] }));
    // Every upload and every delete fails: the incomplete copy stays on the server, marked.
    h.server.injectFault({ kind: 'drop-before', ops: ['uploadChunk', 'deleteMessage'], times: 100 });
    const e = await rejection(withDest(h.destination({ retries: { ...FAST_RETRIES, max: 1 } }), (d) => d.deliver(msg, { mailbox: BOB, folder: FOLDER })));
    expect(e.errorClass).toBe('transient');
    h.server.faults.clear();
    const left = copies(BOB, msg.messageId);
    expect(left.length).toBeGreaterThanOrEqual(1);
    expect(left.every((m) => prop(m, PROP.deliveryState) === 'incomplete')).toBe(true);

    const target = { mailbox: BOB, folder: FOLDER };
    await withDest(h.destination(), async (d) => {
      expect(await d.find(msg.messageId, target)).toBeNull();
      expect(copies(BOB, msg.messageId)).toHaveLength(0);
      const delivered = await d.deliver(msg, target);
      const found = await d.find(msg.messageId, target);
      expect(found?.remoteId).toBe(delivered.remoteId);
    });
    expect(copies(BOB, msg.messageId)).toHaveLength(1);
  });
});

describe('Graph destination: throttling', () => {
  it('never more than 4 requests at once per mailbox, and uses all 4', async () => {
    const t = await startGraphHarness({ mailboxes: [ANN, BOB], latencyMs: 40 });
    try {
      const msgs = await Promise.all(Array.from({ length: 24 }, (_, i) => convertItem(item(100 + i))));
      await withDest(t.destination({ limits: { parallelDeliveries: 48 } }), (d) => Promise.all(msgs.flatMap((m) => [ANN, BOB].map((mb) => d.deliver(m, { mailbox: mb, folder: FOLDER })))));
      const s = t.server.stats();
      expect(s.maxConcurrency[ANN]).toBe(4);
      expect(s.maxConcurrency[BOB]).toBe(4);
      expect(s.throttledBy.MailboxConcurrency ?? 0).toBe(0);
      expect(s.messages[ANN]).toHaveLength(24);
      expect(new Set(s.messages[BOB]).size).toBe(24);
    } finally { await t.stop(); }
  });

  it('429 with Retry-After: the wait happens, then the request goes through', async () => {
    h.server.injectFault({ kind: 'status', status: 429, retryAfterSec: 1, ops: ['createMessage'], mailbox: ANN });
    const msg = await convertItem(item(70));
    const dest = h.destination({ retries: FAST_RETRIES });
    await withDest(dest, (d) => d.deliver(msg, { mailbox: ANN, folder: FOLDER }));
    const creates = h.server.log.filter((l) => l.op === 'createMessage' && l.mailbox === ANN);
    const throttledAt = creates.findLast((l) => l.status === 429)!;
    const next = creates.find((l) => l.at >= throttledAt.at && l.status === 201)!;
    expect(next.at - throttledAt.at).toBeGreaterThanOrEqual(1000);
    expect(dest.stats.throttled).toBe(1);
    expect(copies(ANN, msg.messageId)).toHaveLength(1);
  });

  it('the server\'s request budget: a client that ignores it is throttled and obeys; one that knows it waits and is never refused', async () => {
    const windowMs = 2000;
    const t = await startGraphHarness({ mailboxes: [ANN], limits: { requestsPerWindow: 6, requestWindowMs: windowMs } });
    try {
      const msgs = await Promise.all(Array.from({ length: 20 }, (_, i) => convertItem(item(200 + i))));
      // Unaware of the limit: 429s with Retry-After, obeyed; all delivered once.
      const naive = t.destination({ retries: { ...FAST_RETRIES, max: 10 }, limits: { requestsPerWindow: 1000 } });
      await withDest(naive, (d) => Promise.all(msgs.slice(0, 10).map((m) => d.deliver(m, { mailbox: ANN, folder: 'Inbox' }))));
      expect(t.server.stats().throttledBy.Requests).toBeGreaterThan(0);
      expect(naive.stats.retryAfterWaitMs).toBeGreaterThanOrEqual(1000);

      // Knowing the limit (6 per 2 s): 10 creates and 2 lookups take two windows; never refused.
      await new Promise((r) => setTimeout(r, windowMs + 200));
      const refusedBefore = t.server.stats().throttled;
      const aware = t.destination({ limits: { requestsPerWindow: 6, requestWindowMs: windowMs } });
      const started = Date.now();
      await withDest(aware, async (d) => {
        await Promise.all(msgs.slice(10).map((m) => d.deliver(m, { mailbox: ANN, folder: 'Inbox' })));
        await Promise.all(msgs.slice(10, 12).map((m) => d.find(m.messageId, { mailbox: ANN, folder: 'Inbox' })));
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(windowMs);
      expect(t.server.stats().throttled).toBe(refusedBefore);
      const s = t.server.stats();
      expect(s.messages[ANN]).toHaveLength(20);
      expect(new Set(s.messages[ANN]).size).toBe(20);
    } finally { await t.stop(); }
  });

  it('the upload byte budget holds an upload back until the window has room', async () => {
    const mb = 1024 * 1024;
    const windowMs = 1500;
    const t = await startGraphHarness({ mailboxes: [ANN], limits: { uploadBytesPerWindow: 5 * mb, uploadWindowMs: windowMs } });
    try {
      const msgs = await Promise.all([0, 1].map((i) => convertItem(item(300 + i, { attachments: [file('f.bin', 2 * mb, i)] }))));
      const started = Date.now();
      await withDest(t.destination({ limits: { uploadBytesPerWindow: 5 * mb, uploadWindowMs: windowMs } }), async (d) => {
        for (const m of msgs) await d.deliver(m, { mailbox: ANN, folder: FOLDER });
      });
      // Each message is ~2.7 MB of JSON: the second does not fit in the first's window.
      expect(Date.now() - started).toBeGreaterThanOrEqual(windowMs);
      expect(t.server.stats().throttled).toBe(0);
      expect(t.server.messages(ANN)).toHaveLength(2);
    } finally { await t.stop(); }
  });
});

describe('ferry destination test (testGraphConnection)', () => {
  it('signs in, reads the permission and checks each mailbox, in an admin\'s words', async () => {
    const ok = await testGraphConnection(h.settings(), async () => h.secretApp.secret, [ANN, 'nobody@contoso.com']);
    expect(ok.map((c) => [c.check, c.ok])).toEqual([['settings', true], ['sign-in', true], ['permission', true], [`mailbox ${ANN}`, true], ['mailbox nobody@contoso.com', false]]);
    expect(ok[4]!.message).toContain('does not exist in tenant');

    const readOnly = await testGraphConnection({ ...h.settings(), clientId: readOnlyApp.clientId }, async () => readOnlyApp.secret, [ANN]);
    expect(readOnly.find((c) => c.check === 'permission')).toMatchObject({ ok: false });
    expect(readOnly.find((c) => c.check === 'permission')!.message).toContain('lacks the Mail.ReadWrite application permission (it has: Mail.Read)');

    const policy = await testGraphConnection({ ...h.settings(), clientId: policyApp.clientId }, async () => policyApp.secret, [ANN, BOB]);
    expect(policy.slice(3).map((c) => c.ok)).toEqual([true, false]);
    expect(policy[4]!.message).toContain('application access policy');

    const wrong = await testGraphConnection(h.settings(), async () => 'wrong', [ANN]);
    expect(wrong.map((c) => [c.check, c.ok])).toEqual([['settings', true], ['sign-in', false]]);
    expect(wrong[1]!.message).toContain("rejected the app's credentials");

    const badSettings = await testGraphConnection({ kind: 'graph', tenantId: h.server.tenantId }, async () => 'x', [ANN]);
    expect(badSettings).toEqual([{ check: 'settings', ok: false, message: expect.stringContaining('clientId') }]);
  });
});
