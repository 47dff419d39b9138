/**
 * Full-text search over the local archive (FTS5, bm25 ranking, highlighted snippets). User input is
 * never passed to FTS5 as syntax: each word becomes a quoted term, optionally scoped to a column
 * (`from:`, `to:`, `subject:`, `body:`, `class:`), and all terms must match.
 */
import type { Db } from '../../store/db';

const COLUMNS: Record<string, string> = {
  from: 'sender', sender: 'sender', to: 'recipients', recipients: 'recipients',
  subject: 'subject', body: 'body', class: 'message_class',
};

export function toFtsQuery(input: string): string {
  const terms: string[] = [];
  for (const m of input.matchAll(/(?:(\w+):)?(?:"([^"]*)"|(\S+))/g)) {
    const col = m[1] ? COLUMNS[m[1].toLowerCase()] : undefined;
    const text = (m[2] ?? m[3] ?? '').replace(/"/g, '""');
    const word = m[1] && !col ? `${m[1]}:${text}` : text;
    if (!word.trim()) continue;
    terms.push(col ? `${col} : "${word}"` : `"${word}"`);
  }
  return terms.join(' AND ');
}

export interface SearchHit {
  id: number;
  messageId: string;
  messageClass: string;
  sender: string;
  recipients: string;
  subject: string;
  date: string;
  size: number;
  snippet: string;
}

export function searchArchive(db: Db, query: string, opts: { limit?: number; offset?: number; mailbox?: string } = {}): SearchHit[] {
  const fts = toFtsQuery(query);
  if (!fts) return [];
  const mailboxFilter = opts.mailbox !== undefined ? 'AND m.id IN (SELECT message FROM archive_copies WHERE mailbox = @mailbox)' : '';
  return db.prepare(`SELECT m.id, m.message_id AS messageId, m.message_class AS messageClass, m.sender, m.recipients,
      m.subject, m.date, m.size, snippet(messages_fts, 3, '[', ']', '…', 12) AS snippet
    FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid
    WHERE messages_fts MATCH @fts ${mailboxFilter}
    ORDER BY bm25(messages_fts) LIMIT @limit OFFSET @offset`)
    .all({ fts, limit: opts.limit ?? 50, offset: opts.offset ?? 0, ...(opts.mailbox !== undefined ? { mailbox: opts.mailbox } : {}) }) as SearchHit[];
}

/** The stored MIME of one archived message. */
export function archivedMime(db: Db, messageId: string): Buffer | undefined {
  return (db.prepare('SELECT mime FROM messages WHERE message_id = ?').get(messageId) as { mime: Buffer } | undefined)?.mime;
}
