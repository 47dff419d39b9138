/**
 * The chat's name, which also scopes item ids, so it must come out the same on every export of the
 * chat: the `chatName` setting, else the name WhatsApp gives the export (`WhatsApp Chat with Ann.txt`
 * on Android, `WhatsApp Chat - Ann.zip` around iOS's `_chat.txt`), else the file or folder name.
 */
import { createHash } from 'node:crypto';

const EXPORT_NAME = [
  /^WhatsApp Chat (?:with|-|–) (.+)$/i,
  /^WhatsApp[- ]Chat mit (.+)$/i,
  /^Chat de WhatsApp con (.+)$/i,
  /^Conversa do WhatsApp com (.+)$/i,
  /^Discussion WhatsApp avec (.+)$/i,
  /^Chat WhatsApp con (.+)$/i,
  /^WhatsApp-chat met (.+)$/i,
];

/** Generic names that say nothing about the chat. */
const GENERIC = /^_?chat$/i;

function stem(name: string): string {
  return name.replace(/\.(txt|zip)$/i, '').trim();
}

function fromExportName(name: string): string | undefined {
  const s = stem(name);
  for (const re of EXPORT_NAME) {
    const m = re.exec(s);
    if (m?.[1]?.trim()) return m[1].trim();
  }
  return undefined;
}

/**
 * `fileName` is the chat text file's base name; `containers` the names around it, innermost first
 * (its folder, the ZIP it is in, the folder the admin chose).
 */
export function chatNameFor(fileName: string, containers: string[]): string {
  const named = [fileName, ...containers].map(fromExportName).find((n) => n !== undefined);
  if (named) return named.normalize('NFC');
  const plain = [fileName, ...containers].map(stem).find((n) => n && !GENERIC.test(n));
  return (plain ?? 'WhatsApp chat').normalize('NFC');
}

/** A short, stable key for the chat: scopes item ids and the conversation id. */
export function chatKeyFor(chatName: string): string {
  return `chat-${createHash('sha256').update(chatName.normalize('NFC')).digest('hex').slice(0, 16)}`;
}
