/**
 * The throttling helpers under the Graph destination (and later EWS and IMAP): per-key concurrency,
 * sliding-window budgets, Retry-After and backoff.
 */
import { describe, expect, it } from 'vitest';
import { KeyedConcurrencyLimiter } from '../../main/engine/destinations/shared/keyed-limiter';
import { SlidingWindowBudget } from '../../main/engine/destinations/shared/sliding-window';
import { parseRetryAfter } from '../../main/engine/destinations/shared/retry-after';
import { backoffDelay } from '../../main/engine/destinations/shared/backoff';
import { sleep } from '../../main/engine/destinations/shared/sleep';

describe('KeyedConcurrencyLimiter', () => {
  it('runs at most `limit` at once per key, in arrival order, keys independent and case-insensitive', async () => {
    const limiter = new KeyedConcurrencyLimiter(2);
    const active = new Map<string, number>();
    const peak = new Map<string, number>();
    const order: number[] = [];
    const task = (key: string, i: number) => limiter.run(key, async () => {
      const k = key.toLowerCase();
      active.set(k, (active.get(k) ?? 0) + 1);
      peak.set(k, Math.max(peak.get(k) ?? 0, active.get(k)!));
      if (k === 'a') order.push(i);
      await sleep(10);
      active.set(k, active.get(k)! - 1);
    });
    await Promise.all([...Array(8).keys()].flatMap((i) => [task(i % 2 ? 'A' : 'a', i), task('b', i)]));
    expect(peak.get('a')).toBe(2);
    expect(peak.get('b')).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(limiter.active('a')).toBe(0);
  });

  it('a waiter whose signal aborts leaves the queue; a release frees one slot however often it is called', async () => {
    const limiter = new KeyedConcurrencyLimiter(1);
    const release = await limiter.acquire('m');
    const ac = new AbortController();
    const waiting = limiter.acquire('m', ac.signal);
    ac.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    const next = limiter.acquire('m');
    release();
    release();
    const r2 = await next;
    expect(limiter.active('m')).toBe(1);
    r2();
    expect(limiter.active('m')).toBe(0);
    expect(() => new KeyedConcurrencyLimiter(0)).toThrow(RangeError);
  });
});

describe('SlidingWindowBudget', () => {
  it('lets `limit` units through per window and makes the rest wait until the oldest answered ones leave it', async () => {
    let now = 0;
    const budget = new SlidingWindowBudget({ limit: 3, windowMs: 1000, now: () => now });
    for (let i = 0; i < 3; i++) (await budget.take('m'))();
    expect(budget.used('m')).toBe(3);
    expect(budget.waitFor('m')).toBe(1001);
    expect(budget.waitFor('other')).toBe(0);
    now = 400;
    expect(budget.waitFor('m')).toBe(601);
    now = 1000;
    expect(budget.waitFor('m')).toBe(0);
    expect(budget.used('M')).toBe(0);
  });

  it('units in flight count whatever the time, and from their answer on for a whole window', async () => {
    let now = 0;
    const budget = new SlidingWindowBudget({ limit: 2, windowMs: 1000, now: () => now });
    const first = await budget.take('m');
    (await budget.take('m'))();
    now = 5000;
    // The answered one has left the window; the one in flight still counts.
    expect(budget.used('m')).toBe(1);
    (await budget.take('m'))();
    expect(budget.waitFor('m')).toBe(1001);
    now = 5500;
    first();
    now = 6001;
    // The one answered at 5000 left at 6000; the first, answered at 5500, stays until 6500.
    expect(budget.waitFor('m')).toBe(0);
    (await budget.take('m'))();
    expect(budget.waitFor('m')).toBe(500);
  });

  it('a waiter blocked only by requests in flight goes as soon as one is answered and its window passes', async () => {
    const budget = new SlidingWindowBudget({ limit: 1, windowMs: 50 });
    const done = await budget.take('m');
    expect(budget.waitFor('m')).toBe(Infinity);
    const t0 = Date.now();
    const next = budget.take('m');
    setTimeout(done, 80);
    (await next)();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(80 + 45);
  });

  it('weighted units (bytes): waits for enough room; an amount over the limit goes once nothing else counts', async () => {
    const budget = new SlidingWindowBudget({ limit: 100, windowMs: 150 });
    const t0 = Date.now();
    (await budget.take('m', 60))();
    (await budget.take('m', 60))();
    const second = Date.now() - t0;
    expect(second).toBeGreaterThanOrEqual(140);
    (await budget.take('m', 500))();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(second + 140);
    expect(budget.used('m')).toBe(500);
  });

  it('serves waiters in order, and a cancelled wait spends nothing', async () => {
    const budget = new SlidingWindowBudget({ limit: 1, windowMs: 60 });
    (await budget.take('m'))();
    const ac = new AbortController();
    const order: string[] = [];
    const a = budget.take('m', 1, ac.signal).then(() => order.push('a'), () => order.push('a cancelled'));
    const b = budget.take('m').then((done) => { done(); order.push('b'); });
    ac.abort(new Error('stop'));
    await Promise.all([a, b]);
    expect(order).toEqual(['a cancelled', 'b']);
    expect(budget.used('m')).toBe(1);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1500);
    expect(parseRetryAfter(['7', '9'], now)).toBe(7000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('grows exponentially to the cap, with jitter between half the cap and the cap', () => {
    const o = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(1, { ...o, random: () => 0 })).toBe(50);
    expect(backoffDelay(1, { ...o, random: () => 0.999999 })).toBe(100);
    expect(backoffDelay(3, { ...o, random: () => 0.5 })).toBe(300);
    expect(backoffDelay(10, { ...o, random: () => 0.999999 })).toBe(1000);
    const seen = new Set(Array.from({ length: 50 }, () => backoffDelay(4, o)));
    expect(seen.size).toBeGreaterThan(10);
    for (const d of seen) { expect(d).toBeGreaterThanOrEqual(400); expect(d).toBeLessThanOrEqual(800); }
  });
});
