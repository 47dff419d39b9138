/** ZIP files made by the tests (exports as users download them), written with yazl. */
import fs from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';
import { filesUnder } from './files';

/** An entry's content: text (UTF-8), bytes, or a file on disk copied in. */
export type ZipContent = string | Buffer | { file: string };

/**
 * Writes `zipPath` with the entries in the order given (entry name → content); `mtime` pins the
 * entries' dates for tests that look at them. Returns `zipPath`.
 */
export async function writeZip(
  zipPath: string, entries: Record<string, ZipContent> | [string, ZipContent][], o: { mtime?: Date } = {},
): Promise<string> {
  const z = new yazl.ZipFile();
  const options = o.mtime ? { mtime: o.mtime } : {};
  for (const [name, content] of Array.isArray(entries) ? entries : Object.entries(entries)) {
    if (typeof content === 'string' || Buffer.isBuffer(content)) z.addBuffer(Buffer.from(content), name, options);
    else z.addFile(content.file, name, options);
  }
  z.end();
  await new Promise<void>((resolve, reject) => {
    z.outputStream.pipe(fs.createWriteStream(zipPath)).on('close', () => resolve()).on('error', reject);
  });
  return zipPath;
}

/** Zips every file below `dir` (sorted), each entry named `prefix` + its relative path. Returns `zipPath`. */
export function zipFolder(dir: string, zipPath: string, prefix = ''): Promise<string> {
  return writeZip(zipPath, filesUnder(dir).map((rel): [string, ZipContent] => [`${prefix}${rel}`, { file: path.join(dir, rel) }]));
}
