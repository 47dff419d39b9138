/**
 * At most `limit` operations at once per key (per mailbox, for Graph's and EWS's per-mailbox
 * concurrency limits); the rest wait in arrival order. Keys are compared case-insensitively,
 * as mailbox addresses are.
 */
import { abortReason } from './sleep';

interface Slot {
  active: number;
  /** Waiters in arrival order; calling one grants it the slot. */
  queue: (() => void)[];
}

export class KeyedConcurrencyLimiter {
  private readonly slots = new Map<string, Slot>();

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`a concurrency limit must be at least 1, not ${limit}`);
  }

  /** Waits for a slot; the returned function frees it (calling it twice frees it once). */
  async acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    const k = key.toLowerCase();
    let slot = this.slots.get(k);
    if (!slot) { slot = { active: 0, queue: [] }; this.slots.set(k, slot); }
    if (signal?.aborted) throw abortReason(signal);
    if (slot.active < this.limit) {
      slot.active++;
    } else {
      const s = slot;
      await new Promise<void>((resolve, reject) => {
        const waiter = () => { signal?.removeEventListener('abort', onAbort); resolve(); };
        const onAbort = () => {
          const i = s.queue.indexOf(waiter);
          if (i >= 0) s.queue.splice(i, 1);
          reject(abortReason(signal!));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        s.queue.push(waiter);
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release(k);
    };
  }

  /** Runs `fn` holding a slot for `key`. */
  async run<T>(key: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(key, signal);
    try { return await fn(); } finally { release(); }
  }

  /** Operations running now for a key. */
  active(key: string): number {
    return this.slots.get(key.toLowerCase())?.active ?? 0;
  }

  private release(k: string): void {
    const slot = this.slots.get(k);
    if (!slot) return;
    const next = slot.queue.shift();
    // The slot passes straight to the next waiter: `active` stays the same.
    if (next) { next(); return; }
    slot.active--;
    if (slot.active === 0) this.slots.delete(k);
  }
}
