/**
 * One element of tweets.js (`{ "tweet": { … } }`, or the bare tweet object in old archives) → one item.
 * Every tweet in an archive is the owner's own: FROM is the owner; TO the accounts it involves
 * (mentioned, replied to, quoted), or the owner when it involves nobody else.
 */
import type { Attachment, Identity, SourceRecord } from '../../item';
import { formatUtc, renderBody } from '../../convert/body';
import type { ExportTree, TreeEntry } from '../shared/export-tree';
import type { MediaIndex, TweetFileKind } from './layout';
import { type Owner, PLATFORM, describeOwner, handleIdentity } from './account';
import { arr, clientName, decodeEntities, expandLinks, formatCount, obj, parseTwitterDate, shortSubject, str, urlBasename } from './text';

export const SOURCE = 'Twitter';

export interface TweetContext {
  tree: ExportTree;
  owner: Owner;
  /** The file as shown in messages (`archive.zip!data/tweets.js`). */
  file: string;
  /** Its name (`tweets-part1.js`). */
  fileName: string;
  kind: TweetFileKind;
  media: MediaIndex;
  /** Media files attached so far, to report the ones no tweet claimed. */
  usedMedia: Set<string>;
}

const STATUS_URL = /^https?:\/\/(?:www\.|mobile\.)?(?:twitter|x)\.com\/(\w{1,15}|i(?:\/web)?)\/status(?:es)?\/(\d+)/i;

export const tweetUrl = (user: string | undefined, id: string) => `https://x.com/${user ?? 'i/web'}/status/${id}`;

/**
 * An id field: `id_str`, or `id` when it is a string or an exact number. Tweet ids above 2^53 written
 * as JSON numbers have lost digits, and a wrong id would merge two tweets: those are refused.
 */
export function exactId(strField: unknown, numField: unknown): { id?: string; problem?: string } {
  const s = str(strField);
  if (s) return /^\d+$/.test(s) ? { id: s } : { problem: `id "${s}" is not a numeric id` };
  if (typeof numField === 'number') {
    return Number.isSafeInteger(numField) && numField > 0 ? { id: String(numField) }
      : { problem: `id ${numField} is a JSON number too large to be exact, and there is no id_str` };
  }
  const t = str(numField);
  if (t) return /^\d+$/.test(t) ? { id: t } : { problem: `id "${t}" is not a numeric id` };
  return {};
}

interface MediaRef { url: string; type: string; names: string[] }

function mediaRefs(t: Record<string, unknown>): MediaRef[] {
  const list = arr(obj(t.extended_entities).media).length ? arr(obj(t.extended_entities).media) : arr(obj(t.entities).media);
  return list.map((m) => {
    const o = obj(m);
    const url = str(o.media_url_https) ?? str(o.media_url) ?? str(o.expanded_url) ?? '';
    const variants = arr(obj(o.video_info).variants).map((v) => obj(v))
      .filter((v) => str(v.url))
      .sort((a, b) => Number(b.bitrate ?? -1) - Number(a.bitrate ?? -1));
    const names = [url, ...variants.map((v) => str(v.url)!)].map(urlBasename).filter(Boolean);
    // A video's own URL is the best thing to list when its file is missing; the thumbnail otherwise.
    const best = variants.length ? str(variants[0]!.url)! : url;
    return { url: best, type: str(o.type) ?? 'media', names };
  });
}

function attachmentFor(tree: ExportTree, e: TreeEntry): Attachment {
  return { filename: e.path.slice(e.path.lastIndexOf('/') + 1), size: e.size, read: () => tree.readBuffer(e.path) };
}

function sameHandle(a: string | undefined, b: string | undefined): boolean {
  return !!a && !!b && a.replace(/^@/, '').toLowerCase() === b.replace(/^@/, '').toLowerCase();
}

export function tweetRecord(element: unknown, index: number, ctx: TweetContext): SourceRecord {
  const origin = { file: ctx.file, position: `element ${index}` };
  const bad = (reason: string, id?: string): SourceRecord => ({ bad: true, origin, reason, ...(id ? { id } : {}) });
  if (element === null || typeof element !== 'object' || Array.isArray(element)) return bad('element is not a tweet object');
  const rec = element as Record<string, unknown>;
  const t = rec.tweet !== undefined ? obj(rec.tweet) : rec;

  const { id, problem } = exactId(t.id_str, t.id);
  if (problem) return bad(problem);
  if (!id) return bad('tweet has no id (id_str)');
  if (t.created_at === undefined || t.created_at === null || t.created_at === '') return bad('tweet has no date (created_at)', id);
  const date = parseTwitterDate(t.created_at);
  if (!date) return bad(`created_at ${JSON.stringify(t.created_at)} is not a date`, id);

  const { owner } = ctx;
  const entities = obj(t.entities);
  const refs = mediaRefs(t);
  const expansions = new Map<string, string>();
  const mediaLinks = new Set<string>();
  const links: string[] = [];
  for (const u of arr(entities.urls)) {
    const o = obj(u);
    const short = str(o.url);
    const long = str(o.expanded_url) ?? str(o.expanded);
    if (long) links.push(long);
    if (short && long) expansions.set(short, long);
  }
  for (const m of [...arr(entities.media), ...arr(obj(t.extended_entities).media)]) {
    const o = obj(m);
    const short = str(o.url);
    const long = str(o.expanded_url);
    if (short) { mediaLinks.add(short); if (long) expansions.set(short, long); }
  }
  const raw = typeof t.full_text === 'string' ? t.full_text : typeof t.text === 'string' ? t.text : '';
  const decoded = decodeEntities(raw);
  const text = expandLinks(decoded, expansions);

  // Who the tweet involves.
  const mentions = arr(entities.user_mentions).map((m) => obj(m))
    .filter((m) => str(m.screen_name))
    .map((m) => ({ handle: str(m.screen_name)!, name: str(m.name), userId: str(m.id_str) }));
  const replyTo = exactId(t.in_reply_to_status_id_str, t.in_reply_to_status_id).id;
  const replyUser = str(t.in_reply_to_screen_name);
  const replyUserId = exactId(t.in_reply_to_user_id_str, t.in_reply_to_user_id).id;
  const rtMatch = /^RT @(\w{1,15}):/.exec(decoded);
  const retweetedStatus = obj(t.retweeted_status);
  const isRetweet = t.retweeted === true || !!rtMatch || Object.keys(retweetedStatus).length > 0;
  const rtUser = rtMatch?.[1] ?? str(obj(retweetedStatus.user).screen_name);
  const rtId = exactId(retweetedStatus.id_str, retweetedStatus.id).id;

  let quoteUrl: string | undefined;
  let quoteUser: string | undefined;
  if (!isRetweet) {
    const permalink = str(obj(t.quoted_status_permalink).expanded);
    const quotedId = exactId(t.quoted_status_id_str, t.quoted_status_id).id;
    // Archives usually keep a quote only as the quoted tweet's link at the end of the text (a link,
    // not a media entry: media reused from another tweet also points at that tweet).
    const linked = links.filter((u) => { const m = STATUS_URL.exec(u); return m && m[2] !== id; }).pop();
    quoteUrl = permalink ?? linked ?? (quotedId ? tweetUrl(undefined, quotedId) : undefined);
    const qm = quoteUrl ? STATUS_URL.exec(quoteUrl) : null;
    if (qm && !/^i(\/web)?$/i.test(qm[1]!)) quoteUser = qm[1];
  }
  const event = isRetweet ? 'Retweet' : replyTo ? 'Reply' : quoteUrl ? 'Quote' : 'Tweet';

  const to: Identity[] = [];
  const addHandle = (handle: string | undefined, name?: string) => {
    if (!handle || sameHandle(handle, owner.username) || to.some((x) => x.kind === 'handle' && sameHandle(x.id, handle))) return;
    to.push(handleIdentity(handle, name ?? mentions.find((m) => sameHandle(m.handle, handle))?.name));
  };
  for (const m of mentions) addHandle(m.handle, m.name);
  if (replyTo) {
    if (replyUser) addHandle(replyUser);
    else if (replyUserId && replyUserId !== owner.accountId) to.push({ id: replyUserId, kind: 'user-id', platform: PLATFORM });
  }
  if (isRetweet) addHandle(rtUser);
  addHandle(quoteUser);
  if (!to.length) to.push(owner.identity);

  // Media: the archive keeps `<tweetId>-<file name of the media URL>`; videos under their variant's name.
  const files = ctx.media.get(id) ?? [];
  const attached = new Set<string>();
  const attachments: Attachment[] = [];
  const missing: MediaRef[] = [];
  for (const ref of refs) {
    const hits = files.filter((e) => ref.names.some((n) => e.path.endsWith(`/${id}-${n}`) || e.path === `${id}-${n}`));
    if (!hits.length) { missing.push(ref); continue; }
    for (const e of hits) if (!attached.has(e.path)) { attached.add(e.path); attachments.push(attachmentFor(ctx.tree, e)); }
  }
  // Files of this tweet that no media entry names are attached too, never left behind.
  for (const e of files) if (!attached.has(e.path)) { attached.add(e.path); attachments.push(attachmentFor(ctx.tree, e)); }
  for (const p of attached) ctx.usedMedia.add(p);

  const url = tweetUrl(owner.username, id);
  const replyUrl = replyTo ? tweetUrl(replyUser, replyTo) : undefined;
  const header: [string, string | undefined][] = [['Author', describeOwner(owner)], ['Date', formatUtc(date)]];
  if (event === 'Retweet') header.push(['Retweet of', [rtUser ? `@${rtUser}` : undefined, rtId ? tweetUrl(rtUser, rtId) : undefined].filter(Boolean).join(' · ') || 'a tweet']);
  else if (event === 'Reply') header.push(['Reply to', [replyUser ? `@${replyUser}` : undefined, replyUrl].filter(Boolean).join(' · ')]);
  else if (event === 'Tweet') header.push(['Tweet', url]);
  if (quoteUrl) header.push(['Quote of', quoteUrl]);
  const deletedAt = ctx.kind === 'deleted' ? parseTwitterDate(t.deleted_at) : undefined;
  if (ctx.kind === 'deleted') header.push(['Deleted', deletedAt ? formatUtc(deletedAt) : 'yes (date not in the archive)']);

  const editInfo = obj(t.edit_info);
  const editOf = str(obj(editInfo.edit).initialTweetId);
  const versions = arr(obj(editInfo.initial).editTweetIds).map(str).filter((v): v is string => !!v && v !== id);
  const client = clientName(t.source);
  const favorites = str(t.favorite_count);
  const retweets = str(t.retweet_count);
  const lang = str(t.lang);
  const footer = [
    favorites !== undefined ? `Likes: ${formatCount(favorites)}` : '',
    retweets !== undefined ? `Retweets: ${formatCount(retweets)}` : '',
    client ? `Client: ${client}` : '',
    lang ? `Language: ${lang}` : '',
    `Tweet URL: ${url}`,
    editOf && editOf !== id ? `Edited: this is a later version of ${tweetUrl(owner.username, editOf)}` : '',
    !editOf && versions.length ? `Edited: later versions ${versions.map((v) => tweetUrl(owner.username, v)).join(', ')}` : '',
    ...missing.map((m) => `Media not in the archive (${m.type}): ${m.url || '(no URL given)'}`),
  ];

  const meta: Record<string, string> = { 'Tweet-Id': id, 'Tweet-Url': url };
  const put = (k: string, v: string | undefined) => { if (v) meta[k] = v; };
  put('Favorite-Count', favorites);
  put('Retweet-Count', retweets);
  put('Client', client);
  put('Lang', lang);
  put('In-Reply-To-Tweet-Id', replyTo);
  put('In-Reply-To-User', replyUser ?? replyUserId);
  put('Retweet-Of-User', isRetweet ? rtUser : undefined);
  put('Retweeted-Tweet-Id', rtId);
  put('Quoted-Tweet-Url', quoteUrl);
  put('Edit-Initial-Tweet-Id', editOf && editOf !== id ? editOf : undefined);
  put('Deleted-At', deletedAt?.toISOString());
  put('Missing-Media', missing.map((m) => m.url).filter(Boolean).join(' '));
  if (ctx.kind !== 'tweets') meta['Archive-File'] = ctx.fileName;

  const subjectText = expandLinks(decoded, new Map([...expansions].map(([k, v]) => [k, mediaLinks.has(k) ? '' : v]))).trim();
  const subject = shortSubject(subjectText) || (refs.length ? `(${refs[0]!.type})` : '(no text)');
  const body = renderBody({ header, text, footer });
  return {
    source: SOURCE, event, id, origin, from: owner.identity, to, subject, date,
    text: body.text, html: body.html, attachments, ...(replyTo ? { replyTo } : {}), meta,
  };
}
