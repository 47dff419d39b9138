/**
 * Bloomberg lists attachments in the dump (`FileName`, `FileID`, `FileSize`) but delivers their
 * bytes separately (an `.att` archive). When those files sit beside the XML — in its folder or a
 * subfolder, named by FileID (with or without an extension) — they are attached; otherwise listed.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Attachment } from '../../item';
import type { ExportTree } from '../shared/export-tree';

export interface ListedFile {
  name: string;
  id?: string;
  size?: number;
}

export interface AttachmentFinder {
  /** The attachment when its file is in the export, undefined when it is not. */
  find(file: ListedFile, xmlEntry: string): Promise<Attachment | undefined>;
}

const stem = (base: string) => base.replace(/\.[^.]*$/, '');

/** Inside a folder or ZIP tree: any non-XML entry named by the FileID, nearest the XML first. */
export function treeFinder(tree: ExportTree): AttachmentFinder {
  let byName: Map<string, string[]> | undefined;
  const index = () => {
    if (byName) return byName;
    byName = new Map();
    for (const e of tree.entries) {
      if (/\.xml$/i.test(e.path)) continue;
      const base = path.posix.basename(e.path);
      for (const k of new Set([base, stem(base)])) byName.set(k, [...(byName.get(k) ?? []), e.path]);
    }
    return byName;
  };
  return {
    async find(file, xmlEntry) {
      if (!file.id) return undefined;
      const candidates = index().get(file.id) ?? [];
      const dir = path.posix.dirname(xmlEntry);
      const under = candidates.filter((c) => dir === '.' || c.startsWith(`${dir}/`));
      const pick = under.sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1))[0];
      const entry = pick ? tree.get(pick) : undefined;
      if (!entry) return undefined;
      return { filename: file.name, size: entry.size, read: () => tree.readBuffer(entry.path) };
    },
  };
}

/** An XML chosen by itself: its folder and that folder's subfolders (one level), on disk. */
export function diskFinder(xmlFile: string): AttachmentFinder {
  const dir = path.dirname(xmlFile);
  // Listed once: a dump folder can hold thousands of attachment files.
  let listing: Promise<{ dir: string; names: string[] }[]> | undefined;
  const list = (d: string) => fs.readdir(d).then((n) => n.sort()).catch(() => [] as string[]);
  const folders = () => (listing ??= (async () => {
    const subs = await fs.readdir(dir, { withFileTypes: true }).then((ds) => ds.filter((d) => d.isDirectory()).map((d) => path.join(dir, d.name)).sort()).catch(() => []);
    return Promise.all([dir, ...subs].map(async (d) => ({ dir: d, names: await list(d) })));
  })());
  return {
    async find(file) {
      if (!file.id || /[/\\]|^\.\.?$/.test(file.id)) return undefined;
      for (const { dir: d, names } of await folders()) {
        const hit = names.find((n) => n === file.id || (stem(n) === file.id && !/\.xml$/i.test(n)));
        if (!hit) continue;
        const p = path.join(d, hit);
        const st = await fs.stat(p).catch(() => undefined);
        if (!st?.isFile()) continue;
        return { filename: file.name, size: st.size, read: () => fs.readFile(p) };
      }
      return undefined;
    },
  };
}

export const sizeText = (n: number | undefined) => (n === undefined ? '' : n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${Math.ceil(n / 1024)} KB` : `${n} bytes`);
