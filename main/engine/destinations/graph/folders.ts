/**
 * Folder names → Graph folder ids, per mailbox. `Inbox` and the other default folders are Graph's
 * well-known names (no lookup); any other name is a folder at the top of the mailbox, looked up by
 * display name and created when missing. Ids are cached per mailbox, and concurrent deliveries to a
 * new folder share one lookup; a create that loses a race (409 ErrorFolderExists) is looked up again.
 */
import { FerryError } from '../../errors';
import { GraphApiError, type GraphClient } from './graph-client';

const WELL_KNOWN: Record<string, string> = {
  inbox: 'inbox', archive: 'archive', drafts: 'drafts', 'sent items': 'sentitems', 'deleted items': 'deleteditems', 'junk email': 'junkemail',
};

/** An OData string literal: single quotes doubled. */
export const odataString = (s: string) => `'${s.replace(/'/g, "''")}'`;

export const userPath = (mailbox: string) => `/users/${encodeURIComponent(mailbox)}`;

export class FolderResolver {
  private readonly cache = new Map<string, Promise<string>>();

  constructor(private readonly client: GraphClient) {}

  resolve(mailbox: string, folder: string, signal?: AbortSignal): Promise<string> {
    const name = folder.trim();
    if (!name) return Promise.reject(new FerryError('config', `an empty folder name was given for mailbox ${mailbox}`));
    const wellKnown = WELL_KNOWN[name.toLowerCase()];
    if (wellKnown) return Promise.resolve(wellKnown);
    const key = `${mailbox.toLowerCase()}\n${name.toLowerCase()}`;
    let p = this.cache.get(key);
    if (!p) {
      p = this.findOrCreate(mailbox, name, signal);
      this.cache.set(key, p);
      // A failure is not cached: the next delivery tries again.
      p.catch(() => { if (this.cache.get(key) === p) this.cache.delete(key); });
    }
    return p;
  }

  /** The folder's id stopped working (deleted by a user): look it up again next time. */
  forget(mailbox: string, folder: string): void {
    this.cache.delete(`${mailbox.toLowerCase()}\n${folder.trim().toLowerCase()}`);
  }

  private async findOrCreate(mailbox: string, name: string, signal?: AbortSignal): Promise<string> {
    const found = await this.find(mailbox, name, signal);
    if (found) return found;
    try {
      const r = await this.client.send({
        mailbox, method: 'POST', url: `${userPath(mailbox)}/mailFolders`, json: { displayName: name },
        // A repeated create after an uncertain one is answered 409, handled below: safe to repeat.
        idempotent: true, what: `creating the folder "${name}"`, ...(signal ? { signal } : {}),
      });
      const id = (r.json as { id?: string } | null)?.id;
      if (!id) throw new FerryError('transient', `Microsoft 365 created the folder "${name}" in mailbox ${mailbox} but returned no id`);
      return id;
    } catch (err) {
      if (err instanceof GraphApiError && err.status === 409) {
        const again = await this.find(mailbox, name, signal);
        if (again) return again;
      }
      throw err;
    }
  }

  private async find(mailbox: string, name: string, signal?: AbortSignal): Promise<string | undefined> {
    const url = `${userPath(mailbox)}/mailFolders?$filter=${encodeURIComponent(`displayName eq ${odataString(name)}`)}&$select=id,displayName`;
    for await (const value of this.client.pages({ mailbox, method: 'GET', url, idempotent: true, what: `looking up the folder "${name}"`, ...(signal ? { signal } : {}) })) {
      const hit = (value as { id: string; displayName: string }[]).find((f) => f.displayName.toLowerCase() === name.toLowerCase());
      if (hit) return hit.id;
    }
    return undefined;
  }
}
