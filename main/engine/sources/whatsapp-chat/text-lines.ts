/**
 * Lines of a chat file, streamed: CRLF or LF (iOS files mix them inside polls), a BOM, UTF-16 when
 * a BOM says so, no trailing newline. Counts bytes consumed so the source can report progress.
 */
import type { Readable } from 'node:stream';

export async function* readLines(stream: Readable, onBytes?: (n: number) => void): AsyncGenerator<string> {
  let decoder: TextDecoder | undefined;
  let pending = '';
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    if (!decoder) {
      const utf16 = buf[0] === 0xff && buf[1] === 0xfe ? 'utf-16le' : buf[0] === 0xfe && buf[1] === 0xff ? 'utf-16be' : undefined;
      decoder = new TextDecoder(utf16 ?? 'utf-8'); // strips the BOM
    }
    onBytes?.(buf.length);
    pending += decoder.decode(buf, { stream: true });
    let start = 0;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
      const end = nl > start && pending.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield pending.slice(start, end);
      start = nl + 1;
    }
    pending = pending.slice(start);
  }
  if (decoder) pending += decoder.decode();
  if (pending.endsWith('\r')) pending = pending.slice(0, -1);
  if (pending.length) yield pending;
}
