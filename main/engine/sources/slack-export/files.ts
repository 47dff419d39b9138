/**
 * Files shared in messages (`files[]`, or `file` in older exports). Slack's own export keeps only
 * their metadata and links; slackdump can download them, into `__uploads/<fileId>/<name>` (its
 * "mattermost" layout) or `<conversation>/attachments/<fileId>-<name>` (its "standard" layout, which
 * also rewrites `url_private` to that relative path). A file found in the export is attached (read
 * lazily); any other is listed in the footer with its name, size and link.
 */
import path from 'node:path';
import type { Attachment } from '../../item';
import type { ExportTree, TreeEntry } from '../shared/export-tree';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

export interface FileOutcome {
  attachments: Attachment[];
  /** Footer lines for files that are not in the export. */
  listed: string[];
  /** `F123 name` per file, for the X-Ferry-Files header. */
  ids: string[];
}

export function sizeText(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Old exports carry short-lived access tokens in file links (`?t=xoxe-…`): they are dropped, as a
 * credential has no place in an archived message and the link works without it for anyone signed in.
 */
export function withoutToken(url: string): string {
  try {
    const u = new URL(url);
    if (!u.searchParams.has('t')) return url;
    u.searchParams.delete('t');
    return u.toString();
  } catch {
    return url;
  }
}

/** The files a message shares: `files[]`, or the single `file` of older exports. */
export function messageFiles(msg: Obj): Obj[] {
  if (Array.isArray(msg.files)) return msg.files.filter(isObj);
  return isObj(msg.file) ? [msg.file] : [];
}

export class FileLocator {
  /** `__uploads/<id>/…` entries by file id. */
  private readonly uploads = new Map<string, TreeEntry[]>();

  constructor(private readonly tree: ExportTree, private readonly root: string) {
    const prefix = `${root}__uploads/`;
    for (const e of tree.entries) {
      if (!e.path.startsWith(prefix)) continue;
      const id = e.path.slice(prefix.length).split('/')[0]!;
      const list = this.uploads.get(id) ?? [];
      list.push(e);
      this.uploads.set(id, list);
    }
  }

  private find(file: Obj, folderDir: string): TreeEntry | undefined {
    const id = str(file.id);
    const name = str(file.name);
    if (id) {
      const up = this.uploads.get(id) ?? [];
      const exact = name ? up.find((e) => e.path === `${this.root}__uploads/${id}/${name}`) : undefined;
      if (exact) return exact;
      if (up.length === 1) return up[0];
      if (name) {
        const std = this.tree.get(`${folderDir}attachments/${id}-${name}`);
        if (std) return std;
      }
    }
    // slackdump's standard layout points url_private at the downloaded copy, relative to the folder.
    for (const u of [str(file.url_private), str(file.url_private_download)]) {
      if (!u || /^[a-z][a-z0-9+.-]*:/i.test(u) || u.startsWith('/')) continue;
      const rel = path.posix.normalize(u);
      if (rel.startsWith('..')) continue;
      const hit = this.tree.get(`${folderDir}${rel}`) ?? this.tree.get(`${this.root}${rel}`);
      if (hit) return hit;
    }
    return undefined;
  }

  resolve(files: Obj[], folderDir: string): FileOutcome {
    const out: FileOutcome = { attachments: [], listed: [], ids: [] };
    for (const f of files) {
      const id = str(f.id) ?? '?';
      const name = str(f.name) ?? str(f.title) ?? id;
      out.ids.push(`${id} ${name}`);
      const mode = str(f.mode);
      if (mode === 'tombstone') { out.listed.push(`File ${id}: deleted in Slack`); continue; }
      if (mode === 'hidden_by_limit') { out.listed.push(`File ${id}: hidden by the workspace's plan limit, not in the export`); continue; }
      const entry = this.find(f, folderDir);
      if (entry) {
        const contentType = str(f.mimetype);
        const tree = this.tree;
        // Lazy: read when converted, possibly after read() has closed the tree (the tree reopens for it).
        out.attachments.push({ filename: name, size: entry.size, ...(contentType ? { contentType } : {}), read: () => tree.readBuffer(entry.path) });
        continue;
      }
      const size = typeof f.size === 'number' ? ` (${sizeText(f.size)})` : '';
      const link = str(f.url_private) ?? str(f.permalink) ?? str(f.external_url);
      const external = f.is_external === true ? `external ${str(f.pretty_type) ?? 'file'}` : 'file';
      out.listed.push(`Shared ${external} not in the export: ${name}${size}${link ? `, ${withoutToken(link)}` : ''}`);
    }
    return out;
  }
}
