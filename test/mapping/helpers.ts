/** Items with phone, handle, email and user-id participants, and an in-test source that yields them. */
import type { Attachment, Identity, Item } from '../../main/engine/item';
import type { Source } from '../../main/engine/sources/types';

export const phone = (id: string, name?: string): Identity => ({ id, kind: 'phone', platform: 'whatsapp', ...(name ? { name } : {}) });
export const email = (id: string, name?: string): Identity => ({ id, kind: 'email', platform: 'mail', email: id, ...(name ? { name } : {}) });
export const handle = (id: string, name?: string): Identity => ({ id, kind: 'handle', platform: 'twitter', ...(name ? { name } : {}) });
export const userId = (id: string, extra: Partial<Identity> = {}): Identity => ({ id, kind: 'user-id', platform: 'slack', ...extra });

export const file = (filename: string, content: string): Attachment => ({
  filename, contentType: 'text/plain', size: Buffer.byteLength(content), read: async () => Buffer.from(content),
});

export function chat(id: string, from: Identity, to: Identity[], date: string, extra: Partial<Item> = {}): Item {
  return {
    source: 'Chat', event: 'Message', id, origin: { file: 'chat.json', position: `message ${id}` }, from, to,
    subject: `Chat: message ${id}`, date: new Date(date), text: `Message ${id} from ${from.id}`, attachments: [], meta: { 'Chat-Id': 'c1' },
    ...extra,
  };
}

/** A source over a fixed list of items (its order is deterministic, as the run engine needs). */
export function listSource(items: Item[]): Source {
  return {
    spec: { kind: 'chat-list', title: 'Chat list', platform: 'Chat', description: 'items given by the test', settings: [] },
    async check() { return { ok: true, message: `${items.length} items` }; },
    async *read(_s, ctx) {
      for (const [i, it] of items.entries()) { ctx.progress?.(i / items.length); yield it; }
    },
  };
}
