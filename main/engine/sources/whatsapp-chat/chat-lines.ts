/**
 * Lines → messages: a line that starts with a timestamp opens a message, every other line (blank
 * ones included) continues it. Lines before the first message are gathered into one "preamble"
 * record per run of lines, so the source can report them with their line numbers.
 */
import { type StampLine, matchStamp } from './timestamp';

export interface RawMessage {
  kind: 'message';
  /** 1-based line number of the message's first line. */
  line: number;
  stamp: StampLine;
  /** Continuation lines, when collected (the first pass does not keep them). */
  more: string[];
  /** The message outgrew MAX_MESSAGE_CHARS: its text was not kept. */
  oversize: boolean;
}

export interface Preamble {
  kind: 'preamble';
  from: number;
  to: number;
  sample: string;
}

/** A message this long is not a chat message but a file whose message lines were not recognised. */
export const MAX_MESSAGE_CHARS = 4 * 1024 * 1024;

export async function* groupMessages(lines: AsyncIterable<string>, keepText: boolean): AsyncGenerator<RawMessage | Preamble> {
  let current: RawMessage | undefined;
  let size = 0;
  let pre: Preamble | undefined;
  let n = 0;
  for await (const line of lines) {
    n++;
    const stamp = matchStamp(line);
    if (stamp) {
      if (pre) { yield pre; pre = undefined; }
      if (current) yield current;
      current = { kind: 'message', line: n, stamp, more: [], oversize: false };
      size = line.length;
      continue;
    }
    if (current) {
      if (!keepText || current.oversize) continue;
      size += line.length + 1;
      if (size > MAX_MESSAGE_CHARS) { current.oversize = true; current.more = []; continue; }
      current.more.push(line);
      continue;
    }
    if (!line.trim() && !pre) continue; // blank lines before anything are harmless
    if (!pre) pre = { kind: 'preamble', from: n, to: n, sample: excerpt(line) };
    else pre.to = n;
  }
  if (pre) yield pre;
  if (current) yield current;
}

export function excerpt(s: string, max = 80): string {
  const t = s.trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
