/**
 * Telegram peers as Ferry identities, and the ids items get.
 *
 * Telegram writes senders as `user123`, `channel456` or `chat789` (older exports: a bare number,
 * always a user). A chat's own `id` is a bare number whose kind depends on the chat type.
 *
 * Message ids: in supergroups and channels Telegram numbers messages per channel, so every member's
 * export gives the same message the same id and `<chatId>/<messageId>` is unique everywhere. In
 * personal chats, bot chats, saved messages and basic groups it numbers them per account: two
 * employees' chats with the same customer both have a message 57. Those ids are scoped by the
 * exporting account (`user<owner>/<chatId>/<messageId>`); otherwise one employee's message would
 * take another's Message-ID and be skipped as a duplicate.
 */
import type { Identity } from '../../item';

export const PLATFORM = 'telegram';

/** Chat types whose message ids are per channel (the same in every member's export). */
const CHANNEL_TYPES = new Set(['private_supergroup', 'public_supergroup', 'private_channel', 'public_channel']);
const USER_TYPES = new Set(['personal_chat', 'bot_chat', 'saved_messages', 'replies', 'verification_codes']);

export const isChannelScoped = (type: string | undefined) => !!type && CHANNEL_TYPES.has(type);

/** A bare numeric id from a JSON number or a digit string, or undefined. */
export function bareId(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return v.trim();
  return undefined;
}

/** `user123` / `channel456` / `chat789` as written in from_id; a bare number is a user (older exports). */
export function peerId(v: unknown): string | undefined {
  if (typeof v === 'string' && /^(user|channel|chat)\d+$/.test(v.trim())) return v.trim();
  const bare = bareId(v);
  return bare && !bare.startsWith('-') ? `user${bare}` : undefined;
}

/** The chat itself, written the way Telegram writes its peer id, so one mapping entry covers both uses. */
export function chatPeerId(type: string | undefined, id: string): string {
  if (type && USER_TYPES.has(type)) return `user${id}`;
  if (isChannelScoped(type)) return `channel${id}`;
  return `chat${id}`;
}

export function identity(id: string, name?: string | null): Identity {
  return { id, kind: 'user-id', platform: PLATFORM, ...(name ? { name } : {}) };
}

/** The scope prefix of item ids in a chat: empty for per-channel numbering, the account otherwise. */
export function idScope(channelScoped: boolean, owner: string | undefined): string | undefined {
  if (channelScoped) return '';
  return owner ? `user${owner}/` : undefined;
}
