/**
 * Where things are in a "Download your archive" export: the `data/` folder (the chosen folder or ZIP
 * may be the archive root, `data/` itself, or hold the root one level down), its tweet and DM files in
 * reading order, and the media folders. Older archives (2018-2019) used singular names
 * (`tweet.js`, `direct-message.js`, `tweet_media/`), so both spellings are read.
 */
import path from 'node:path';
import type { ExportTree, TreeEntry } from '../shared/export-tree';
import { readHead } from '../shared/read-head';

export type TweetFileKind = 'tweets' | 'community' | 'deleted';

export interface TweetFile { path: string; kind: TweetFileKind }
export interface DmFile { path: string; group: boolean }

/** Media files by the id they start with (`<tweetId>-<name>`, `<messageId>-<name>`). */
export type MediaIndex = ReadonlyMap<string, readonly TreeEntry[]>;

export interface ArchiveLayout {
  /** Prefix of the data folder inside the tree: `data/`, `twitter-2024/data/` or `` (the tree is `data/`). */
  dataDir: string;
  account?: string;
  tweetFiles: TweetFile[];
  dmFiles: DmFile[];
  tweetMedia: MediaIndex;
  dmMedia: MediaIndex;
  /** Data files with content that is not imported, with the reason, for a notice. */
  notImported: string[];
  /** Other folders that also held archive files (only the first is read). */
  otherDataDirs: string[];
}

const ACCOUNT = /^account\.js$/;
const TWEETS = /^(tweets?|community-tweet|deleted-tweets?)(?:-part(\d+))?\.js$/;
const DMS = /^direct-messages?(-group)?(?:-part(\d+))?\.js$/;
const TWEET_MEDIA = new Set(['tweets_media', 'tweet_media', 'community_tweet_media', 'deleted_tweets_media']);
const DM_MEDIA = new Set(['direct_messages_media', 'direct_message_media', 'direct_messages_group_media', 'direct_message_group_media']);
const SKIPPED: [RegExp, string][] = [
  [/^likes?(-part\d+)?\.js$/, 'liked tweets carry no date in the archive'],
  [/^note-tweet(-part\d+)?\.js$/, 'long-post texts name no tweet id to attach them to; the (possibly shortened) text in tweets.js is imported'],
];

function isArchiveFile(name: string): boolean {
  return ACCOUNT.test(name) || TWEETS.test(name) || DMS.test(name);
}

function split(p: string): { dir: string; name: string } {
  const slash = p.lastIndexOf('/');
  return slash < 0 ? { dir: '', name: p } : { dir: p.slice(0, slash + 1), name: p.slice(slash + 1) };
}

const depth = (dir: string) => dir.split('/').length;

/** Finds the data folder; undefined when the tree holds no archive file at all. */
export function findLayout(tree: ExportTree): ArchiveLayout | undefined {
  const dirs = new Map<string, { account: boolean }>();
  for (const e of tree.entries) {
    const { dir, name } = split(e.path);
    if (!isArchiveFile(name)) continue;
    const d = dirs.get(dir) ?? { account: false };
    if (ACCOUNT.test(name)) d.account = true;
    dirs.set(dir, d);
  }
  if (!dirs.size) return undefined;
  // The folder with account.js wins, then the shallowest, then the first by name: deterministic.
  const ranked = [...dirs].sort(([a, da], [b, db]) =>
    Number(db.account) - Number(da.account) || depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
  const dataDir = ranked[0]![0];

  const layout: ArchiveLayout = {
    dataDir, tweetFiles: [], dmFiles: [], tweetMedia: new Map(), dmMedia: new Map(), notImported: [],
    otherDataDirs: ranked.slice(1).map(([d]) => d || '(top level)'),
  };
  const tweetRank: Record<TweetFileKind, number> = { tweets: 0, community: 1, deleted: 2 };
  const tweetOrder: [number, number, string, TweetFile][] = [];
  const dmOrder: [number, number, string, DmFile][] = [];
  const tweetMedia = new Map<string, TreeEntry[]>();
  const dmMedia = new Map<string, TreeEntry[]>();
  for (const e of tree.entries) {
    if (!e.path.startsWith(dataDir)) continue;
    const rel = e.path.slice(dataDir.length);
    const slash = rel.indexOf('/');
    if (slash >= 0) {
      // Media files sit directly in their folder: `tweets_media/<tweetId>-<name>`.
      const folder = rel.slice(0, slash);
      const file = rel.slice(slash + 1);
      const index = TWEET_MEDIA.has(folder) ? tweetMedia : DM_MEDIA.has(folder) ? dmMedia : undefined;
      const dash = file.indexOf('-');
      if (index && !file.includes('/') && dash > 0) {
        const id = file.slice(0, dash);
        index.set(id, [...(index.get(id) ?? []), e]);
      }
      continue;
    }
    if (ACCOUNT.test(rel)) { layout.account = e.path; continue; }
    const t = TWEETS.exec(rel);
    if (t) {
      const kind: TweetFileKind = t[1]!.startsWith('community') ? 'community' : t[1]!.startsWith('deleted') ? 'deleted' : 'tweets';
      tweetOrder.push([tweetRank[kind], Number(t[2] ?? 0), rel, { path: e.path, kind }]);
      continue;
    }
    const d = DMS.exec(rel);
    if (d) {
      dmOrder.push([d[1] ? 1 : 0, Number(d[2] ?? 0), rel, { path: e.path, group: !!d[1] }]);
      continue;
    }
    for (const [re, why] of SKIPPED) if (re.test(rel)) layout.notImported.push(`${rel} (${why})`);
  }
  const byRank = <T>(a: [number, number, string, T], b: [number, number, string, T]) =>
    a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
  layout.tweetFiles = tweetOrder.sort(byRank).map((x) => x[3]);
  layout.dmFiles = dmOrder.sort(byRank).map((x) => x[3]);
  layout.tweetMedia = tweetMedia;
  layout.dmMedia = dmMedia;
  return layout;
}

/** The file name shown in messages: `tweets.js`, `tweets-part1.js`. */
export function shortName(entryPath: string): string {
  return path.posix.basename(entryPath);
}

/**
 * Why a tree that holds no archive file is not one. Twitter API responses (v2 `{"data": …}`,
 * v1.1 `[{"id_str": …, "user": …}]`) are the usual mistake, so the first JSON files are sniffed.
 */
export async function notAnArchiveReason(tree: ExportTree): Promise<string> {
  const base = `${tree.location}: not a Twitter/X archive (no data/account.js, tweets.js or direct-messages.js found)`;
  const candidates = tree.entries.filter((e) => /\.(jsonl?|ndjson)$/i.test(e.path)).slice(0, 3);
  for (const e of candidates) {
    // The first 16 KiB are enough to tell an API response's shape.
    const head = await readHead(tree, e.path, 16 * 1024).then((b) => b.toString('utf8'), () => '');
    const kind = apiKind(head);
    if (kind) {
      return `${tree.describe(e.path)} is a Twitter ${kind} response, not a Twitter/X archive ("Download your archive" export); `
        + 'choose the archive ZIP (twitter-*.zip) or its folder';
    }
  }
  return `${base}; choose the archive ZIP (twitter-*.zip) or its folder`;
}

function apiKind(head: string): string | undefined {
  const s = head.replace(/^\uFEFF/, '').trimStart();
  if (s.startsWith('{') && /"(data|includes|meta|errors)"\s*:/.test(s)) return 'API v2';
  if (s.startsWith('[') && /"id_str"\s*:/.test(s) && /"(user|screen_name)"\s*:/.test(s)) return 'API v1.1';
  return undefined;
}
