/**
 * The conformance suite's bookkeeping for one folder of ../shared/fixtures: tests take their samples
 * through `sample()`/`cover()`, and a last test checks that every sample file was taken.
 */
import path from 'node:path';
import { sharedFixture } from './fixtures';
import { filesUnder } from './files';

export interface SharedSamples {
  /** The folder under ../shared/fixtures. */
  root: string;
  /** A sample's path (relative to the folder), counted as covered. */
  sample: (rel: string) => string;
  /** Counts samples as covered that a test reads through their folder. */
  cover: (...rel: string[]) => void;
  /** Every sample file, relative with `/` and sorted; the folder's SOURCES.md aside. */
  files: () => string[];
  /** Sample files no test has covered. */
  uncovered: () => string[];
  /** What the tests have covered, sorted. */
  covered: () => string[];
}

export function sharedSamples(folder: string): SharedSamples {
  const root = sharedFixture(folder);
  const covered = new Set<string>();
  const cover = (...rel: string[]) => { for (const r of rel) covered.add(r); };
  const files = () => filesUnder(root).filter((f) => f !== 'SOURCES.md');
  return {
    root,
    sample: (rel) => { cover(rel); return path.join(root, rel); },
    cover,
    files,
    uncovered: () => files().filter((f) => !covered.has(f)),
    covered: () => [...covered].sort(),
  };
}
