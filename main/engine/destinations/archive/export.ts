/**
 * Export of the local archive to an EML folder (one .eml per message) or an MBOX file (mboxrd),
 * streamed from SQLite so memory stays flat whatever the archive's size.
 */
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import type { Db } from '../../store/db';
import { configError } from '../../errors';
import { toFtsQuery } from './search';

export interface ExportOptions {
  format: 'eml' | 'mbox';
  out: string;
  /** Only the copies of this mailbox ('' = unassigned). */
  mailbox?: string;
  /** Only messages matching this search. */
  query?: string;
}

export interface ExportResult {
  format: 'eml' | 'mbox';
  out: string;
  messages: number;
  bytes: number;
}

function rows(db: Db, o: ExportOptions): IterableIterator<{ message_id: string; subject: string; date: string; mime: Buffer }> {
  const where: string[] = [];
  const args: Record<string, string> = {};
  if (o.mailbox !== undefined) { where.push('m.id IN (SELECT message FROM archive_copies WHERE mailbox = @mailbox)'); args.mailbox = o.mailbox; }
  if (o.query) { where.push('m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH @fts)'); args.fts = toFtsQuery(o.query); }
  return db.prepare(`SELECT message_id, subject, date, mime FROM messages m ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY date, id`)
    .iterate(args) as IterableIterator<{ message_id: string; subject: string; date: string; mime: Buffer }>;
}

/** A file name that sorts by date and is safe on Windows, macOS and Linux. */
export function emlFileName(date: string, subject: string, messageId: string): string {
  const stamp = date.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const title = subject.normalize('NFKC').replace(/[\\/:*?"<>|\x00-\x1f]+/g, '_').replace(/\s+/g, ' ').trim().slice(0, 60).replace(/[. ]+$/, '');
  const hash = createHash('sha256').update(messageId).digest('hex').slice(0, 10);
  return `${stamp}_${title || 'no subject'}_${hash}.eml`;
}

/** mboxrd: a body line that starts with ">*From " gains one more ">"; readers remove it. */
export function mboxrdQuote(mime: Buffer): Buffer {
  const s = mime.toString('latin1');
  return /^>*From /m.test(s) ? Buffer.from(s.replace(/^(>*From )/gm, '>$1'), 'latin1') : mime;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The C asctime() form the mbox "From " line uses, in UTC: `Sun Nov  1 14:03:00 2015`. */
export function asctime(iso: string): string {
  const d = new Date(iso);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)} ${d.getUTCFullYear()}`;
}

export async function exportArchive(db: Db, o: ExportOptions): Promise<ExportResult> {
  let messages = 0;
  let bytes = 0;
  if (o.format === 'eml') {
    fs.mkdirSync(o.out, { recursive: true });
    if (fs.readdirSync(o.out).length) throw configError(`${o.out} is not empty; export into a new or empty folder`);
    for (const r of rows(db, o)) {
      fs.writeFileSync(path.join(o.out, emlFileName(r.date, r.subject, r.message_id)), r.mime, { flag: 'wx' });
      messages++;
      bytes += r.mime.length;
    }
    return { format: 'eml', out: o.out, messages, bytes };
  }
  if (fs.existsSync(o.out)) throw configError(`${o.out} already exists; choose a new file name`);
  fs.mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
  const out = fs.createWriteStream(o.out, { flags: 'wx' });
  const write = async (b: Buffer | string) => { if (!out.write(b)) await once(out, 'drain'); };
  for (const r of rows(db, o)) {
    const body = mboxrdQuote(r.mime);
    await write(`From MAILER-DAEMON ${asctime(r.date)}\n`);
    await write(body);
    await write(body[body.length - 1] === 0x0a ? '\n' : '\n\n');
    messages++;
    bytes += r.mime.length;
  }
  out.end();
  await once(out, 'finish');
  return { format: 'mbox', out: o.out, messages, bytes };
}
