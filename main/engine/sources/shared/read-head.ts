/** The first bytes of an export entry, for sources that recognise a file by its start. */
import type { ExportTree } from './export-tree';

/** Up to `n` bytes from the start of an entry, reading no further. */
export async function readHead(tree: ExportTree, entryPath: string, n: number): Promise<Buffer> {
  const stream = await tree.open(entryPath);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const c of stream) {
      chunks.push(c as Buffer);
      size += (c as Buffer).length;
      if (size >= n) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, n);
}
