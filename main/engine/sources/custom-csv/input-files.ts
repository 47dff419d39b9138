/**
 * The input of a mapped source: one data file, a folder, or a ZIP read in place. In a folder or a ZIP
 * the data files are those with the source's extensions at the top level (or, when there are none
 * there, inside a single top folder, as when a folder was zipped); files deeper down are attachments.
 */
import path from 'node:path';
import { configError } from '../../errors';
import { type ExportTree, openExportTree } from '../shared/export-tree';
import { type AttachmentResolver, folderResolver, treeResolver } from './attachments';

export interface MappedInput {
  tree: ExportTree;
  /** Entry paths of the data files, sorted. */
  files: string[];
  /** Attachments of a data file: relative to its folder, or to `baseDir` (itself relative to that folder). */
  resolver(entry: string, baseDir?: string): AttachmentResolver;
  close(): Promise<void>;
}

/** A `baseDir` setting as a safe relative path, or why not. */
export function baseDirProblem(baseDir: string): string | null {
  const p = path.posix.normalize(baseDir.trim().replace(/\\/g, '/'));
  if (p.startsWith('/') || /^[a-z]:/i.test(p)) return `attachments.baseDir "${baseDir}" must be relative to the input`;
  if (p === '..' || p.startsWith('../')) return `attachments.baseDir "${baseDir}" leaves the input folder`;
  return null;
}

const cleanBase = (p: string) => path.posix.normalize(p.trim()).replace(/^\.\/?$/, '').replace(/\/+$/, '');

export async function openMappedInput(location: string, extensions: readonly string[], what: string): Promise<MappedInput> {
  const tree = await openExportTree(location);
  const single = !tree.isZip && tree.entries.length === 1 && path.join(tree.location, tree.entries[0]!.path) === path.resolve(location);
  const isData = (p: string) => extensions.includes(path.posix.extname(p).toLowerCase());
  let files: string[];
  if (single) files = [tree.entries[0]!.path];
  else {
    files = tree.entries.map((e) => e.path).filter((p) => !p.includes('/') && isData(p));
    if (!files.length) {
      const tops = new Set(tree.entries.map((e) => e.path.split('/')[0]));
      const [top] = [...tops];
      if (tops.size === 1 && top !== undefined) files = tree.entries.map((e) => e.path).filter((p) => p.split('/').length === 2 && p.startsWith(`${top}/`) && isData(p));
    }
  }
  if (!files.length) {
    await tree.close();
    throw configError(`${location}: no ${what} file (${extensions.join(', ')}) at the top of the ${tree.isZip ? 'ZIP' : 'folder'}`);
  }
  // A single file's tree is rooted at its folder; a folder's at itself.
  const root = tree.isZip ? undefined : tree.location;
  return {
    tree, files,
    resolver(entry, baseDir) {
      const dir = path.posix.dirname(entry);
      const base = cleanBase(baseDir !== undefined && baseDir.trim() !== '' ? path.posix.join(dir, baseDir.replace(/\\/g, '/')) : dir);
      // On disk, read straight from the folder (the tree of a single file lists only that file).
      return root !== undefined ? folderResolver(path.resolve(root, base)) : treeResolver(tree, base);
    },
    close: () => tree.close(),
  };
}
