/** `ferry export`, `ferry search`: the local archive. */
import path from 'node:path';
import type { Command } from 'commander';
import { CliContext, withGlobals } from '../context';
import { table } from '../format';
import { configError } from '../../engine/errors';
import { exportArchive } from '../../engine/destinations/archive/export';
import { searchArchive } from '../../engine/destinations/archive/search';

export function registerArchive(program: Command): void {
  withGlobals(program.command('export').description('export the local archive to an EML folder or an MBOX file'))
    .requiredOption('--format <format>', 'eml (a folder of .eml files) or mbox (one mboxrd file)')
    .requiredOption('--out <path>', 'the folder (eml) or file (mbox) to write')
    .option('--mailbox <address>', "only this mailbox's copies")
    .option('--query <search>', 'only messages matching this search')
    .action(async (f: { format: string; out: string; mailbox?: string; query?: string }, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      if (f.format !== 'eml' && f.format !== 'mbox') throw configError(`--format must be eml or mbox, got "${f.format}"`);
      const res = await exportArchive(ctx.open().db, { format: f.format, out: path.resolve(f.out),
        ...(f.mailbox !== undefined ? { mailbox: f.mailbox } : {}), ...(f.query ? { query: f.query } : {}) });
      ctx.print(`Exported ${res.messages} message(s), ${res.bytes} bytes, to ${res.out} (${res.format}).`, res);
    });

  withGlobals(program.command('search <query...>').description('full-text search of the local archive (from:, to:, subject:, body:, class:)'))
    .option('--limit <n>', 'how many hits', '20')
    .action((words: string[], f: { limit: string }, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const hits = searchArchive(ctx.open().db, words.join(' '), { limit: Number(f.limit) || 20 });
      ctx.print(() => hits.length ? table(hits.map((h) => [h.date.slice(0, 19).replace('T', ' '), h.sender.slice(0, 30), h.subject.slice(0, 50), h.snippet.replace(/\s+/g, ' ').slice(0, 60)]),
        ['date (UTC)', 'from', 'subject', 'match']) : 'No matches.', hits);
    });
}
