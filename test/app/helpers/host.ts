/**
 * The app around the engine, for tests: native dialogs answer with paths the test sets, and links
 * "opened" in the system browser are only collected. Everything behind them is the real engine.
 */
import path from 'node:path';
import type { Host } from '../../../main/ipc/host';

export class TestHost implements Host {
  readonly appVersion = '0.1.0-test';
  readonly platform = process.platform;
  /** The next answers of the open and save dialogs (null: the admin cancelled). */
  nextOpenPath: string | null = null;
  nextSavePath: string | null = null;
  readonly opened: string[] = [];
  readonly dialogs: { kind: 'open' | 'save'; title?: string }[] = [];

  constructor(readonly configDir: string) {}

  async choosePath(o: { title?: string }): Promise<string | null> {
    this.dialogs.push({ kind: 'open', ...(o.title ? { title: o.title } : {}) });
    return this.nextOpenPath;
  }

  async chooseSavePath(o: { title: string; defaultName: string }): Promise<string | null> {
    this.dialogs.push({ kind: 'save', title: o.title });
    return this.nextSavePath && (this.nextSavePath.endsWith(path.sep) ? path.join(this.nextSavePath, o.defaultName) : this.nextSavePath);
  }

  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  }
}
