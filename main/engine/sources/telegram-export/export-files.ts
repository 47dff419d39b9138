/**
 * The files beside result.json (photos/, files/, voice_messages/…), resolved the way Telegram
 * Desktop writes them: paths relative to the folder holding result.json, or a placeholder in
 * brackets when the file was left out of the export.
 *
 * Two backends: the export tree (a folder or a ZIP, listed once), or — when the admin chose the JSON
 * file itself — the folder beside it, looked up file by file (that folder may be a large Downloads).
 *
 * Attachments are read lazily, possibly after `read()` has finished and closed its tree (a consumer
 * may collect items first and convert them later), so a read after close opens the export again.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ExportTree } from '../shared/export-tree';
import { ReopeningTree } from '../shared/export-files';

export type FileRef =
  | { state: 'present'; entry: string; size: number; name: string }
  | { state: 'omitted'; reason: string }
  | { state: 'missing'; path: string }
  | { state: 'none' };

export class ExportFiles extends ReopeningTree {
  /** `dir`: look files up beside the JSON on disk instead of in the tree. */
  constructor(tree: ExportTree, location: string, private readonly dir?: string) {
    super(tree, location);
  }

  /** Resolves a `photo`/`file`/`thumbnail` value written in the JSON at `jsonEntry`. */
  async resolve(jsonEntry: string, value: unknown): Promise<FileRef> {
    if (typeof value !== 'string' || !value.trim()) return { state: 'none' };
    const v = value.trim();
    // Telegram's placeholders: "(File not included. Change data exporting settings to download.)",
    // "(File exceeds maximum size. …)", "(File unavailable, please try again later)".
    const placeholder = /^\((.+)\)$/s.exec(v);
    if (placeholder) return { state: 'omitted', reason: placeholder[1]!.trim() };
    const rel = v.replace(/\\/g, '/');
    const base = path.posix.dirname(jsonEntry);
    const joined = path.posix.normalize(base === '.' ? rel : `${base}/${rel}`);
    // A path that leaves the export is never followed.
    if (path.posix.isAbsolute(rel) || /^[A-Za-z]:/.test(rel) || joined === '..' || joined.startsWith('../')) return { state: 'missing', path: v };
    const name = path.posix.basename(joined);
    if (this.dir) {
      const stat = await fs.stat(path.join(this.dir, ...joined.split('/'))).catch(() => undefined);
      return stat?.isFile() ? { state: 'present', entry: joined, size: stat.size, name } : { state: 'missing', path: v };
    }
    const entry = this.tree.get(joined);
    return entry ? { state: 'present', entry: entry.path, size: entry.size, name } : { state: 'missing', path: v };
  }

  /** On disk, `entry` is relative to `dir`. */
  override async read(entry: string): Promise<Buffer> {
    return this.dir ? fs.readFile(path.join(this.dir, ...entry.split('/'))) : super.read(entry);
  }
}
