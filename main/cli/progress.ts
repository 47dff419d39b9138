/** A progress bar on stderr when it is a terminal (cli-progress); silent otherwise. */
import cliProgress from 'cli-progress';
import type { RunProgress } from '../engine/runs/run';
import { formatDuration } from './format';

export function progressReporter(enabled: boolean): { update: (p: RunProgress) => void; stop: () => void } {
  if (!enabled || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: '{bar} {percentage}% | {done} items | {rate}/s | left {eta_text} | imported {imported} dup {duplicate} failed {failed}',
    hideCursor: true, clearOnComplete: false,
  }, cliProgress.Presets.shades_classic);
  bar.start(1000, 0, { done: 0, rate: 0, eta_text: '…', imported: 0, duplicate: 0, failed: 0 });
  return {
    update(p) {
      bar.update(Math.round((p.fraction ?? 0) * 1000), {
        done: p.done, rate: Math.round(p.rate), eta_text: p.etaMs !== undefined ? formatDuration(Math.round(p.etaMs)) : '…',
        imported: p.counts.imported + p.counts.partial, duplicate: p.counts.duplicate, failed: p.counts.failed,
      });
    },
    stop() { bar.stop(); },
  };
}
