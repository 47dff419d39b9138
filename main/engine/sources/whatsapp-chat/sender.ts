/**
 * Who wrote a line. After the timestamp comes `Name: text` for messages and bare text for system
 * lines (`Alice added Bob`). iOS also writes system lines as `Chat name: ‎text`, the text opened by
 * a left-to-right mark: those are recognised by that mark plus a known phrase, and the label (the
 * chat's name, not a person) is not taken as a participant. Senders are display names or phone
 * numbers; WhatsApp exports have nothing more stable.
 */
import type { Identity } from '../../item';
import { BIDI_MARKS } from './timestamp';

export const PLATFORM = 'whatsapp';

export interface LineAuthor {
  /** The sender as written, without directional marks; undefined for system lines. */
  sender?: string;
  /** The text after `Name: ` (or the whole system line). */
  text: string;
  system: boolean;
}

/** Phrases WhatsApp writes in system lines; a name before `: ` that contains one is not a name. */
const SYSTEM_IN_NAME = /(?:\s(?:created group|created this group|changed the subject|changed the group|changed this group|changed their phone number|changed to|added|removed|left|joined using|pinned a message|turned (?:on|off)|set disappearing)\b)|["“”]/;

/** End-to-end notices: written by WhatsApp under a chat label, with or without a mark. */
const E2E = /^Messages (?:and calls |to this group |you send to this (?:group|chat) )?(?:are|are now)\s+(?:secured with\s+)?end-to-end encrypt/i;

/** System text iOS writes under a label, always opened by U+200E. */
const SYSTEM_TEXT = new RegExp([
  'changed their phone number', 'changed (?:the subject|the group|this group)', 'created group', 'created this group',
  '\\badded\\b', '\\bremoved\\b', '\\bleft$', 'joined using', 'security code', "now an admin", 'no longer an admin',
  'pinned a message', 'disappearing messages', 'business account', 'blocked this contact', 'unblocked this contact',
  'changed the settings', 'deleted this group', 'started a call', 'is a contact',
].join('|'), 'i');

const NAMED = /^(.+?):(?: |$)/;

export function stripMarks(s: string): string {
  return s.replace(BIDI_MARKS, '');
}

/**
 * Splits the text after a timestamp. `known` (pass 2) are senders found in the first pass: with them,
 * `John Doe:.` (no space after the colon) is still read as John Doe's message.
 */
export function splitAuthor(rest: string, known?: ReadonlySet<string>): LineAuthor {
  const m = NAMED.exec(rest);
  if (!m) {
    if (known) {
      const colon = rest.indexOf(':');
      const name = colon > 0 ? stripMarks(rest.slice(0, colon)).trim() : '';
      if (name && known.has(name)) return { sender: name, text: rest.slice(colon + 1), system: false };
    }
    return { text: rest, system: true };
  }
  const rawName = m[1]!;
  if (SYSTEM_IN_NAME.test(rawName)) return { text: rest, system: true };
  const text = rest.slice(m[0].length);
  const plain = stripMarks(text).trim();
  if (E2E.test(plain)) return { text, system: true };
  if (text.startsWith('\u200e') && SYSTEM_TEXT.test(plain)) return { text, system: true };
  const sender = stripMarks(rawName).trim();
  if (!sender) return { text: rest, system: true };
  return { sender, text, system: false };
}

const PHONE = /^\+?[\d\s().\-\u00a0]+$/;

/** `+44 7700 900123` → `+447700900123`; undefined when the label is not a phone number. */
export function phoneOf(label: string): string | undefined {
  const s = stripMarks(label).trim();
  if (!PHONE.test(s)) return undefined;
  const digits = s.replace(/\D/g, '');
  if (digits.length < 6 || digits.length > 15) return undefined;
  return (s.startsWith('+') ? '+' : '') + digits;
}

/** The identity for a sender label (or the `owner` setting). */
export function identityOf(label: string): Identity {
  const name = stripMarks(label).trim();
  const phone = phoneOf(name);
  return phone ? { id: phone, kind: 'phone', platform: PLATFORM, name } : { id: name, kind: 'user-id', platform: PLATFORM, name };
}

/** Two labels are the same participant when their identities are (`+1 555…` written two ways). */
export function identityKey(i: Identity): string {
  return `${i.kind}:${i.id}`;
}

/** System lines have no sender: they come from the chat itself, a reserved id an admin can map. */
export function chatIdentity(chatName: string): Identity {
  return { id: `chat:${chatName}`, kind: 'user-id', platform: PLATFORM, name: chatName };
}
