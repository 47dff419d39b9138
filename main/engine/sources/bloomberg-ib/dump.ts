/**
 * Bloomberg dump files as the admin chose them: one XML file, a folder of daily dumps (with the
 * attachment files beside them), or a ZIP of that folder. Each XML is streamed record by record.
 * Shared by bloomberg-ib (`<Conversation>` records) and bloomberg-msg (`<Message>` records).
 */
import { promises as fs } from 'node:fs';
import { Transform } from 'node:stream';
import { FerryError, configError, errorMessage } from '../../errors';
import type { BadRecord } from '../../item';
import { type ExportTree, isZipFile, openExportTree } from '../shared/export-tree';
import type { ReadContext } from '../types';
import { type AttachmentFinder, diskFinder, treeFinder } from './attachments';
import { type XmlRecord, xmlRecords } from './xml-records';
import { byteProgress } from '../shared/progress';

export interface DumpFiles {
  tree: ExportTree;
  /** XML entries, in path order. */
  xmls: string[];
  finder: AttachmentFinder;
}

export async function openDump(location: string, kind: string): Promise<DumpFiles> {
  if (!location || typeof location !== 'string') throw configError(`${kind} needs a path: a Bloomberg dump XML, a folder of them, or a ZIP`);
  const stat = await fs.stat(location).catch(() => undefined);
  if (!stat) throw configError(`${location}: no such file or folder`);
  const tree = await openExportTree(location);
  if (stat.isFile() && !(await isZipFile(location))) return { tree, xmls: [tree.entries[0]!.path], finder: diskFinder(location) };
  const xmls = tree.entries.filter((e) => /\.xml$/i.test(e.path)).map((e) => e.path);
  if (!xmls.length) {
    await tree.close();
    throw configError(`${location}: no XML file in it (Bloomberg dumps are .xml files, e.g. f123456.ib.230501.xml)`);
  }
  return { tree, xmls, finder: treeFinder(tree) };
}

export type DumpRecord = { record: XmlRecord; file: string; entry: string } | { bad: BadRecord };

export interface DumpOptions {
  /** The record element this kind reads: `Conversation` or `Message`. */
  record: string;
  kind: string;
  /** What to tell an admin whose file holds the other kind of record. */
  otherKinds: Record<string, string>;
}

/**
 * Yields each wanted record of each XML, in order. A file of another kind is skipped with a notice
 * (or refused when it is the only file); a malformed file yields a bad record naming the line, then
 * the next file is read.
 */
export async function* dumpRecords(dump: DumpFiles, opts: DumpOptions, ctx: ReadContext): AsyncGenerator<DumpRecord> {
  const { tree } = dump;
  const onBytes = byteProgress(tree, dump.xmls, ctx);
  const want = opts.record.toLowerCase();
  for (const entry of dump.xmls) {
    if (ctx.signal?.aborted) return;
    const file = tree.describe(entry);
    const raw = await tree.open(entry);
    const input = raw.pipe(new Transform({ transform(c: Buffer, _e, cb) { onBytes(c.length); cb(null, c); } }));
    raw.once('error', (err) => input.destroy(err));
    let root: string | undefined;
    let last: string | undefined;
    let skipped = 0;
    try {
      for await (const r of xmlRecords(input, { describe: file, onRoot: (name) => { root = name; } })) {
        if (ctx.signal?.aborted) return;
        const name = r.node.name.toLowerCase();
        if (name !== want) {
          const other = opts.otherKinds[name];
          if (other && r.index === 0) {
            const why = `${file}: ${other}`;
            if (dump.xmls.length === 1) throw configError(why);
            ctx.notice?.(`${why}; skipped`);
            break;
          }
          skipped++;
          continue;
        }
        last = `${opts.record}[${r.index}] (line ${r.node.line})`;
        yield { record: r, file, entry };
      }
      if (root !== undefined && root.toLowerCase() !== 'filedump') ctx.notice?.(`${file}: the root element is <${root}>, not <FileDump>; read as a dump all the same`);
      if (skipped) ctx.notice?.(`${file}: ${skipped} element(s) that are not <${opts.record}> were not read`);
    } catch (err) {
      if (err instanceof FerryError && err.errorClass === 'config') throw err;
      const at = /(\d+):(\d+)/.exec(errorMessage(err));
      yield {
        bad: {
          bad: true, origin: { file, ...(at ? { position: `line ${at[1]}, column ${at[2]}` } : {}) },
          reason: `${errorMessage(err)}; ${last ? `every record up to ${last} was read` : 'no record could be read'}, anything after it could not be`,
        },
      };
    }
  }
}

