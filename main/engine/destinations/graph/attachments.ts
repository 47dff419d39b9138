/**
 * Attachments, as Graph takes them (attach large files to Outlook messages):
 * - carried in the create request while their total stays under ~3 MB and the request under 4 MB
 *   (base64 makes 3 MB of files 4 MB);
 * - otherwise added after the create: under 3 MB by POST .../attachments, from 3 MB to 150 MB by an
 *   upload session (createUploadSession, then PUTs of byte ranges with Content-Range, in order; the
 *   last answers 201 Created).
 */
import { FerryError } from '../../errors';
import type { GraphClient } from './graph-client';
import { userPath } from './folders';
import { fileAttachmentJson, type OutgoingAttachment } from './message-json';

/** Raw attachment bytes carried in one create request at most ("under 3 MB"). */
export const INLINE_BUDGET = 3 * 1024 * 1024;
/** Graph's request size limit: the create request with its base64 attachments stays within it. */
export const REQUEST_LIMIT = 4 * 1024 * 1024;
/** JSON around one attachment's base64 (type, name, content type, flags). */
const ATTACHMENT_OVERHEAD = 1024;
export const UPLOAD_SESSION_MIN = 3 * 1024 * 1024;
export const MAX_ATTACHMENT = 150 * 1024 * 1024;
/** Upload range size: under Graph's 4 MB per PUT, a multiple of 320 KiB as Microsoft's upload sessions prefer. */
export const CHUNK_BYTES = 9 * 320 * 1024;

/**
 * Which attachments go in the create request (smallest first, while the request stays under 4 MB and
 * the files under 3 MB together) and which are added after it. `messageBytes`: the request's JSON
 * without attachments.
 */
export function splitAttachments(attachments: OutgoingAttachment[], messageBytes: number): { inline: OutgoingAttachment[]; later: OutgoingAttachment[] } {
  let raw = INLINE_BUDGET;
  let request = REQUEST_LIMIT - messageBytes;
  const inlineSet = new Set<OutgoingAttachment>();
  for (const a of [...attachments].sort((x, y) => x.content.length - y.content.length)) {
    const encoded = Math.ceil(a.content.length / 3) * 4 + Buffer.byteLength(a.name) + ATTACHMENT_OVERHEAD;
    if (a.content.length > raw || encoded > request) break;
    inlineSet.add(a);
    raw -= a.content.length;
    request -= encoded;
  }
  // Keep the message's own order within each group.
  return { inline: attachments.filter((a) => inlineSet.has(a)), later: attachments.filter((a) => !inlineSet.has(a)) };
}

export interface AttachContext {
  client: GraphClient;
  mailbox: string;
  /** Graph's id of the created message. */
  itemId: string;
  /** The message's Message-ID, for errors. */
  messageId: string;
  signal?: AbortSignal;
}

export async function addAttachment(c: AttachContext, a: OutgoingAttachment): Promise<void> {
  const base = `${userPath(c.mailbox)}/messages/${encodeURIComponent(c.itemId)}/attachments`;
  const what = `adding the attachment "${a.name}" (${a.content.length} bytes) to message ${c.messageId}`;
  const signal = c.signal ? { signal: c.signal } : {};
  if (a.content.length < UPLOAD_SESSION_MIN) {
    await c.client.send({ mailbox: c.mailbox, method: 'POST', url: base, json: fileAttachmentJson(a), idempotent: false, what, ...signal });
    return;
  }
  const session = await c.client.send({
    mailbox: c.mailbox, method: 'POST', url: `${base}/createUploadSession`, idempotent: true, what: `opening an upload session for ${what}`, ...signal,
    json: { AttachmentItem: { attachmentType: 'file', name: a.name, size: a.content.length, contentType: a.contentType, isInline: a.isInline, ...(a.contentId ? { contentId: a.contentId } : {}) } },
  });
  const uploadUrl = (session.json as { uploadUrl?: string } | null)?.uploadUrl;
  if (!uploadUrl) throw new FerryError('transient', `Microsoft 365 opened no upload session (no uploadUrl) while ${what} in mailbox ${c.mailbox}`);
  const size = a.content.length;
  for (let start = 0; start < size; start += CHUNK_BYTES) {
    const end = Math.min(size, start + CHUNK_BYTES) - 1;
    const r = await c.client.send({
      mailbox: c.mailbox, method: 'PUT', url: uploadUrl, auth: false, idempotent: false, what: `uploading bytes ${start}-${end} of ${size} while ${what}`, ...signal,
      raw: { body: a.content.subarray(start, end + 1), headers: { 'content-type': 'application/octet-stream', 'content-range': `bytes ${start}-${end}/${size}` } },
    });
    const last = end === size - 1;
    if (last && r.status !== 201) throw new FerryError('transient', `Microsoft 365 answered HTTP ${r.status} instead of 201 Created to the last range while ${what} in mailbox ${c.mailbox}`);
  }
}
