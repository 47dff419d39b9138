/**
 * Finds the JSON of a Telegram Desktop export: the file the admin chose, or every `result.json` in
 * the folder or ZIP they chose (a ZIP of the export folder holds it one level down; a ZIP of several
 * exports holds several, read in path order).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { configError } from '../../errors';
import { type ExportTree, isZipFile, openExportTree } from '../shared/export-tree';
import { ExportFiles } from './export-files';

export interface OpenedExport {
  files: ExportFiles;
  tree: ExportTree;
  /** Entries of the JSON files to read, in order. */
  jsons: string[];
}

export async function openExport(location: string): Promise<OpenedExport> {
  if (!location || typeof location !== 'string') throw configError('telegram-export needs a path: result.json, the export folder, or a ZIP of it');
  const stat = await fs.stat(location).catch(() => undefined);
  if (!stat) throw configError(`${location}: no such file or folder`);
  if (stat.isFile() && !(await isZipFile(location))) {
    // The JSON itself: the files it names are looked up beside it, on demand.
    const tree = await openExportTree(location);
    return { tree, files: new ExportFiles(tree, location, path.dirname(location)), jsons: [tree.entries[0]!.path] };
  }
  const tree = await openExportTree(location);
  const jsons = tree.entries.filter((e) => path.posix.basename(e.path) === 'result.json').map((e) => e.path);
  if (!jsons.length) {
    await tree.close();
    const html = tree.entries.some((e) => /(^|\/)messages\d*\.html$/.test(e.path));
    const others = tree.entries.filter((e) => e.path.endsWith('.json')).slice(0, 5).map((e) => e.path);
    throw configError(html
      ? `${location}: this is Telegram Desktop's HTML export; export again with the format "Machine-readable JSON"`
      : `${location}: no result.json in it${others.length ? ` (JSON files found: ${others.join(', ')}; choose the file itself)` : ''}`);
  }
  return { tree, files: new ExportFiles(tree, location), jsons };
}
