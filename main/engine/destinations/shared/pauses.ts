/**
 * Pauses per key (a mailbox, an account): after a 429 or a server-busy answer every request for that
 * key waits until the pause ends, not only the one that was refused. A pause set while others wait
 * (a later refusal) holds them longer.
 */
import { sleep } from './sleep';

export class KeyedPauses {
  private readonly until = new Map<string, number>();

  pause(key: string, ms: number): void {
    this.until.set(key, Math.max(this.until.get(key) ?? 0, Date.now() + ms));
  }

  async wait(key: string, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const until = this.until.get(key);
      if (until === undefined || until <= Date.now()) return;
      await sleep(until - Date.now(), signal);
    }
  }
}
