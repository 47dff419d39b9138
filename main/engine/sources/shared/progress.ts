/**
 * Progress measured in bytes, for sources that stream files of an export tree: the fraction of the
 * files' bytes read so far goes to `ctx.progress`, never past 1. A source that reads each file twice
 * (a scan, then the read) counts `passes: 2`.
 */
import type { ReadContext } from '../types';
import type { ExportTree } from './export-tree';

/** Returns `onBytes`, to be called with each chunk's length as it is read. */
export function byteProgress(tree: ExportTree, entries: readonly string[], ctx: Pick<ReadContext, 'progress'>, passes = 1): (n: number) => void {
  const total = entries.reduce((t, e) => t + (tree.get(e)?.size ?? 0), 0) * passes || 1;
  let done = 0;
  return (n) => { done += n; ctx.progress?.(Math.min(1, done / total)); };
}
