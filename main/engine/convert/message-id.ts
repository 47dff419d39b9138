/**
 * Deterministic Message-IDs: derived from (source, source item id) only, so converting the same item
 * again, in any run, on any machine, gives the same id, and every destination can recognise a duplicate.
 */
import { createHash } from 'node:crypto';

export function messageIdFor(source: string, sourceItemId: string): string {
  const hash = createHash('sha256').update(source.toLowerCase()).update('\0').update(sourceItemId).digest('hex');
  const label = source.toLowerCase().replace(/[^a-z0-9-]+/g, '-') || 'source';
  return `<${hash.slice(0, 40)}.${label}@ferry.invalid>`;
}

/** The message class for an item: `IPM.NOTE.<Source>.<Event>` unless the item overrides it. */
export function messageClassFor(source: string, event: string, override?: string): string {
  if (override) return override;
  const part = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '');
  return `IPM.NOTE.${part(source)}.${part(event)}`;
}
