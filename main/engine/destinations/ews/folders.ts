/**
 * Where a message is saved in a mailbox: a well-known folder for every message (e.g.
 * `recoverableitemspurges`), or the folder per source under the parent folder, found by display
 * name or created once (concurrent deliveries to one mailbox share the same lookup).
 */
import { FerryError } from '../../errors';
import type { EwsClient } from './ews-client';
import { EwsError } from './ews-errors';
import type { ResolvedEwsSettings } from './settings';
import { createFolderBody, findFolderByNameBody, type FolderRef } from './soap-requests';
import { folders } from './soap-responses';

export class FolderResolver {
  private readonly cache = new Map<string, Promise<FolderRef>>();

  constructor(private readonly settings: ResolvedEwsSettings, private readonly client: EwsClient) {}

  /** A well-known folder, when the settings or the run's folder name call for one; otherwise undefined. */
  distinguished(folder: string): FolderRef | undefined {
    if (this.settings.folder !== 'source-folder') return { distinguished: this.settings.folder };
    // The catch-all's items go to its Inbox, whatever the language of the mailbox.
    if (folder.trim().toLowerCase() === 'inbox') return { distinguished: 'inbox' };
    return undefined;
  }

  /** The folder to save into, created when missing. */
  resolve(mailbox: string, folder: string, signal?: AbortSignal): Promise<FolderRef> {
    const fixed = this.distinguished(folder);
    if (fixed) return Promise.resolve(fixed);
    const key = `${mailbox.toLowerCase()}\0${folder.toLowerCase()}`;
    let p = this.cache.get(key);
    if (!p) {
      p = this.findOrCreate(mailbox, folder, signal);
      this.cache.set(key, p);
      p.catch(() => { if (this.cache.get(key) === p) this.cache.delete(key); });
    }
    return p;
  }

  /** The folder if it exists (never creating it): for lookups. */
  async existing(mailbox: string, folder: string, signal?: AbortSignal): Promise<FolderRef | null> {
    const fixed = this.distinguished(folder);
    if (fixed) return fixed;
    const cached = this.cache.get(`${mailbox.toLowerCase()}\0${folder.toLowerCase()}`);
    if (cached) return cached;
    return this.find(mailbox, folder, signal);
  }

  /** Forgets a folder that turned out to be gone (deleted by someone meanwhile). */
  forget(mailbox: string, folder: string): void {
    this.cache.delete(`${mailbox.toLowerCase()}\0${folder.toLowerCase()}`);
  }

  private parent(): FolderRef {
    return { distinguished: this.settings.parentFolder };
  }

  private async find(mailbox: string, folder: string, signal?: AbortSignal): Promise<FolderRef | null> {
    const r = await this.client.call({
      mailbox, operation: 'FindFolder', body: findFolderByNameBody(this.parent(), { mailbox, impersonation: this.settings.impersonation }, folder),
      idempotent: true, what: `looking for the folder "${folder}"`, ...(signal ? { signal } : {}),
    });
    const hit = folders(r.message).find((f) => f.displayName === undefined || f.displayName.toLowerCase() === folder.toLowerCase());
    return hit ? { id: hit.id, ...(hit.changeKey ? { changeKey: hit.changeKey } : {}) } : null;
  }

  private async findOrCreate(mailbox: string, folder: string, signal?: AbortSignal): Promise<FolderRef> {
    const found = await this.find(mailbox, folder, signal);
    if (found) return found;
    try {
      const r = await this.client.call({
        mailbox, operation: 'CreateFolder', body: createFolderBody(this.parent(), { mailbox, impersonation: this.settings.impersonation }, folder),
        // Repeating a create is safe: a second one fails with ErrorFolderExists, answered below.
        idempotent: true, what: `creating the folder "${folder}"`, ...(signal ? { signal } : {}),
      });
      const made = folders(r.message)[0];
      if (!made) throw new FerryError('transient', `Exchange created the folder "${folder}" in mailbox ${mailbox} but returned no id`);
      return { id: made.id, ...(made.changeKey ? { changeKey: made.changeKey } : {}) };
    } catch (err) {
      // Made meanwhile (another Ferry, or an earlier attempt whose answer was lost): use it.
      if (err instanceof EwsError && err.code === 'ErrorFolderExists') {
        const again = await this.find(mailbox, folder, signal);
        if (again) return again;
      }
      throw err;
    }
  }
}
