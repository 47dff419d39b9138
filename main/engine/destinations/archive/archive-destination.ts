/**
 * The local archive (the embedded default destination): each message's MIME once, a full-text
 * index over sender, recipients, subject, body and message class, and one copy row per mailbox.
 */
import type { Db } from '../../store/db';
import { nowIso } from '../../store/db';
import type { ConvertedMessage } from '../../convert/convert';
import { formatAddress } from '../../convert/addresses';
import type { Delivered, DeliveryTarget, LocalDestination } from '../types';

export class ArchiveDestination implements LocalDestination {
  readonly key = 'archive';
  readonly kind = 'archive';
  readonly label = 'Local archive';
  readonly transactional = true as const;
  private readonly findMessage;
  private readonly insertMessage;
  private readonly insertFts;
  private readonly insertCopy;
  constructor(private readonly db: Db) {
    this.findMessage = db.prepare<[string], { id: number }>('SELECT id FROM messages WHERE message_id = ?');
    this.insertMessage = db.prepare(`INSERT INTO messages
      (message_id, message_class, sender, recipients, subject, date, size, attachments, mime, archived_at)
      VALUES (@messageId, @messageClass, @sender, @recipients, @subject, @date, @size, @attachments, @mime, @at)`);
    this.insertFts = db.prepare('INSERT INTO messages_fts (rowid, sender, recipients, subject, body, message_class) VALUES (?, ?, ?, ?, ?, ?)');
    this.insertCopy = db.prepare('INSERT OR IGNORE INTO archive_copies (message, mailbox, folder) VALUES (?, ?, ?)');
  }

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  deliverSync(m: ConvertedMessage, target: DeliveryTarget): Delivered {
    let id = this.findMessage.get(m.messageId)?.id;
    if (id === undefined) {
      const sender = formatAddress(m.from);
      const recipients = [...m.to, ...(m.cc ?? []), ...(m.bcc ?? [])].map(formatAddress).join(', ');
      id = Number(this.insertMessage.run({
        messageId: m.messageId, messageClass: m.messageClass, sender, recipients, subject: m.subject,
        date: m.date.toISOString(), size: m.mime.length, attachments: JSON.stringify(m.attachmentNames),
        mime: m.mime, at: nowIso(),
      }).lastInsertRowid);
      this.insertFts.run(id, sender, recipients, m.subject, m.text, m.messageClass);
    }
    this.insertCopy.run(id, target.mailbox, target.folder);
    return { remoteId: `archive:${id}` };
  }
}
