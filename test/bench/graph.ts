/**
 * Delivery to the loopback Microsoft Graph server with its limits on, time scaled down (an 8-second
 * window instead of 10 minutes), the server in a process of its own. Prints deliveries per second for 1 and for 20 mailboxes against the
 * bound the request budget sets, then the same with 10% of requests failing by injected faults
 * (dropped connections before and after storing, 500/503, 504 after storing, answers slower than
 * the client's timeout), with the items lost and duplicated, which must both be 0.
 * Run alone: `node --import tsx test/bench/graph.ts`; `npm run bench` calls runGraphBench().
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { convertItem, type ConvertedMessage } from '../../main/engine/convert/convert';
import { GraphDestination } from '../../main/engine/destinations/graph/graph-destination';
import type { Fault } from '../servers/graph/faults';
import { startGraphServerProcess } from '../servers/graph/server-process';

const WINDOW_MS = 8000;
const FOLDER = 'Bench Archive';
const FAULTS: Fault[] = [
  { kind: 'drop-before' }, { kind: 'drop-after' }, { kind: 'status', status: 500 }, { kind: 'status', status: 503 },
  { kind: 'status', status: 504, afterHandling: true }, { kind: 'slow-after', delayMs: 5000 },
];

interface Scenario { mailboxes: number; perWindow: number; windows: number; faultRate: number }

interface Result {
  deliveries: number; seconds: number; rate: number; bound: number; ratio: number;
  throttled: string; maxConcurrency: number; lost: number; duplicated: number; settledOnRerun: number; retries: number; recoveries: number;
}

async function messages(n: number, tag: string): Promise<ConvertedMessage[]> {
  const out: ConvertedMessage[] = [];
  for (let i = 0; i < n; i++) {
    out.push(await convertItem({
      source: 'Bench', event: 'Message', id: `${tag}/${i}`, origin: { file: 'bench', position: String(i) },
      from: { id: 'U1', kind: 'user-id', platform: 'bench', name: 'Ann Lee', email: 'ann@contoso.com' },
      to: [{ id: 'U2', kind: 'user-id', platform: 'bench', name: 'Bob Stone', email: 'bob@contoso.com' }],
      subject: `Deal ${i}: price update`, date: new Date(Date.UTC(2024, 0, 1) + i * 1000),
      text: `Message ${i}: the price for lot ${i} is confirmed.`, html: `<p>Message ${i}: the price for lot <b>${i}</b> is confirmed.</p>`,
      attachments: [], conversation: { id: 'deals', name: 'Deals' }, meta: {},
    }));
  }
  return out;
}

/** Runs `tasks` with at most `width` at once. */
async function pool<T>(tasks: (() => Promise<T>)[], width: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < tasks.length) await tasks[next++]!();
  }));
}

async function scenario(s: Scenario, tag: string): Promise<Result> {
  const boxes = Array.from({ length: s.mailboxes }, (_, i) => `user${i}@contoso.com`);
  const app = { clientId: randomUUID(), secret: `bench-${randomUUID()}` };
  const server = await startGraphServerProcess({ mailboxes: boxes, limits: { requestsPerWindow: s.perWindow, requestWindowMs: WINDOW_MS }, app });
  let dest: GraphDestination | undefined;
  try {
    dest = new GraphDestination({
      kind: 'graph', tenantId: server.tenantId, clientId: app.clientId, auth: 'secret',
      authorityHost: server.origin, graphBaseUrl: `${server.origin}/v1.0`, caCertificate: server.ca,
      limits: { requestsPerWindow: s.perWindow, requestWindowMs: WINDOW_MS, parallelDeliveries: 8 * s.mailboxes },
      retries: { max: 8, baseDelayMs: 20, maxDelayMs: 300 },
      // Without faults, a generous timeout (this machine is shared); with them, shorter than the slow answers.
      timeouts: { requestMs: s.faultRate ? 4000 : 20_000 },
    }, async () => app.secret);
    await dest.open();
    const msgs = await messages(s.windows * s.perWindow, tag);
    if (!s.faultRate) {
      // Warm-up, not timed: sign-in, the folder per mailbox, and the connections (four per mailbox:
      // opening 80 TLS connections at once takes seconds here). Then the budget window empties.
      const warm = await messages(4, `${tag}-warm`);
      await Promise.all(boxes.flatMap((mailbox) => warm.map((m) => dest!.deliver(m, { mailbox, folder: FOLDER }))));
      await new Promise((r) => setTimeout(r, WINDOW_MS + 500));
    } else {
      await server.randomFaults(s.faultRate, FAULTS, 7);
    }

    const jobs: { m: ConvertedMessage; mailbox: string }[] = [];
    for (const m of msgs) for (const mailbox of boxes) jobs.push({ m, mailbox });
    const failed: typeof jobs = [];
    const started = performance.now();
    await pool(jobs.map((j) => async () => {
      try { await dest!.deliver(j.m, { mailbox: j.mailbox, folder: FOLDER }); } catch { failed.push(j); }
    }), 8 * s.mailboxes);
    const seconds = (performance.now() - started) / 1000;
    await server.clearFaults();
    // What a rerun does with the sends that failed: look first, send only what is missing.
    for (const j of failed) {
      const target = { mailbox: j.mailbox, folder: FOLDER };
      if (!(await dest.find(j.m.messageId, target))) await dest.deliver(j.m, target);
    }

    let lost = 0;
    let duplicated = 0;
    const held = await server.held(FOLDER);
    for (const mailbox of boxes) {
      for (const m of msgs) {
        const n = held[mailbox]?.[m.messageId] ?? 0;
        if (n === 0) lost++;
        if (n > 1) duplicated += n - 1;
      }
    }
    // The budget lets `perWindow` requests through at once, then `perWindow` per window: the fastest
    // possible time for `windows` windows' worth of deliveries (one request each) is (windows - 1) windows.
    // (With faults, the first deliveries also find or create the folder: two requests more.)
    const minSeconds = ((s.windows - 1) * WINDOW_MS) / 1000;
    const deliveries = jobs.length;
    const rate = deliveries / seconds;
    const bound = deliveries / minSeconds;
    const st = await server.stats();
    return {
      deliveries, seconds, rate, bound, ratio: rate / bound,
      throttled: st.throttled ? `${st.throttled} (${Object.entries(st.throttledBy).map(([k, v]) => `${k} ${v}`).join(', ')})` : '0',
      maxConcurrency: Math.max(...Object.values(st.maxConcurrency)), lost, duplicated, settledOnRerun: failed.length,
      retries: dest.stats.retries, recoveries: dest.stats.recoveries,
    };
  } finally {
    await dest?.close();
    await server.stop();
  }
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

export async function runGraphBench(): Promise<void> {
  const plans: { label: string; s: Scenario }[] = [
    { label: '1 mailbox   ', s: { mailboxes: 1, perWindow: 200, windows: 3, faultRate: 0 } },
    { label: '20 mailboxes', s: { mailboxes: 20, perWindow: 4, windows: 3, faultRate: 0 } },
  ];
  console.log(`  limits: 4 concurrent requests per mailbox; the 10,000-requests-per-10-minutes budget scaled to a ${WINDOW_MS / 1000} s window`);
  for (const faultRate of [0, 0.1]) {
    if (faultRate) console.log(`  with ${faultRate * 100}% of requests failing (dropped connections, 500/503, 504 after storing, answers slower than the 4 s timeout):`);
    for (const p of plans) {
      // With faults, two windows are enough to show that nothing is lost or duplicated.
      const r = await scenario({ ...p.s, faultRate, windows: faultRate ? 2 : p.s.windows }, `${p.s.mailboxes}-${faultRate}`);
      const perSecond = (p.s.perWindow * p.s.mailboxes) / (WINDOW_MS / 1000);
      console.log(`  ${p.label} ${fmt(r.deliveries)} deliveries (${p.s.perWindow} requests per mailbox per window) in ${fmt(r.seconds, 1)} s = ${fmt(r.rate)}/s;`
        + ` bound ${fmt(r.bound)}/s (${fmt(perSecond)}/s steady)${faultRate ? '' : `; ratio ${fmt(r.ratio, 2)} (goal ≥ 0.9)`};`
        + ` 429s ${r.throttled}, max ${r.maxConcurrency} at once per mailbox`);
      if (faultRate) {
        console.log(`               retries ${fmt(r.retries)}, found by lookup after an uncertain send ${fmt(r.recoveries)}, failed then settled by a rerun ${r.settledOnRerun};`
          + ` lost ${r.lost}, duplicated ${r.duplicated} (must be 0)`);
      }
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log('Delivery to the loopback Microsoft Graph server, limits on');
  await runGraphBench();
}
