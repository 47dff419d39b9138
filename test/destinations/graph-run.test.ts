/**
 * Whole runs (executeRun) into the loopback Graph server: a synthetic chat routed to three mailboxes
 * with faults injected at random, a rerun that finds everything already there, and crash safety:
 * a pending ledger row whose message the server already holds is settled by find() without a second
 * copy, also after a real kill -9 in the middle of a send.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeRun } from '../../main/engine/runs/run';
import { openStore } from '../../main/engine/store/db';
import { Ledger } from '../../main/engine/store/ledger';
import { RunStore } from '../../main/engine/store/runs';
import { convertItem } from '../../main/engine/convert/convert';
import { messageIdFor } from '../../main/engine/convert/message-id';
import { isBadRecord, type Item } from '../../main/engine/item';
import { repoRoot } from '../helpers/fixtures';
import { tempDir } from '../helpers/engine';
import { startGraphHarness, type GraphHarness } from '../servers/graph/harness';
import { chatSource, expectedMailboxes, mailboxRouter } from '../servers/graph/chat-source';
import { seeded } from '../helpers/seeded-random';

const MAILBOXES = ['ann@contoso.com', 'bob@contoso.com', 'carol@contoso.com'];
const FOLDER = 'Chat Archive';
const CHILD = path.join(repoRoot, 'test', 'servers', 'graph', 'run-child.ts');

let h: GraphHarness;

beforeAll(async () => { h = await startGraphHarness({ mailboxes: MAILBOXES }); });
afterAll(async () => { await h?.stop(); });

/** Per mailbox: how many copies of each Message-ID the server holds in the folder. */
function held(folder = FOLDER): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const mb of MAILBOXES) {
    const counts = new Map<string, number>();
    for (const m of h.server.messages(mb, folder)) counts.set(m.internetMessageId, (counts.get(m.internetMessageId) ?? 0) + 1);
    out.set(mb, counts);
  }
  return out;
}

/** Every good item exactly once in each of its mailboxes, nothing else. */
function expectExactlyOnce(count: number, badEvery: number, folder = FOLDER): void {
  const copies = held(folder);
  for (const mb of MAILBOXES) {
    const want = new Set<string>();
    for (let i = 0; i < count; i++) {
      if (badEvery && i % badEvery === badEvery - 1) continue;
      if (expectedMailboxes(i, MAILBOXES).includes(mb)) want.add(messageIdFor('Chat', `general/${i}`));
    }
    const got = copies.get(mb)!;
    expect([...got.keys()].sort()).toEqual([...want].sort());
    expect([...got.values()].every((n) => n === 1)).toBe(true);
  }
}

const runSettings = (over: Parameters<GraphHarness['destination']>[0] = {}) => ({
  retries: { max: 8, baseDelayMs: 20, maxDelayMs: 200 }, timeouts: { requestMs: 700 }, limits: { parallelDeliveries: 12 }, ...over,
});

describe('runs into Microsoft 365 (loopback Graph)', () => {
  it('with faults injected, every item ends exactly once in each of its mailboxes; a rerun reports all as duplicates', async () => {
    const count = 60;
    const badEvery = 20;
    const db = openStore(tempDir());
    h.server.faults.random = {
      rate: 0.15, random: seeded(42),
      kinds: [{ kind: 'drop-before' }, { kind: 'drop-after' }, { kind: 'status', status: 500 }, { kind: 'status', status: 503 },
        { kind: 'status', status: 504, afterHandling: true }, { kind: 'status', status: 429, retryAfterSec: 1 }, { kind: 'slow-after', delayMs: 1200 }],
    };
    const run = () => executeRun(db, {
      kind: 'chat', source: chatSource(count, badEvery), settings: { path: '/exports/chat.json' }, mode: 'import',
      destination: h.destination(runSettings()), router: mailboxRouter(MAILBOXES), folder: FOLDER,
    });
    const first = await run();
    const injected = h.server.faults.injected;
    h.server.faults.clear();
    const bad = Math.floor(count / badEvery);
    expect(first.status).toBe('completed');
    expect(first.counts).toMatchObject({ available: count, imported: count - bad, duplicate: 0, failed: bad });
    expect(injected).toBeGreaterThan(10);
    expectExactlyOnce(count, badEvery);
    // The destination's ids are recorded against each item: Graph's item id and request-id.
    const ledger = new Ledger(db);
    const firstGood = ledger.forItem(first.runId, 0);
    expect(firstGood.map((d) => d.mailbox).sort()).toEqual(expectedMailboxes(0, MAILBOXES).sort());
    for (const d of firstGood) {
      const stored = h.server.messages(d.mailbox, FOLDER).find((m) => m.id === d.remoteId);
      expect(stored?.internetMessageId).toBe(messageIdFor('Chat', 'general/0'));
      expect(d.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(ledger.pending(h.destination().key)).toEqual([]);

    const createsBefore = h.server.stats().byOp.createMessage;
    const second = await run();
    expect(second.counts).toMatchObject({ available: count, imported: 0, duplicate: count - bad, failed: bad });
    expect(h.server.stats().byOp.createMessage).toBe(createsBefore);
    expectExactlyOnce(count, badEvery);
    db.close();
  }, 120_000);

  it('a pending ledger row is settled by find(): a message the server holds is not sent again, one it lacks is sent once', async () => {
    // A server of its own: lookups search the whole mailbox, where the test above left the same Message-IDs.
    await h.stop();
    h = await startGraphHarness({ mailboxes: MAILBOXES });
    const db = openStore(tempDir());
    const folder = 'Pending Archive';
    const dest = h.destination(runSettings());
    const runs = new RunStore(db);
    const ledger = new Ledger(db);
    // An earlier run crashed after sending item 0 to its three mailboxes (the server holds them) and before sending item 4 to Ann.
    const crashed = runs.create({ kind: 'chat', input: '/exports/other.json', mode: 'import', destination: dest.key, options: {} });
    const items: Item[] = [];
    for await (const r of chatSource(8).read({ path: 'x' }, {})) if (!isBadRecord(r)) items.push(r);
    const held0 = await convertItem(items[0]!);
    const lacking4 = await convertItem(items[4]!);
    await dest.open();
    const sent = await dest.deliver(held0, { mailbox: 'ann@contoso.com', folder });
    for (const mb of ['bob@contoso.com', 'carol@contoso.com']) await dest.deliver(held0, { mailbox: mb, folder });
    await dest.close();
    expect(expectedMailboxes(0, MAILBOXES)).toEqual(MAILBOXES);
    for (const mb of MAILBOXES) ledger.markPending({ destination: dest.key, mailbox: mb, messageId: held0.messageId }, folder, crashed, 0);
    ledger.markPending({ destination: dest.key, mailbox: 'ann@contoso.com', messageId: lacking4.messageId }, folder, crashed, 4);
    runs.finish(crashed, 'interrupted');

    const report = await executeRun(db, {
      kind: 'chat', source: chatSource(8), settings: { path: '/exports/chat.json' }, mode: 'import',
      destination: dest, router: mailboxRouter(MAILBOXES), folder,
    });
    expect(report.status).toBe('completed');
    // Item 0 reached every one of its mailboxes before, so it is a duplicate now; item 4 and the rest are imported.
    expect(report.counts).toMatchObject({ available: 8, imported: 7, duplicate: 1, failed: 0 });
    expect(ledger.state({ destination: dest.key, mailbox: 'ann@contoso.com', messageId: held0.messageId })).toMatchObject({ state: 'delivered', remoteId: sent.remoteId });
    expect(ledger.pending(dest.key)).toEqual([]);
    expectExactlyOnce(8, 0, folder);
    db.close();
  });
});

/** Runs the child; kills it with SIGKILL when `killWhen` says so. */
function runChild(dataDir: string, configFile: string, killWhen?: () => boolean): Promise<{ killed: boolean; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, configFile], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const poll = killWhen && setInterval(() => { if (killWhen() && !child.killed) child.kill('SIGKILL'); }, 20);
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (poll) clearInterval(poll);
      if (signal === 'SIGKILL') resolve({ killed: true, out });
      else if (code === 0) resolve({ killed: false, out });
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

describe('crash safety (kill -9 during a send)', () => {
  it('the resumed run settles the send the crash left pending, without a second copy', async () => {
    const t = await startGraphHarness({ mailboxes: MAILBOXES });
    try {
      const dir = tempDir();
      const count = 12;
      const configFile = path.join(dir, 'child.json');
      const settings = t.settings({ limits: { parallelDeliveries: 1 }, timeouts: { requestMs: 120_000 } });
      fs.writeFileSync(configFile, JSON.stringify({ settings, secret: t.secretApp.secret, count, badEvery: 0, mailboxes: MAILBOXES }));
      // The 6th message is stored, and its answer held back: the child is killed while it waits.
      t.server.injectFault({ kind: 'slow-after', ops: ['createMessage'], after: 5, delayMs: 60_000 });
      const stored = () => Object.values(t.server.stats().messages).reduce((n, ids) => n + ids.length, 0);
      const first = await runChild(path.join(dir, 'data'), configFile, () => stored() >= 6);
      expect(first.killed).toBe(true);
      t.server.faults.clear();

      const db = openStore(path.join(dir, 'data'));
      const pending = new Ledger(db).pending(`graph:${t.server.tenantId.toLowerCase()}`);
      db.close();
      expect(pending).toHaveLength(1);
      const pendingCopies = t.server.messages(pending[0]!.mailbox).filter((m) => m.internetMessageId === pending[0]!.messageId);
      expect(pendingCopies).toHaveLength(1);
      const createsBefore = t.server.stats().byOp.createMessage!;

      const final = await runChild(path.join(dir, 'data'), configFile);
      const m = /REPORT (\{.*\}) (\d+) (\w+)/.exec(final.out);
      expect(m?.[3]).toBe('completed');
      // One run, resumed: every item counted once, as imported (the pending send was this run's own).
      expect(JSON.parse(m![1]!)).toMatchObject({ available: count, imported: count, duplicate: 0, failed: 0 });
      expect(t.server.messages(pending[0]!.mailbox).filter((x) => x.internetMessageId === pending[0]!.messageId)).toHaveLength(1);
      let deliveries = 0;
      for (let i = 0; i < count; i++) deliveries += expectedMailboxes(i, MAILBOXES).length;
      // Only the deliveries not made before the crash were sent again.
      expect(t.server.stats().byOp.createMessage! - createsBefore).toBe(deliveries - 6);
      for (const mb of MAILBOXES) {
        const ids = t.server.messages(mb, FOLDER).map((x) => x.internetMessageId);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).toHaveLength([...Array(count).keys()].filter((i) => expectedMailboxes(i, MAILBOXES).includes(mb)).length);
      }
    } finally { await t.stop(); }
  }, 120_000);
});
