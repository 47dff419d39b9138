/**
 * The first pass over a chat file: counts messages, gathers the senders (every participant who
 * wrote) and the date-order evidence. Message texts are not kept: memory is the participant list
 * plus a few counters per layout.
 */
import { DateOrderEvidence } from './date-order';
import type { ChatFile } from './chat-files';
import { groupMessages } from './chat-lines';
import { splitAuthor } from './sender';
import { readLines } from './text-lines';

export interface ChatScan {
  /** Lines that open a message (system lines included). */
  messages: number;
  systemLines: number;
  /** Lines before the first message that are not message lines. */
  preambleLines: number;
  /** Sender labels in the order they first wrote. */
  senders: string[];
  evidence: DateOrderEvidence;
}

export async function scanChat(chat: ChatFile, onBytes?: (n: number) => void): Promise<ChatScan> {
  const scan: ChatScan = { messages: 0, systemLines: 0, preambleLines: 0, senders: [], evidence: new DateOrderEvidence() };
  const seen = new Set<string>();
  const stream = await chat.tree.open(chat.path);
  for await (const g of groupMessages(readLines(stream, onBytes), false)) {
    if (g.kind === 'preamble') {
      scan.preambleLines += g.to - g.from + 1;
      continue;
    }
    scan.messages++;
    scan.evidence.observe(g.stamp, g.line);
    const author = splitAuthor(g.stamp.rest);
    if (author.system) scan.systemLines++;
    else if (author.sender && !seen.has(author.sender)) {
      seen.add(author.sender);
      scan.senders.push(author.sender);
    }
  }
  return scan;
}
