/**
 * Pass-through messages (EML, MBOX) are kept byte for byte. Ferry only prepends its own headers
 * (the message class and source), and a deterministic Message-ID when the message has none.
 */

/** End of the header block: the first empty line, CRLF or LF. */
export function headerEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf < 0) return lf < 0 ? raw.length : lf;
  return lf < 0 || crlf < lf ? crlf : lf;
}

/** The unfolded value of the first header with this name, if any. */
export function findHeader(raw: Buffer, name: string): string | undefined {
  const head = raw.subarray(0, headerEnd(raw)).toString('latin1');
  const re = new RegExp(`^${name}:[ \\t]*((?:.*)(?:\\r?\\n[ \\t].*)*)`, 'im');
  const m = re.exec(head);
  return m ? m[1]!.replace(/\r?\n[ \t]+/g, ' ').trim() : undefined;
}

export function passThrough(raw: Buffer, o: { messageClass: string; source: string; fallbackId: string }):
  { messageId: string; mime: Buffer } {
  const eol = raw.indexOf('\r\n') >= 0 && raw.indexOf('\r\n') <= raw.indexOf('\n') ? '\r\n' : '\n';
  // An id written without angle brackets (`Message-ID: abc@def`) is still the message's id: keep it.
  // Only a missing or unusable id gets Ferry's deterministic one, prepended so that readers take it first.
  const header = findHeader(raw, 'Message-ID');
  const existing = header?.match(/<[^<>\s]+>/)?.[0] ?? (header && /^[^<>\s]+@[^<>\s]+$/.test(header) ? `<${header}>` : undefined);
  const added = [`X-Ferry-Message-Class: ${o.messageClass}`, `X-Ferry-Source: ${o.source}`];
  if (!existing) added.unshift(`Message-ID: ${o.fallbackId}`);
  // An mbox "From " line is not a header: it must not end up inside the message.
  let body = raw;
  // (An obsolete-syntax `From :` header is a header, not an envelope line.)
  if (/^From (?!\s*:)/.test(body.subarray(0, 16).toString('latin1'))) body = body.subarray(body.indexOf('\n') + 1);
  return { messageId: existing ?? o.fallbackId, mime: Buffer.concat([Buffer.from(added.join(eol) + eol, 'latin1'), body]) };
}
