/**
 * The delivery ledger's lookup key: 64 bits of SHA-256 over (destination, mailbox, Message-ID).
 * Stored in every ledger row (migration 003), so it must never change.
 */
import { digestBytes } from '../convert/digest';

export function ledgerKeyHash(destination: string, mailbox: string, messageId: string): bigint {
  return digestBytes('sha256', `${destination}\u0000${mailbox}\u0000${messageId}`).readBigInt64BE(0);
}
