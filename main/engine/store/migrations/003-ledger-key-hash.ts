import type { Migration } from './index';
import { ledgerKeyHash } from '../ledger-key';

/**
 * The delivery ledger keyed by a 64-bit hash instead of its text key. The text primary key
 * (destination, mailbox, Message-ID) put every row at a random place in the table, so a bulk import
 * rewrote most of the table's pages in every batch (measured: most of the bytes a million-item import
 * wrote). Rows now append in delivery order; the lookup index holds 8-byte hashes, and every lookup
 * confirms the text columns, so a hash collision can never make one message pass for another.
 * A message still reaches a mailbox at most once: the Ledger checks before it inserts, on the one
 * connection that writes.
 */
export const migration003: Migration = {
  version: 3,
  name: 'ledger-key-hash',
  up(db) {
    db.function('ferry_ledger_key', { deterministic: true }, (destination, mailbox, messageId) =>
      ledgerKeyHash(String(destination), String(mailbox), String(messageId)));
    db.exec(`
      CREATE TABLE deliveries_v3 (
        id INTEGER PRIMARY KEY,
        key_hash INTEGER NOT NULL,             -- ledgerKeyHash(destination, mailbox, message_id)
        destination TEXT NOT NULL,
        mailbox TEXT NOT NULL,
        message_id TEXT NOT NULL,
        folder TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'delivered')),
        remote_id TEXT,
        correlation_id TEXT,
        run_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        at TEXT NOT NULL
      );
      INSERT INTO deliveries_v3 (key_hash, destination, mailbox, message_id, folder, state, remote_id, correlation_id, run_id, seq, at)
        SELECT ferry_ledger_key(destination, mailbox, message_id), destination, mailbox, message_id, folder, state, remote_id,
          correlation_id, run_id, seq, at FROM deliveries ORDER BY run_id, seq;
      DROP TABLE deliveries;
      ALTER TABLE deliveries_v3 RENAME TO deliveries;
      CREATE INDEX deliveries_by_key ON deliveries(key_hash);
      CREATE INDEX deliveries_by_run ON deliveries(run_id, seq);
      -- Sends a crash left uncertain, verified before a remote run sends anything: few rows, found without a scan.
      CREATE INDEX deliveries_pending ON deliveries(destination) WHERE state = 'pending';
    `);
  },
};
