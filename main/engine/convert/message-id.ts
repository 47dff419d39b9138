/**
 * Deterministic Message-IDs: derived from (source, source item id) only, so converting the same item
 * again, in any run, on any machine, gives the same id, and every destination can recognise a duplicate.
 */
import { digestHex } from './digest';

/** Per source name: its lower-case form and Message-ID label (a run has one or two sources). Bounded. */
const labels = new Map<string, [string, string]>();

export function messageIdFor(source: string, sourceItemId: string): string {
  let l = labels.get(source);
  if (!l) {
    if (labels.size >= 1000) labels.clear();
    const lower = source.toLowerCase();
    l = [lower, lower.replace(/[^a-z0-9-]+/g, '-') || 'source'];
    labels.set(source, l);
  }
  const hash = digestHex('sha256', `${l[0]}\u0000${sourceItemId}`);
  return `<${hash.slice(0, 40)}.${l[1]}@ferry.invalid>`;
}

const classes = new Map<string, string>();

/** The message class for an item: `IPM.NOTE.<Source>.<Event>` unless the item overrides it. */
export function messageClassFor(source: string, event: string, override?: string): string {
  if (override) return override;
  const k = `${source}\u0000${event}`;
  let c = classes.get(k);
  if (c === undefined) {
    if (classes.size >= 1000) classes.clear();
    const part = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '');
    c = `IPM.NOTE.${part(source)}.${part(event)}`;
    classes.set(k, c);
  }
  return c;
}
