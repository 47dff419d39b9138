/**
 * Mattermost bulk export (`mmctl export create` ZIP, its folder, or the JSONL file itself, whatever
 * its name: `export.json`, `import.jsonl`): one JSON object per line. Two passes, line by line: the
 * first learns users, channels and memberships (see `directory.ts`), the second turns `post` and
 * `direct_post` lines into items (see `post.ts`). A bad line is a bad record naming its line number.
 */
import type { SourceRecord } from '../../item';
import type { CheckResult, ReadContext, Source, SourceSettings } from '../types';
import { checkOpened } from '../shared/check-opened';
import { errorMessage } from '../../errors';
import { Directory, isObj } from './directory';
import { type MattermostExport, openMattermostExport } from './export-files';
import { MAX_LINE_BYTES, jsonlLines } from './jsonl-lines';
import { SOURCE, postRecords } from './post';

/** Line types the importer knows that carry no messages. */
const KNOWN = new Set(['version', 'info', 'scheme', 'role', 'emoji', 'team', 'channel', 'user', 'bot', 'direct_channel', 'post', 'direct_post']);

/** How much `check()` reads. */
const CHECK_BYTES = 10 * 1024 * 1024;

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

type Parsed = { line: number; end: number; value: Record<string, unknown> } | { line: number; end: number; error: string };

async function* parsedLines(exp: MattermostExport, limit = Infinity): AsyncGenerator<Parsed> {
  const stream = await exp.tree.open(exp.jsonl.path);
  for await (const l of jsonlLines(stream)) {
    if (l.end > limit && l.line > 1) return;
    if ('tooLong' in l) { yield { line: l.line, end: l.end, error: `line is longer than ${MAX_LINE_BYTES / 1024 / 1024} MB; skipped` }; continue; }
    if (!l.text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(l.text);
    } catch (err) {
      yield { line: l.line, end: l.end, error: `not valid JSON (${errorMessage(err)})` };
      continue;
    }
    if (!isObj(value) || typeof value.type !== 'string') yield { line: l.line, end: l.end, error: 'not a bulk export object (no "type")' };
    else yield { line: l.line, end: l.end, value };
  }
}

function summary(d: Directory): string {
  const c = d.counts;
  return [count(c.teams, 'team'), count(c.channels, 'channel'), count(c.users, 'user'), count(c.directChannels, 'direct channel'),
    count(c.posts, 'post'), count(c.directPosts, 'direct post')].join(', ');
}

function check(settings: SourceSettings): Promise<CheckResult> {
  return checkOpened(() => openMattermostExport(settings.path), (exp: MattermostExport) => exp.close(), async (exp: MattermostExport) => {
    const dir = new Directory();
    let first: Parsed | undefined;
    let bad = 0;
    for await (const p of parsedLines(exp, CHECK_BYTES)) {
      first ??= p;
      if ('error' in p) bad++;
      else dir.learn(p.value);
    }
    const name = exp.tree.describe(exp.jsonl.path);
    if (!first) return { ok: false, message: `${name}: empty file` };
    if ('error' in first || first.value.type !== 'version') {
      return { ok: false, message: `${name}: not a Mattermost bulk export (line 1 is not {"type":"version",...})` };
    }
    const partial = exp.jsonl.size > CHECK_BYTES ? ` in the first ${CHECK_BYTES / 1024 / 1024} MB` : '';
    return { ok: true, message: `Mattermost bulk export: ${summary(dir)}${partial}${bad ? `; ${count(bad, 'bad line')}` : ''}` };
  });
}

async function* read(settings: SourceSettings, ctx: ReadContext): AsyncGenerator<SourceRecord> {
  const exp = await openMattermostExport(settings.path);
  const file = exp.tree.describe(exp.jsonl.path);
  const said = new Set<string>();
  const notice = (m: string) => { if (!said.has(m)) { said.add(m); ctx.notice?.(m); } };
  try {
    for (const p of exp.tree.problems) notice(p);
    const total = exp.jsonl.size || 1;
    // Pass 1 (about a third of the progress bar): users, channels, memberships.
    const dir = new Directory();
    for await (const p of parsedLines(exp)) {
      if (ctx.signal?.aborted) return;
      if (!('error' in p)) dir.learn(p.value);
      ctx.progress?.((p.end / total) / 3);
    }
    // Pass 2: the posts.
    for await (const p of parsedLines(exp)) {
      if (ctx.signal?.aborted) return;
      ctx.progress?.(1 / 3 + (2 * p.end) / (3 * total));
      if ('error' in p) { yield { bad: true, origin: { file, position: `line ${p.line}` }, reason: p.error }; continue; }
      const type = p.value.type as string;
      if (type === 'post' || type === 'direct_post') {
        const body = p.value[type];
        if (!isObj(body)) { yield { bad: true, origin: { file, position: `line ${p.line}` }, reason: `${type} line has no "${type}" object` }; continue; }
        yield* await postRecords(type, body, { dir, files: exp.files, file, line: p.line, notice });
      } else if (!KNOWN.has(type)) {
        notice(`${file}: lines of type "${type}" hold no messages; skipped (first at line ${p.line})`);
      }
    }
  } finally {
    await exp.close();
  }
}

export const mattermostExportSource: Source = {
  spec: {
    kind: 'mattermost-export',
    title: 'Mattermost bulk export',
    platform: SOURCE,
    description: 'A Mattermost bulk export (the ZIP from "mmctl export create", its folder, or the JSONL file): channel posts, direct and group messages, replies, reactions, edits and attachments, with users\' email addresses for mapping.',
    settings: [],
  },
  check,
  read,
};
