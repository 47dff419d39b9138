/**
 * The partner schema's mandatory properties: FROM, TO, DATE and MESSAGECLASS (which must begin with
 * IPM.NOTE). An item missing one is not imported; the reason names the item and the property.
 */
import { type Item, describeOrigin } from './item';
import { messageClassFor } from './convert/message-id';

export function validateItem(item: Item): string | null {
  const missing: string[] = [];
  if (!item.from || !item.from.id.trim()) missing.push('FROM');
  // A message copied or blind-copied to someone (and to nobody directly) still has recipients.
  const recipients = [...item.to, ...(item.cc ?? []), ...(item.bcc ?? [])];
  if (recipients.every((t) => !t.id.trim())) missing.push('TO');
  if (!item.date) missing.push('DATE');
  const where = `item ${item.id || '(no id)'} (${describeOrigin(item.origin)})`;
  if (missing.length) return `${where}: missing mandatory ${missing.length > 1 ? 'properties' : 'property'} ${missing.join(', ')}`;
  if (Number.isNaN(item.date!.getTime())) return `${where}: DATE is not a valid date`;
  const cls = messageClassFor(item.source, item.event, item.messageClass);
  if (!item.source || !item.event) return `${where}: missing mandatory property MESSAGECLASS (no source or event)`;
  if (!/^IPM\.NOTE(\.|$)/i.test(cls)) return `${where}: MESSAGECLASS ${cls} does not begin with IPM.NOTE`;
  return null;
}
