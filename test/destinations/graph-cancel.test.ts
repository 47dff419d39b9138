/**
 * Cancelling a run into Microsoft 365 (loopback Graph) while deliveries are under way: the run ends
 * as cancelled, whatever the source had left to read; the deliveries the cancel interrupted are left
 * for the resume, which delivers every remaining item exactly once and counts every item once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeRun } from '../../main/engine/runs/run';
import { openStore } from '../../main/engine/store/db';
import { Ledger } from '../../main/engine/store/ledger';
import { messageIdFor } from '../../main/engine/convert/message-id';
import { tempDir } from '../helpers/engine';
import { startGraphHarness, type GraphHarness } from '../servers/graph/harness';
import { chatSource, expectedMailboxes, mailboxRouter } from '../servers/graph/chat-source';

const MAILBOXES = ['ann@contoso.com', 'bob@contoso.com', 'carol@contoso.com'];

let h: GraphHarness;
// A server per test: a pending send is settled by looking the Message-ID up in the whole mailbox.
beforeEach(async () => { h = await startGraphHarness({ mailboxes: MAILBOXES, latencyMs: 5 }); });
afterEach(async () => { await h?.stop(); });

const stored = (folder: string) => MAILBOXES.reduce((n, mb) => n + h.server.messages(mb, folder).length, 0);

/** Every copy the server holds, by mailbox and Message-ID: how many times each is there. */
function copies(folder: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const mb of MAILBOXES) for (const m of h.server.messages(mb, folder)) out.set(`${mb} ${m.internetMessageId}`, (out.get(`${mb} ${m.internetMessageId}`) ?? 0) + 1);
  return out;
}

async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe.each([
  { name: 'while the source still has records', count: 200 },
  { name: 'after the source has handed over its last record', count: 12 },
])('cancelling a run into Microsoft 365 $name', ({ count }) => {
  const folder = 'Chat Archive';
  it('ends as cancelled and the resume delivers the rest exactly once', async () => {
    const db = openStore(tempDir());
    const dest = () => h.destination({ retries: { max: 3, baseDelayMs: 10, maxDelayMs: 50 }, limits: { parallelDeliveries: 16 } });
    const base = { kind: 'chat', source: chatSource(count), settings: { path: `/exports/chat-${count}.json` }, mode: 'import' as const, router: mailboxRouter(MAILBOXES), folder };
    
    const controller = new AbortController();
    const running = executeRun(db, { ...base, destination: dest(), signal: controller.signal });
    await until(() => stored(folder) >= 4);
    // The service stops answering; the admin cancels; the answers come.
    const release = h.server.hold();
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    release();
    const first = await running;
    expect(first.status).toBe('cancelled');
    expect(first.counts.available).toBeLessThan(count);

    // Each item the cancelled run recorded as imported is in all of its mailboxes.
    const ledger = new Ledger(db);
    const held = copies(folder);
    expect([...held.values()].every((n) => n === 1)).toBe(true);

    const second = await executeRun(db, { ...base, destination: dest(), resumeRunId: first.runId });
    expect(second).toMatchObject({ status: 'completed', resumed: true, runId: first.runId });
    expect(second.counts).toMatchObject({ available: count, imported: count, duplicate: 0, failed: 0 });
    const after = copies(folder);
    for (let i = 0; i < count; i++) {
      for (const mb of expectedMailboxes(i, MAILBOXES)) expect(after.get(`${mb} ${messageIdFor('Chat', `general/${i}`)}`), `item ${i} in ${mb}`).toBe(1);
    }
    expect([...after.values()].every((n) => n === 1)).toBe(true);
    expect(ledger.pending(dest().key)).toEqual([]);
    db.close();
  }, 60_000);
});
