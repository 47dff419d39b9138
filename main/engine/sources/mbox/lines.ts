/**
 * Bytes → lines, as they stream, with their line ends (LF or CRLF) kept so a message can be put
 * back together byte for byte. A line longer than `maxPiece` (a file with no line breaks at all) is
 * handed out in pieces instead of growing without bound; only the first piece has `start` set.
 */

export interface LinePiece {
  bytes: Buffer;
  /** This piece begins a line (so it may be a `From ` separator). */
  start: boolean;
  /** 1-based number of the line this piece belongs to. */
  line: number;
}

export async function* splitLines(input: AsyncIterable<Buffer | Uint8Array>, maxPiece = 1024 * 1024): AsyncGenerator<LinePiece> {
  let pending: Buffer[] = [];
  let pendingSize = 0;
  let line = 1;
  let start = true;
  const take = (last: Buffer): Buffer => {
    const bytes = pending.length ? Buffer.concat([...pending, last]) : last;
    pending = [];
    pendingSize = 0;
    return bytes;
  };
  for await (const raw of input) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, pos);
      if (nl < 0) break;
      yield { bytes: take(chunk.subarray(pos, nl + 1)), start, line };
      line++;
      start = true;
      pos = nl + 1;
    }
    if (pos < chunk.length) {
      pending.push(chunk.subarray(pos));
      pendingSize += chunk.length - pos;
      if (pendingSize >= maxPiece) {
        yield { bytes: take(Buffer.alloc(0)), start, line };
        start = false;
      }
    }
  }
  if (pendingSize) yield { bytes: take(Buffer.alloc(0)), start, line };
}
