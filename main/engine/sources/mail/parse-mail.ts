/**
 * One message through mailparser's streaming parser, keeping what the item needs (headers, the text
 * for the index, attachment names and sizes) without holding attachment contents: each is counted
 * as it streams past and dropped. `readAttachment` parses again to get one attachment's content,
 * which only happens when something asks for it (the MIME itself is passed through unchanged).
 */
import { MailParser, type AttachmentStream, type Headers, type HeaderLines, type MessageText } from 'mailparser';
import * as mimeFuncs from 'nodemailer/lib/mime-funcs';

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  size: number;
}

export interface ParsedMail {
  headers: Headers;
  headerLines: HeaderLines;
  /** The text body, or text derived from the HTML body; '' when there is none. */
  text: string;
  /** Why the HTML could not be turned into text, when it could not. */
  textProblem?: string;
  attachments: ParsedAttachment[];
}

/** HTML larger than this is not converted to text for the index (it would take seconds of CPU). */
const MAX_HTML_TO_TEXT = 5 * 1024 * 1024;

/** A name for an attachment that has none: `attachment-2.pdf`. */
function fallbackName(index: number, contentType: string): string {
  const ext = contentType === 'message/rfc822' ? 'eml' : mimeFuncs.detectExtension(contentType);
  return `attachment-${index + 1}${ext ? `.${ext}` : ''}`;
}

interface ParseRun {
  mail: ParsedMail;
  /** The content of the attachment asked for, when one was. */
  content?: Buffer;
}

function parse(raw: Buffer, wanted?: number): Promise<ParseRun> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser({
      skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true, checksumAlgo: false,
      maxHtmlLengthToParse: MAX_HTML_TO_TEXT,
    });
    const run: ParseRun = { mail: { headers: new Map(), headerLines: [], text: '', attachments: [] } };
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    parser.on('error', fail);
    parser.on('headers', (h: Headers) => { run.mail.headers = h; });
    parser.on('headerLines', (l: HeaderLines) => { run.mail.headerLines = l; });
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        run.mail.text = data.text ?? '';
        if (data.textConversionError) run.mail.textProblem = data.textConversionError.message;
        return;
      }
      const index = run.mail.attachments.length;
      const entry: ParsedAttachment = { filename: data.filename || fallbackName(index, data.contentType), contentType: data.contentType, size: 0 };
      run.mail.attachments.push(entry);
      const keep = index === wanted;
      const chunks: Buffer[] = [];
      data.content.on('data', (c: Buffer) => {
        entry.size += c.length;
        if (keep) chunks.push(c);
      });
      data.content.on('end', () => {
        if (keep) run.content = Buffer.concat(chunks);
        data.release?.();
      });
      data.content.on('error', fail);
    });
    parser.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(run);
    });
    parser.end(raw);
  });
}

export async function parseMail(raw: Buffer): Promise<ParsedMail> {
  return (await parse(raw)).mail;
}

/** The decoded content of the attachment at `index` (in the order `parseMail` lists them). */
export async function readAttachment(raw: Buffer, index: number): Promise<Buffer> {
  const run = await parse(raw, index);
  if (!run.content) throw new Error(`attachment ${index + 1} is not in the message any more`);
  return run.content;
}
