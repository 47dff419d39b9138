/**
 * The folder per source in each mailbox when the connector or the run names none: what the source
 * declares for these settings (a custom source's `sourceName`), else `<Platform> Archive`.
 */
import type { Source, SourceSettings } from './types';

export function defaultFolder(source: Source, settings: SourceSettings): string {
  return source.defaultFolder?.(settings) ?? `${source.spec.platform} Archive`;
}
