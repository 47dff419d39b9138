/** Small helpers over an export tree that both mail sources use. */
import { promises as fs } from 'node:fs';
import type { ExportTree } from '../shared/export-tree';
import { isZipFile } from '../shared/export-tree';

/** True when the admin chose one plain file (not a folder, not a ZIP): it is read whatever its name. */
export async function isSinglePlainFile(location: string): Promise<boolean> {
  try {
    return (await fs.stat(location)).isFile() && !(await isZipFile(location));
  } catch {
    return false;
  }
}

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

export const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
