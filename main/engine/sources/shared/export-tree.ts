/**
 * An export as a tree of files, whether the admin points at a folder or at a ZIP. A ZIP is read in
 * place (yauzl, random access): only the central directory is held in memory, and each entry is
 * streamed when asked for, never extracted to disk. Entries whose names are unsafe (absolute,
 * `..` segments: zip-slip) are left out and reported in `problems`.
 */
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { configError, dataError } from '../../errors';

export interface TreeEntry {
  /** Path inside the export, with `/` separators and no leading slash. */
  path: string;
  size: number;
}

export interface ExportTree {
  /** The folder or ZIP file the admin chose, for error messages. */
  readonly location: string;
  readonly isZip: boolean;
  /** Every file, in a stable order (sorted by path). */
  readonly entries: readonly TreeEntry[];
  /** Entries that were refused, with the reason. */
  readonly problems: readonly string[];
  get(entryPath: string): TreeEntry | undefined;
  open(entryPath: string): Promise<Readable>;
  readBuffer(entryPath: string): Promise<Buffer>;
  readText(entryPath: string): Promise<string>;
  /** `location` plus the entry, for messages: `archive.zip!data/tweets.js`. */
  describe(entryPath: string): string;
  close(): Promise<void>;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b]);

export async function isZipFile(file: string): Promise<boolean> {
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await handle.read(buf, 0, 4, 0);
    return bytesRead >= 2 && buf.subarray(0, 2).equals(ZIP_MAGIC);
  } finally {
    await handle.close();
  }
}

/** Opens a folder or a ZIP. A plain file (not a ZIP) opens as a one-entry tree. */
export async function openExportTree(location: string): Promise<ExportTree> {
  let stat;
  try {
    stat = await fs.stat(location);
  } catch {
    throw configError(`${location}: no such file or folder`);
  }
  if (stat.isDirectory()) return openFolder(location);
  if (await isZipFile(location)) return openZip(location);
  return singleFile(location, stat.size);
}

async function listFolder(root: string): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  async function walk(dir: string, rel: string): Promise<void> {
    const dirents = await fs.readdir(dir, { withFileTypes: true });
    for (const d of dirents) {
      const relPath = rel ? `${rel}/${d.name}` : d.name;
      const abs = path.join(dir, d.name);
      if (d.isDirectory()) await walk(abs, relPath);
      else if (d.isFile()) out.push({ path: relPath, size: (await fs.stat(abs)).size });
    }
  }
  await walk(root, '');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function fromList(location: string, isZip: boolean, entries: TreeEntry[], problems: string[],
  openEntry: (e: TreeEntry) => Promise<Readable>, close: () => Promise<void>): ExportTree {
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const describe = (p: string) => (isZip ? `${location}!${p}` : path.join(location, p));
  const get = (p: string) => byPath.get(p.replace(/^\/+/, ''));
  const open = async (p: string) => {
    const e = get(p);
    if (!e) throw dataError(`${describe(p)}: not in the export`);
    return openEntry(e);
  };
  const readBuffer = async (p: string) => {
    const chunks: Buffer[] = [];
    for await (const c of await open(p)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  return {
    location, isZip, entries, problems, get, open, readBuffer, describe, close,
    readText: async (p) => (await readBuffer(p)).toString('utf8'),
  };
}

async function openFolder(root: string): Promise<ExportTree> {
  const entries = await listFolder(root);
  return fromList(root, false, entries, [], async (e) => createReadStream(path.join(root, e.path)), async () => {});
}

function singleFile(file: string, size: number): ExportTree {
  const name = path.basename(file);
  return fromList(path.dirname(file), false, [{ path: name, size }], [],
    async () => createReadStream(file), async () => {});
}

async function openZip(file: string): Promise<ExportTree> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, decodeStrings: false });
  } catch (err) {
    throw dataError(`${file}: not a readable ZIP file (${(err as Error).message})`, err);
  }
  const entries: TreeEntry[] = [];
  const problems: string[] = [];
  const raw = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileName as unknown as Buffer,
        entry.extraFields, false);
      const unsafe = yauzl.validateFileName(name);
      if (unsafe) problems.push(`${file}: entry refused, ${unsafe}`);
      else if (!name.endsWith('/')) {
        entries.push({ path: name, size: entry.uncompressedSize });
        raw.set(name, entry);
      }
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', (err: Error) => reject(dataError(`${file}: damaged ZIP file (${err.message})`, err)));
    zip.readEntry();
  });
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let closed = false;
  return fromList(file, true, entries, problems, async (e) => {
    const entry = raw.get(e.path)!;
    try {
      // After close (an attachment read once the source has finished), read from a fresh handle.
      if (closed) {
        const again = await yauzl.openPromise(file, { lazyEntries: true, autoClose: true, decodeStrings: false });
        const stream = await again.openReadStreamPromise(entry);
        stream.once('end', () => again.close());
        return verifyCrc(stream, entry.crc32, `${file}!${e.path}`);
      }
      return verifyCrc(await zip.openReadStreamPromise(entry), entry.crc32, `${file}!${e.path}`);
    } catch (err) {
      throw dataError(`${file}!${e.path}: cannot be read (${(err as Error).message})`, err);
    }
  }, async () => { if (!closed) { closed = true; zip.close(); } });
}

/**
 * yauzl checks sizes but not checksums: an entry stored uncompressed with a flipped byte would read
 * as silently altered content. Evidence must not be altered, so the CRC-32 is checked as it streams.
 */
function verifyCrc(input: Readable, expected: number, where: string): Readable {
  let crc: number | undefined;
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) { crc = crc32(chunk, crc); done(null, chunk); },
    flush(done) {
      const got = crc ?? 0;
      done(got === expected >>> 0 ? null : dataError(`${where}: damaged ZIP entry, its content does not match the checksum recorded in the ZIP (CRC-32 ${got.toString(16)}, expected ${(expected >>> 0).toString(16)})`));
    },
  });
  input.once('error', (err) => check.destroy(err));
  return input.pipe(check);
}
