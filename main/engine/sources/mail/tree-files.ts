/** Small helpers over an export tree that both mail sources use. */
import { promises as fs } from 'node:fs';
import { isZipFile } from '../shared/export-tree';

/** True when the admin chose one plain file (not a folder, not a ZIP): it is read whatever its name. */
export async function isSinglePlainFile(location: string): Promise<boolean> {
  try {
    return (await fs.stat(location)).isFile() && !(await isZipFile(location));
  } catch {
    return false;
  }
}

export const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
