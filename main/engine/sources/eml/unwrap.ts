/**
 * What surrounds a message in an .eml file but is not part of it: a UTF-8 byte order mark (some
 * Windows tools write one) and an mbox `From ` envelope line (files saved out of an mbox keep it).
 * A header line begins `From:`, or `From :` in the obsolete syntax, which is told apart here.
 */
import { UTF8_BOM } from '../mail/tree-files';

export function unwrapEml(raw: Buffer): { message: Buffer; envelope?: string } {
  let message = raw.subarray(0, 3).equals(UTF8_BOM) ? raw.subarray(3) : raw;
  if (!/^From (?![ \t]*:)/.test(message.subarray(0, 100).toString('latin1'))) return { message };
  const nl = message.indexOf(0x0a);
  const envelope = (nl < 0 ? message : message.subarray(0, nl)).toString('latin1').replace(/\r$/, '');
  message = nl < 0 ? message.subarray(message.length) : message.subarray(nl + 1);
  return { message, envelope };
}
