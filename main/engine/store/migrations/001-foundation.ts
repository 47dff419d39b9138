import type { Migration } from './index';

/** Connectors, runs, per-item outcomes, the delivery ledger and the local archive with its full-text index. */
export const migration001: Migration = {
  version: 1,
  name: 'foundation',
  up(db) {
    db.exec(`
      CREATE TABLE connectors (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        -- source settings as JSON; secrets never (they live in the OS keychain)
        settings TEXT NOT NULL DEFAULT '{}',
        destination TEXT NOT NULL DEFAULT '{"kind":"archive"}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        connector_id INTEGER REFERENCES connectors(id) ON DELETE SET NULL,
        kind TEXT NOT NULL,
        input TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('import', 'preview')),
        destination TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'cancelled', 'interrupted', 'failed')),
        options TEXT NOT NULL DEFAULT '{}',
        started_at TEXT NOT NULL,
        finished_at TEXT,
        error TEXT,
        pid INTEGER
      );
      CREATE INDEX runs_by_connector ON runs(connector_id, id);

      -- One row per source record, in source order: exactly one outcome each.
      CREATE TABLE run_items (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        item_id TEXT,
        message_id TEXT,
        origin TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('imported', 'partial', 'duplicate', 'failed')),
        reason TEXT,
        subject TEXT,
        item_date TEXT,
        unmapped INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      CREATE INDEX run_items_by_status ON run_items(run_id, status);

      -- The delivery ledger: a message reaches a mailbox of a destination at most once, ever.
      -- 'pending' is written before a remote send, so a crash leaves a trace to verify on resume.
      CREATE TABLE deliveries (
        destination TEXT NOT NULL,
        mailbox TEXT NOT NULL,
        message_id TEXT NOT NULL,
        folder TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'delivered')),
        remote_id TEXT,
        correlation_id TEXT,
        run_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (destination, mailbox, message_id)
      ) WITHOUT ROWID;
      CREATE INDEX deliveries_by_run ON deliveries(run_id, seq);

      CREATE TABLE run_notices (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        message TEXT NOT NULL
      );
      CREATE INDEX run_notices_by_run ON run_notices(run_id);

      -- The local archive: each message's MIME once, and one row per mailbox copy.
      CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        message_id TEXT NOT NULL UNIQUE,
        message_class TEXT NOT NULL,
        sender TEXT NOT NULL,
        recipients TEXT NOT NULL,
        subject TEXT NOT NULL,
        date TEXT NOT NULL,
        size INTEGER NOT NULL,
        attachments TEXT NOT NULL DEFAULT '[]',
        mime BLOB NOT NULL,
        archived_at TEXT NOT NULL
      );
      CREATE INDEX messages_by_date ON messages(date);

      CREATE TABLE archive_copies (
        message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        mailbox TEXT NOT NULL,
        folder TEXT NOT NULL,
        PRIMARY KEY (message, mailbox)
      ) WITHOUT ROWID;
      CREATE INDEX archive_copies_by_mailbox ON archive_copies(mailbox, folder);

      CREATE VIRTUAL TABLE messages_fts USING fts5(
        sender, recipients, subject, body, message_class,
        tokenize = 'unicode61 remove_diacritics 2'
      );
    `);
  },
};
