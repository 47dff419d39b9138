/**
 * The Exchange (EWS) destination against the loopback EWS server (HTTPS, self-signed), with its
 * credentials in the real OS keychain (Secret Service, started by `npm test`): Basic and OAuth,
 * impersonation and delegate access, the stored MIME and properties, folders, throttling answers,
 * per-item errors, uncertain sends, resumes, and whole runs through executeRun.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EwsDestination } from '../../main/engine/destinations/ews/ews-destination';
import { ewsCredentialRef, resolveEwsSettings } from '../../main/engine/destinations/ews/settings';
import { testEwsConnection } from '../../main/engine/destinations/ews/test-connection';
import { createDestination } from '../../main/engine/destinations/registry';
import { testDestination } from '../../main/engine/destinations/test-connection';
import { KeychainSecretStore } from '../../main/engine/secrets/secret-store';
import { executeRun } from '../../main/engine/runs/run';
import { openStore, type Db } from '../../main/engine/store/db';
import { Ledger } from '../../main/engine/store/ledger';
import { convertItem, type ConvertedMessage } from '../../main/engine/convert/convert';
import { isBadRecord, type Item } from '../../main/engine/item';
import { syntheticSource } from '../helpers/synthetic-source';
import { toMailboxes } from '../helpers/routers';
import { tempDir } from '../helpers/engine';
import { seeded } from '../helpers/seeded-random';
import { SERVICE_ACCOUNT, startEwsHarness, type EwsHarness } from '../servers/ews/harness';

const MAILBOXES = ['ann@contoso.com', 'bob@contoso.com', 'carol@contoso.com'];
let h: EwsHarness;
let items: Item[];

beforeAll(async () => {
  h = await startEwsHarness({ mailboxes: MAILBOXES, correlationIds: true });
  items = [];
  for await (const r of syntheticSource({ count: 30, attachEvery: 4 }).read({ path: 'x' }, {})) if (!isBadRecord(r)) items.push(r);
});

afterAll(async () => { await h?.stop(); });

function store(): Db { return openStore(tempDir()); }
const message = (i: number): Promise<ConvertedMessage> => convertItem(items[i]!);
const fast = { retryBaseMs: 20, retryMaxMs: 200 };

/** How many copies of each Message-ID a mailbox folder holds. */
function copies(mailbox: string, folder: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const it of h.server.items(mailbox, folder)) out.set(it.internetMessageId, (out.get(it.internetMessageId) ?? 0) + 1);
  return out;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - t0 };
}

describe('EWS destination: what is stored', () => {
  it('saves the MIME byte for byte with the item class, PR_MESSAGE_FLAGS = 1 and the item date, into a folder per source made once (Basic, impersonation)', async () => {
    const dest = h.destination(h.settings(fast));
    try {
      const sent: ConvertedMessage[] = [];
      for (let i = 0; i < 4; i++) {
        const m = await message(i);
        sent.push(m);
        // Deliveries to one mailbox in parallel share one folder lookup.
        await Promise.all(['ann@contoso.com', 'bob@contoso.com'].map((mb) => dest.deliver(m, { mailbox: mb, folder: 'Synth Archive' })));
      }
      for (const mb of ['ann@contoso.com', 'bob@contoso.com']) {
        const stored = h.server.items(mb, 'Synth Archive');
        expect(stored).toHaveLength(4);
        for (const m of sent) {
          const it = stored.find((x) => x.internetMessageId === m.messageId)!;
          expect(it.mime.equals(m.mime)).toBe(true);
          expect(it.itemClass).toBe(m.messageClass);
          expect(it.itemClass).toMatch(/^IPM\.NOTE\.Synth\.(Message|Reply)$/);
          expect(it.props.get('0x0e07')).toEqual({ tag: '0x0E07', type: 'Integer', value: '1' });
          expect(it.props.get('0x0e06')).toEqual({ tag: '0x0E06', type: 'SystemTime', value: m.date.toISOString() });
          expect(it.characterSet).toBe('UTF-8');
        }
        expect(h.server.createdFolders(mb).map((f) => [f.displayName, f.folderClass])).toEqual([['Synth Archive', 'IPF.Note']]);
      }
      expect(h.server.log.filter((r) => r.op === 'CreateFolder')).toHaveLength(2);
      // Impersonation: every mailbox request names the mailbox in ExchangeImpersonation and X-AnchorMailbox.
      const creates = h.server.log.filter((r) => r.op === 'CreateItem' && r.account === SERVICE_ACCOUNT);
      expect(creates.length).toBeGreaterThanOrEqual(8);
      for (const r of creates) {
        expect(r.impersonated).toBe(r.mailbox);
        expect(r.anchorMailbox).toBe(r.mailbox);
        expect(r.auth).toBe('basic');
        expect(r.version).toBe('Exchange2013');
        expect(r.soapAction).toBe('"http://schemas.microsoft.com/exchange/services/2006/messages/CreateItem"');
      }
      // The catch-all's Inbox is the well-known inbox, whatever its display name.
      const d = await dest.deliver(sent[0]!, { mailbox: 'carol@contoso.com', folder: 'Inbox' });
      expect(h.server.items('carol@contoso.com', 'inbox').map((x) => x.id)).toEqual([d.remoteId]);
      expect(h.server.createdFolders('carol@contoso.com')).toHaveLength(0);
    } finally {
      await dest.close();
    }
  });

  it('signs in with an OAuth bearer token, as a delegate into recoverableitemspurges, returning the item id and x-IngestionCorrelationID', async () => {
    const dest = h.destination(h.oauthSettings({ impersonation: false, folder: 'recoverableitemspurges' }));
    // The OAuth app has impersonation rights only; as a delegate it must be given Full Access: use the delegate account for the write.
    const delegate = h.destination(h.delegateSettings({ folder: 'recoverableitemspurges' }));
    try {
      const m = await message(5);
      await expect(dest.deliver(m, { mailbox: 'bob@contoso.com', folder: 'Synth Archive' })).rejects.toMatchObject({
        errorClass: 'auth', message: expect.stringMatching(/denied the OAuth application access to mailbox bob@contoso\.com .*needs Full Access to it \(Add-MailboxPermission/),
      });
      const d = await delegate.deliver(m, { mailbox: 'bob@contoso.com', folder: 'Synth Archive' });
      const purges = h.server.items('bob@contoso.com', 'recoverableitemspurges');
      expect(purges.map((x) => x.id)).toEqual([d.remoteId]);
      expect(d.correlationId).toBe(h.server.correlationIds.get(d.remoteId!));
      expect(h.server.createdFolders('bob@contoso.com').some((f) => f.displayName === 'Synth Archive')).toBe(true); // from the first test only
      const last = h.server.log.filter((r) => r.op === 'CreateItem').at(-1)!;
      expect(last).toMatchObject({ auth: 'basic', mailbox: 'bob@contoso.com' });
      expect(last.impersonated).toBeUndefined();
      expect(last.anchorMailbox).toBeUndefined();

      const oauth = h.destination(h.oauthSettings({ folder: 'recoverableitemspurges' }));
      const d2 = await oauth.deliver(await message(6), { mailbox: 'carol@contoso.com', folder: 'ignored' });
      await oauth.close();
      expect(h.server.log.filter((r) => r.op === 'CreateItem').at(-1)).toMatchObject({ auth: 'bearer', impersonated: 'carol@contoso.com', anchorMailbox: 'carol@contoso.com', status: 200 });
      expect(h.server.items('carol@contoso.com', 'recoverableitemspurges').map((x) => x.id)).toContain(d2.remoteId);
      // find() looks in the same well-known folder.
      expect(await delegate.find(m.messageId, { mailbox: 'bob@contoso.com', folder: 'Synth Archive' })).toEqual({ remoteId: d.remoteId });
      expect(await delegate.find(m.messageId, { mailbox: 'ann@contoso.com', folder: 'Synth Archive' })).toBeNull();
    } finally {
      await dest.close();
      await delegate.close();
    }
  });
});

describe('EWS destination: throttling and retries', () => {
  it('obeys ErrorServerBusy BackOffMilliseconds, as a SOAP fault and as a response message, then saves once', async () => {
    const dest = h.destination(h.settings(fast));
    try {
      const m = await message(7);
      const logStart = h.server.log.length;
      h.server.injectFault({ kind: 'server-busy', ops: ['CreateItem'], mailbox: 'ann@contoso.com', backOffMs: 400 });
      h.server.injectFault({ kind: 'server-busy', ops: ['CreateItem'], mailbox: 'ann@contoso.com', backOffMs: 300, asMessage: true });
      const { value: d, ms } = await timed(() => dest.deliver(m, { mailbox: 'ann@contoso.com', folder: 'Busy Test' }));
      expect(ms).toBeGreaterThanOrEqual(700);
      expect(dest.stats).toMatchObject({ serverBusy: 2, backOffWaitMs: 700, recoveries: 0 });
      expect(copies('ann@contoso.com', 'Busy Test')).toEqual(new Map([[m.messageId, 1]]));
      expect(d.remoteId).toBe(h.server.items('ann@contoso.com', 'Busy Test')[0]!.id);
      const log = h.server.log.slice(logStart);
      expect(log.filter((r) => r.code === 'ErrorServerBusy').map((r) => r.status)).toEqual([500, 200]);
      // Busy means refused: no lookup was needed before trying again.
      expect(log.filter((r) => r.op === 'FindItem')).toHaveLength(0);
    } finally {
      await dest.close();
    }
  });

  it('a BackOffMilliseconds longer than maxBackOffMs fails the item as throttled instead of stalling the run', async () => {
    const dest = h.destination(h.settings({ ...fast, maxBackOffMs: 1000 }));
    try {
      h.server.injectFault({ kind: 'server-busy', ops: ['CreateItem'], mailbox: 'bob@contoso.com', backOffMs: 60_000 });
      const m = await message(8);
      const { ms } = await timed(() => expect(dest.deliver(m, { mailbox: 'bob@contoso.com', folder: 'Busy Test' })).rejects.toMatchObject({
        errorClass: 'throttled', retryAfterMs: 60_000, message: expect.stringMatching(/throttling mailbox bob@contoso\.com .*BackOffMilliseconds 60000.*a later run retries it/),
      }));
      expect(ms).toBeLessThan(5000);
      expect(h.server.items('bob@contoso.com', 'Busy Test')).toHaveLength(0);
    } finally {
      await dest.close();
    }
  });

  it('retries 429 and 503 after their Retry-After, looking before resending after the 503', async () => {
    const dest = h.destination(h.settings(fast));
    try {
      const m = await message(9);
      h.server.injectFault({ kind: 'status', status: 429, retryAfterSec: 1, ops: ['CreateItem'], mailbox: 'carol@contoso.com' });
      h.server.injectFault({ kind: 'status', status: 503, retryAfterSec: 1, ops: ['CreateItem'], mailbox: 'carol@contoso.com', afterHandling: true });
      const { ms } = await timed(() => dest.deliver(m, { mailbox: 'carol@contoso.com', folder: 'Retry Test' }));
      expect(ms).toBeGreaterThanOrEqual(2000);
      expect(dest.stats).toMatchObject({ throttled: 2, retryAfterWaitMs: 2000, recoveries: 1 });
      // The 503 came after the message was stored: the lookup found it, so there is one copy.
      expect(copies('carol@contoso.com', 'Retry Test')).toEqual(new Map([[m.messageId, 1]]));
      expect(h.server.log.filter((r) => r.op === 'FindItem' && r.mailbox === 'carol@contoso.com').length).toBeGreaterThanOrEqual(1);
    } finally {
      await dest.close();
    }
  });

  it('retries a 500 from IIS and dropped connections with backoff, never storing twice', async () => {
    const dest = h.destination(h.settings(fast));
    try {
      const ms = [await message(10), await message(11), await message(12)];
      h.server.injectFault({ kind: 'status', status: 500, ops: ['CreateItem'], mailbox: 'ann@contoso.com' });
      h.server.injectFault({ kind: 'drop-before', ops: ['CreateItem'], mailbox: 'ann@contoso.com' });
      h.server.injectFault({ kind: 'drop-after', ops: ['CreateItem'], mailbox: 'ann@contoso.com' });
      for (const m of ms) await dest.deliver(m, { mailbox: 'ann@contoso.com', folder: 'Drop Test' });
      expect(copies('ann@contoso.com', 'Drop Test')).toEqual(new Map(ms.map((m) => [m.messageId, 1])));
      expect(dest.stats.recoveries).toBe(1);
      expect(h.server.faults.pending()).toBe(0);
    } finally {
      await dest.close();
    }
  });

  it('waits out a request-rate limit answered with 429 or 503 and Retry-After (a load balancer in front of Exchange)', async () => {
    for (const [answer, mailbox] of [['429', 'carol@contoso.com'], ['503', 'ann@contoso.com']] as const) {
      h.server.setLimits({ requestsPerWindow: 3, windowMs: 1000, answer });
      const dest = h.destination(h.settings(fast));
      const before = h.server.stats().throttled;
      try {
        const ms = await Promise.all([25, 26, 27, 28].map(message));
        const { ms: took } = await timed(async () => { for (const m of ms) await dest.deliver(m, { mailbox, folder: 'Inbox' }); });
        expect(took).toBeGreaterThanOrEqual(1000);
        expect(h.server.stats().throttled).toBeGreaterThan(before);
        expect(dest.stats.throttled).toBeGreaterThan(0);
        expect(dest.stats.retryAfterWaitMs).toBeGreaterThanOrEqual(1000);
        const inbox = copies(mailbox, 'inbox');
        for (const m of ms) expect(inbox.get(m.messageId)).toBe(1);
      } finally {
        h.server.setLimits({ requestsPerWindow: 1_000_000, windowMs: 60_000, answer: 'server-busy' });
        await dest.close();
      }
    }
  });

  it('treats ErrorInternalServerError as uncertain: looked up, then retried, stored once', async () => {
    const dest = h.destination(h.settings(fast));
    try {
      const m = await message(22);
      h.server.injectFault({ kind: 'item-error', ops: ['CreateItem'], mailbox: 'bob@contoso.com', code: 'ErrorInternalServerError', message: 'An internal server error occurred. The operation failed.' });
      await dest.deliver(m, { mailbox: 'bob@contoso.com', folder: 'Internal Test' });
      expect(copies('bob@contoso.com', 'Internal Test')).toEqual(new Map([[m.messageId, 1]]));
      expect(dest.stats.retries).toBe(1);
    } finally {
      await dest.close();
    }
  });

  it('makes the folder per source again when someone deleted it during the run', async () => {
    const dest = h.destination(h.settings(fast));
    try {
      await dest.deliver(await message(23), { mailbox: 'carol@contoso.com', folder: 'Deleted Test' });
      const [gone] = h.server.createdFolders('carol@contoso.com').filter((f) => f.displayName === 'Deleted Test');
      h.server.mailbox('carol@contoso.com').deleteFolder(gone!.id);
      const m = await message(24);
      await dest.deliver(m, { mailbox: 'carol@contoso.com', folder: 'Deleted Test' });
      const now = h.server.createdFolders('carol@contoso.com').filter((f) => f.displayName === 'Deleted Test');
      expect(now).toHaveLength(1);
      expect(now[0]!.id).not.toBe(gone!.id);
      expect(h.server.items('carol@contoso.com', 'Deleted Test').map((i) => i.internetMessageId)).toEqual([m.messageId]);
    } finally {
      await dest.close();
    }
  });

  it('a timeout after the server stored the message ends with exactly one copy, found by its Message-ID', async () => {
    const dest = h.destination(h.settings({ ...fast, requestTimeoutMs: 500 }));
    try {
      const m = await message(13);
      h.server.injectFault({ kind: 'slow-after', delayMs: 3000, ops: ['CreateItem'], mailbox: 'bob@contoso.com' });
      const d = await dest.deliver(m, { mailbox: 'bob@contoso.com', folder: 'Timeout Test' });
      const stored = h.server.items('bob@contoso.com', 'Timeout Test');
      expect(stored.map((x) => x.internetMessageId)).toEqual([m.messageId]);
      expect(d.remoteId).toBe(stored[0]!.id);
      expect(dest.stats.recoveries).toBe(1);
    } finally {
      await dest.close();
    }
  });

  it('keeps to mailboxConcurrency per mailbox, and recovers from the server refusing the excess with ErrorServerBusy', async () => {
    h.server.setLimits({ concurrency: 2, concurrencyBackOffMs: 50 });
    h.server.setLatency(60);
    const dest = h.destination(h.settings({ ...fast, mailboxConcurrency: 2 }));
    const greedy = h.destination(h.settings({ ...fast, mailboxConcurrency: 6 }));
    try {
      const ms = await Promise.all([14, 15, 16, 17, 18, 19].map(message));
      const before = h.server.budgets.refusals.length;
      await Promise.all(ms.map((m) => dest.deliver(m, { mailbox: 'carol@contoso.com', folder: 'Limit Test' })));
      expect(h.server.budgets.refusals.length).toBe(before);
      // A client allowed more than the server's limit meets ErrorServerBusy and waits it out.
      await Promise.all(ms.map((m) => greedy.deliver(m, { mailbox: 'carol@contoso.com', folder: 'Limit Test 2' })));
      expect(h.server.budgets.refusals.length).toBeGreaterThan(before);
      expect(greedy.stats.serverBusy).toBeGreaterThan(0);
      expect(copies('carol@contoso.com', 'Limit Test 2')).toEqual(new Map(ms.map((m) => [m.messageId, 1])));
      expect(h.server.stats().maxConcurrency['carol@contoso.com']).toBe(2);
    } finally {
      h.server.setLimits({ concurrency: 27 });
      h.server.setLatency(0);
      await dest.close();
      await greedy.close();
    }
  });
});

describe('EWS destination: runs', () => {
  it('runs into 3 mailboxes with faults injected: every item exactly once, ids and correlation ids in the ledger; a rerun reports all duplicate', async () => {
    const count = 40;
    const badEvery = 13;
    const db = store();
    const folder = 'Run Archive';
    const run = () => executeRun(db, {
      kind: 'synthetic', source: syntheticSource({ count, badEvery }), settings: { path: 'x' }, mode: 'import',
      destination: h.destination(h.settings({ ...fast, maxRetries: 10, requestTimeoutMs: 700, concurrency: 6 })),
      destinationConfig: h.settings() as unknown as Record<string, unknown>, router: toMailboxes(MAILBOXES), folder,
    });
    h.server.setLimits({ concurrency: 3, concurrencyBackOffMs: 40 });
    h.server.faults.random = { rate: 0.2, random: seeded(7) };
    try {
      const r = await run();
      expect(h.server.faults.injected).toBeGreaterThan(10);
      expect(r.status).toBe('completed');
      const good = count - Math.floor(count / badEvery);
      expect(r.counts).toMatchObject({ available: count, imported: good, failed: count - good, duplicate: 0 });
      for (const mb of MAILBOXES) {
        const c = copies(mb, folder);
        expect(c.size).toBe(good);
        expect([...c.values()].every((n) => n === 1)).toBe(true);
        expect(h.server.createdFolders(mb).filter((f) => f.displayName === folder)).toHaveLength(1);
      }
      // Each copy's item id, and the correlation id when its answer carried one (a recovered send has none).
      const ledger = new Ledger(db);
      let withCorrelation = 0;
      for (let seq = 0; seq < count; seq++) {
        if (seq % badEvery === badEvery - 1) { expect(ledger.forItem(r.runId, seq)).toEqual([]); continue; }
        const d = ledger.forItem(r.runId, seq);
        expect(d.map((x) => x.mailbox).sort()).toEqual(MAILBOXES);
        for (const x of d) {
          expect(x.state).toBe('delivered');
          const stored = h.server.items(x.mailbox, folder).find((i) => i.id === x.remoteId);
          expect(stored).toBeDefined();
          if (x.correlationId) { withCorrelation++; expect(x.correlationId).toBe(h.server.correlationIds.get(x.remoteId!)); }
        }
      }
      expect(withCorrelation).toBeGreaterThan(good * 2);

      h.server.faults.clear();
      const again = await run();
      expect(again.counts).toMatchObject({ available: count, imported: 0, duplicate: good, failed: count - good });
      for (const mb of MAILBOXES) expect(copies(mb, folder).size).toBe(good);
    } finally {
      h.server.faults.clear();
      h.server.setLimits({ concurrency: 27 });
      db.close();
    }
  });

  it('settles a send left pending by a crash by finding it, without a second copy', async () => {
    const db = store();
    const folder = 'Crash Archive';
    const dest = h.destination(h.settings(fast));
    const m0 = await message(0);
    // The crash: the message reached Exchange, the ledger still says pending (from an earlier run, 999).
    const first = await dest.deliver(m0, { mailbox: 'bob@contoso.com', folder });
    await dest.close();
    const ledger = new Ledger(db);
    ledger.markPending({ destination: dest.key, mailbox: 'bob@contoso.com', messageId: m0.messageId }, folder, 999, 0);
    // And a pending send that never arrived: cleared, then sent.
    const m1 = await message(1);
    ledger.markPending({ destination: dest.key, mailbox: 'bob@contoso.com', messageId: m1.messageId }, folder, 999, 1);

    const r = await executeRun(db, { kind: 'synthetic', source: syntheticSource({ count: 4 }), settings: { path: 'x' }, mode: 'import',
      destination: h.destination(h.settings(fast)), router: toMailboxes(['bob@contoso.com']), folder });
    expect(r.counts).toMatchObject({ available: 4, imported: 3, duplicate: 1 });
    const c = copies('bob@contoso.com', folder);
    expect(c.size).toBe(4);
    expect([...c.values()].every((n) => n === 1)).toBe(true);
    expect(ledger.state({ destination: dest.key, mailbox: 'bob@contoso.com', messageId: m0.messageId })).toMatchObject({ state: 'delivered' });
    expect(ledger.forItem(999, 0)).toEqual([expect.objectContaining({ remoteId: first.remoteId, state: 'delivered' })]);
    db.close();
  });

  it('a run cancelled during slow sends: the resume and a later run leave every item exactly once', async () => {
    const db = store();
    const folder = 'Cancel Archive';
    const spec = { kind: 'synthetic', source: syntheticSource({ count: 12 }), settings: { path: 'x' }, mode: 'import' as const,
      router: toMailboxes(['ann@contoso.com', 'bob@contoso.com']), folder };
    h.server.setLatency(150);
    const ac = new AbortController();
    try {
      setTimeout(() => ac.abort(), 700);
      const first = await executeRun(db, { ...spec, destination: h.destination(h.settings({ ...fast, concurrency: 2 })), signal: ac.signal });
      expect(first.status).toBe('cancelled');
      expect(first.counts.available).toBeLessThan(12);
      h.server.setLatency(0);
      const resumed = await executeRun(db, { ...spec, destination: h.destination(h.settings(fast)), resumeRunId: first.runId });
      expect(resumed.status).toBe('completed');
      expect(resumed.counts.available).toBe(12);
      // Sends in flight at the cancel are recorded as failed by the run engine (reason: cancelled); their
      // pending marks were settled by find() at the resume, so nothing is stored twice.
      expect(resumed.failures.every((f) => /cancelled while/.test(f.reason))).toBe(true);
      expect(new Ledger(db).pending(h.destination().key)).toEqual([]);
      for (const mb of ['ann@contoso.com', 'bob@contoso.com']) expect([...copies(mb, folder).values()].every((n) => n === 1)).toBe(true);
      // A later run delivers what the cancel interrupted and finds the rest already there.
      const later = await executeRun(db, { ...spec, destination: h.destination(h.settings(fast)) });
      expect(later.counts).toMatchObject({ available: 12, failed: 0 });
      for (const mb of ['ann@contoso.com', 'bob@contoso.com']) {
        const c = copies(mb, folder);
        expect(c.size).toBe(12);
        expect([...c.values()].every((n) => n === 1)).toBe(true);
      }
    } finally {
      h.server.setLatency(0);
      db.close();
    }
  });

  it('records per-item refusals with Exchange’s code and text while the run goes on', async () => {
    const db = store();
    h.server.injectFault({ kind: 'item-error', ops: ['CreateItem'], code: 'ErrorMimeContentConversionFailed', message: 'Unable to convert the MIME content.', after: 2 });
    h.server.injectFault({ kind: 'item-error', ops: ['CreateItem'], code: 'ErrorMessageSizeExceeded', message: 'The message exceeds the maximum supported size.', after: 3 });
    const r = await executeRun(db, { kind: 'synthetic', source: syntheticSource({ count: 8 }), settings: { path: 'x' }, mode: 'import',
      destination: h.destination(h.settings({ ...fast, concurrency: 1 })), router: toMailboxes(['ann@contoso.com']), folder: 'Refusal Test' });
    expect(r.status).toBe('completed');
    expect(r.counts).toMatchObject({ available: 8, imported: 6, failed: 2 });
    const reasons = r.failures.map((f) => f.reason).join('\n');
    expect(reasons).toMatch(/ann@contoso\.com: Exchange on 127\.0\.0\.1:\d+ refused saving message <[^>]+> into the folder "Refusal Test" for mailbox ann@contoso\.com \(Exchange says ErrorMimeContentConversionFailed: Unable to convert the MIME content\.\)/);
    expect(reasons).toMatch(/as too large \(Exchange says ErrorMessageSizeExceeded: The message exceeds the maximum supported size\.\)/);
    expect(h.server.items('ann@contoso.com', 'Refusal Test')).toHaveLength(6);
    // Refused outright: nothing pending is left for the next run to look up.
    expect(new Ledger(db).pending(h.destination().key)).toEqual([]);
    db.close();
  });

  it('stops the run with an admin-worded auth error on 401, without retrying the password or revealing it', async () => {
    const db = store();
    const wrong = new KeychainSecretStore(`Ferry-test-wrong-${Date.now()}`);
    const s = h.settings(fast);
    await wrong.set(ewsCredentialRef(s), 'not-the-password');
    const logStart = h.server.log.length;
    try {
      const r = await executeRun(db, { kind: 'synthetic', source: syntheticSource({ count: 5 }), settings: { path: 'x' }, mode: 'import',
        destination: new EwsDestination(s, wrong), router: toMailboxes(['ann@contoso.com']), folder: 'Auth Test' });
      expect(r.status).toBe('failed');
      expect(r.error).toMatch(new RegExp(`Exchange at 127\\.0\\.0\\.1:\\d+ refused the sign-in of the service account ${SERVICE_ACCOUNT.replace(/\./g, '\\.')} \\(HTTP 401\\): check the password in Ferry's keychain entry "ews:127\\.0\\.0\\.1:\\d+:svc-ferry@contoso\\.com"`));
      expect(r.error).not.toContain('not-the-password');
      expect(r.counts.imported).toBe(0);
      // A wrong password is tried once per request in flight, never retried (that would lock the account).
      const tried = h.server.log.slice(logStart).filter((x) => x.status === 401);
      expect(tried.length).toBeGreaterThanOrEqual(1);
      expect(tried.length).toBeLessThanOrEqual(s.concurrency ?? 8);
    } finally {
      await wrong.delete(ewsCredentialRef(s));
      db.close();
    }
  });

  it('reads a renewed OAuth token once after a 401; a token that stays refused stops the run', async () => {
    const s = h.oauthSettings(fast);
    const m = await message(20);
    const dest = h.destination(s);
    try {
      h.server.injectFault({ kind: 'unauthorized', ops: ['FindFolder'] });
      await dest.deliver(m, { mailbox: 'ann@contoso.com', folder: 'Token Test' });
      expect(h.server.items('ann@contoso.com', 'Token Test')).toHaveLength(1);
      h.server.injectFault({ kind: 'unauthorized', ops: ['CreateItem'], times: 2 });
      await expect(dest.deliver(await message(21), { mailbox: 'ann@contoso.com', folder: 'Token Test' })).rejects.toMatchObject({
        errorClass: 'auth', message: expect.stringMatching(/refused the OAuth bearer token \(HTTP 401\): the token in Ferry's keychain entry "ews:127\.0\.0\.1:\d+:token" may have expired/),
      });
    } finally {
      await dest.close();
    }
  });

  it('stops the run when a mailbox does not exist or may not be impersonated, naming the mailbox and the fix', async () => {
    const db = store();
    const r = await executeRun(db, { kind: 'synthetic', source: syntheticSource({ count: 3 }), settings: { path: 'x' }, mode: 'import',
      destination: h.destination(h.settings(fast)), router: toMailboxes(['nobody@contoso.com']), folder: 'Missing Test' });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/mailbox nobody@contoso\.com does not exist on 127\.0\.0\.1:\d+, or has no Exchange mailbox \(Exchange says ErrorNonExistentMailbox: .*\): check the mapping to this address/);

    const scoped = await startEwsHarness({ mailboxes: MAILBOXES });
    try {
      // An account whose impersonation scope leaves out bob.
      const dest = new EwsDestination({ ...scoped.settings(fast), username: 'scoped@contoso.com' }, scoped.secrets);
      await scoped.secrets.set(ewsCredentialRef({ ...scoped.settings(), username: 'scoped@contoso.com' }), 'scoped-pw');
      scoped.server.addAccount({ username: 'scoped@contoso.com', password: 'scoped-pw', impersonation: { scope: ['ann@contoso.com'] } });
      await dest.deliver(await message(0), { mailbox: 'ann@contoso.com', folder: 'Scope Test' });
      await expect(dest.deliver(await message(0), { mailbox: 'bob@contoso.com', folder: 'Scope Test' })).rejects.toMatchObject({
        errorClass: 'auth', message: expect.stringMatching(/the service account scoped@contoso\.com may not act as mailbox bob@contoso\.com .*ErrorImpersonateUserDenied.*assign it the ApplicationImpersonation role/),
      });
      await dest.close();
      await scoped.secrets.delete(ewsCredentialRef({ ...scoped.settings(), username: 'scoped@contoso.com' }));
    } finally {
      await scoped.stop();
    }
    db.close();
  });
});

describe('EWS destination: settings and connection test', () => {
  it('refuses bad settings with the setting named', () => {
    expect(() => resolveEwsSettings({ kind: 'ews', url: 'http://mail.contoso.com/EWS/Exchange.asmx', auth: 'basic', username: 'a' })).toThrow(/url must be the https:\/\/ address of Exchange Web Services/);
    expect(() => resolveEwsSettings({ kind: 'ews', url: 'https://mail.contoso.com/EWS/Exchange.asmx', auth: 'basic' })).toThrow(/username Basic sign-in needs the service account user name/);
    expect(() => resolveEwsSettings({ kind: 'ews', url: 'https://mail.contoso.com/EWS/Exchange.asmx', auth: 'ntlm' })).toThrow(/auth must be basic or oauth \(NTLM and Kerberos are not supported/);
    expect(() => resolveEwsSettings({ kind: 'ews', url: 'https://mail.contoso.com/EWS/Exchange.asmx', auth: 'oauth', folder: 'calendar' })).toThrow(/folder .*must be one of inbox, msgfolderroot/);
    expect(() => resolveEwsSettings({ kind: 'ews', url: 'https://mail.contoso.com/EWS/Exchange.asmx', auth: 'oauth', caCertificateFile: '/nonexistent/ca.pem' })).toThrow(/caCertificateFile \/nonexistent\/ca\.pem cannot be read/);
    const s = resolveEwsSettings({ kind: 'ews', url: 'https://Mail.Contoso.com/EWS/Exchange.asmx', auth: 'oauth', folder: 'RecoverableItemsPurges' });
    expect(s).toMatchObject({ host: 'mail.contoso.com', folder: 'recoverableitemspurges', impersonation: false, parentFolder: 'msgfolderroot', concurrency: 8, mailboxConcurrency: 4 });
    expect(ewsCredentialRef({ url: s.url, auth: 'basic', username: 'CONTOSO\\Svc' })).toBe('ews:mail.contoso.com:contoso\\svc');
    // Blank optional fields from a settings form mean "not set".
    expect(resolveEwsSettings({ kind: 'ews', url: s.url, auth: 'oauth', username: '', caCertificate: '', concurrency: null })).toMatchObject({ concurrency: 8 });
    expect(ewsCredentialRef({ url: s.url, auth: 'oauth' })).toBe('ews:mail.contoso.com:token');
  });

  it('refuses an untrusted server certificate as a setup problem that names the fix', async () => {
    const { caCertificate: _omit, ...untrusted } = h.settings(fast);
    const dest = h.destination(untrusted as never);
    try {
      await expect(dest.deliver(await message(0), { mailbox: 'ann@contoso.com', folder: 'TLS Test' })).rejects.toMatchObject({
        errorClass: 'config', message: expect.stringMatching(/the certificate of 127\.0\.0\.1:\d+ is not trusted .*caCertificate or caCertificateFile/),
      });
    } finally {
      await dest.close();
    }
  });

  it('is built by the registry from --dest-set style settings and tested by `ferry destination test`', async () => {
    const db = store();
    const config = { ...h.settings(), kind: 'ews' } as unknown as { kind: string } & Record<string, unknown>;
    const dest = createDestination(config, { db, secrets: h.secrets });
    expect(dest).toBeInstanceOf(EwsDestination);
    expect(dest.key).toMatch(/^ews:127\.0\.0\.1:\d+\/ews\/exchange\.asmx$/);
    const checks = await testDestination(config, { db, secrets: h.secrets }, ['ann@contoso.com', 'nobody@contoso.com']);
    expect(checks).toContainEqual(expect.objectContaining({ check: 'sign-in', ok: true }));
    expect(checks).toContainEqual(expect.objectContaining({ check: 'mailbox ann@contoso.com', ok: true }));
    expect(checks).toContainEqual({ check: 'mailbox nobody@contoso.com', ok: false, message: expect.stringMatching(/mailbox nobody@contoso\.com does not exist/) });
    db.close();
  });

  it('tests a connection in an admin’s words: credential, sign-in, impersonation or Full Access, each mailbox', async () => {
    const ok = await testEwsConnection(h.settings({ folder: 'recoverableitemspurges' }), h.secrets, ['ann@contoso.com', 'bob@contoso.com']);
    expect(ok.every((c) => c.ok)).toBe(true);
    expect(ok.map((c) => c.check)).toEqual(['settings', 'credential', 'sign-in', 'mailbox ann@contoso.com', 'mailbox bob@contoso.com', 'permission']);
    expect(ok.find((c) => c.check === 'mailbox bob@contoso.com')!.message).toBe('mailbox bob@contoso.com is reachable and its folder recoverableitemspurges can be opened');

    // The OAuth app may impersonate, but not open mailboxes as a delegate.
    const delegate = await testEwsConnection(h.oauthSettings({ impersonation: false }), h.secrets, ['ann@contoso.com']);
    expect(delegate).toContainEqual(expect.objectContaining({ check: 'sign-in', ok: true }));
    expect(delegate).toContainEqual({ check: 'mailbox ann@contoso.com', ok: false, message: expect.stringMatching(/denied the OAuth application access to mailbox ann@contoso\.com/) });
    expect(delegate).toContainEqual({ check: 'permission', ok: false, message: 'the OAuth application lacks Full Access for 1 of 1 mailbox(es): see the mailbox checks' });

    const missing = await testEwsConnection(h.settings({ username: 'someone-else@contoso.com' }), h.secrets, ['ann@contoso.com']);
    expect(missing.at(-1)).toEqual({ check: 'credential', ok: false, message: expect.stringMatching(/the password of someone-else@contoso\.com is not in the keychain: store it with `ferry secret set ews:127\.0\.0\.1:\d+:someone-else@contoso\.com`/) });

    const wrong = new KeychainSecretStore(`Ferry-test-wrong-${Date.now()}`);
    await wrong.set(ewsCredentialRef(h.settings()), 'nope');
    try {
      const refused = await testEwsConnection(h.settings(), wrong, ['ann@contoso.com']);
      expect(refused.at(-1)).toEqual({ check: 'sign-in', ok: false, message: expect.stringMatching(/refused the sign-in of the service account svc-ferry@contoso\.com \(HTTP 401\)/) });
    } finally {
      await wrong.delete(ewsCredentialRef(h.settings()));
    }

    const bad = await testEwsConnection({ kind: 'ews', url: 'ftp://x', auth: 'basic' }, h.secrets, []);
    expect(bad).toEqual([{ check: 'settings', ok: false, message: expect.stringMatching(/url must be the https:\/\/ address/) }]);
  });

  it('refuses a value XML cannot carry instead of altering it', async () => {
    const dest = h.destination(h.settings(fast));
    try {
      await expect(dest.deliver(await message(0), { mailbox: 'ann@contoso.com', folder: 'Bad\u0001Folder' })).rejects.toMatchObject({
        errorClass: 'data', message: 'the folder name contains the character U+0001, which XML (and so EWS) cannot carry',
      });
    } finally {
      await dest.close();
    }
  });
});
