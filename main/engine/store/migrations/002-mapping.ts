import type { Migration } from './index';

/**
 * Mapping and routing: app-wide settings, versioned mapping sets, the routing each run used, and
 * the unmapped queue (items that mapped to nobody, kept so they can be imported again offline).
 */
export const migration002: Migration = {
  version: 2,
  name: 'mapping',
  up(db) {
    db.exec(`
      CREATE TABLE app_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,          -- JSON, validated by the typed accessor
        updated_at TEXT NOT NULL
      );

      -- One row per version: every import of a mapping file makes a new one; runs record which they used.
      CREATE TABLE mapping_sets (
        id INTEGER PRIMARY KEY,       -- the version
        connector_id INTEGER REFERENCES connectors(id) ON DELETE CASCADE,  -- NULL: app-wide
        label TEXT NOT NULL,
        file_name TEXT,
        content_hash TEXT NOT NULL,
        row_count INTEGER NOT NULL,
        rejected TEXT NOT NULL DEFAULT '[]',   -- the file's bad rows (line, reason), for the record
        settings TEXT NOT NULL DEFAULT '{}',   -- how it was read: default region, date order
        created_at TEXT NOT NULL
      );
      CREATE INDEX mapping_sets_by_connector ON mapping_sets(connector_id, id);

      CREATE TABLE mapping_rows (
        set_id INTEGER NOT NULL REFERENCES mapping_sets(id) ON DELETE CASCADE,
        line INTEGER NOT NULL,
        external_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        aliases TEXT NOT NULL DEFAULT '[]',
        mailbox TEXT NOT NULL,
        valid_from TEXT,
        valid_to TEXT,
        PRIMARY KEY (set_id, line)
      ) WITHOUT ROWID;

      -- How a run routed (mapping set, domains, catch-all...), so a resume routes the same way.
      ALTER TABLE runs ADD COLUMN routing TEXT;

      -- The unmapped queue: one row per item and destination; what a re-import needs without the export.
      CREATE TABLE unmapped_items (
        id INTEGER PRIMARY KEY,
        destination TEXT NOT NULL,             -- ledger key
        destination_config TEXT NOT NULL,      -- JSON, never secrets
        message_id TEXT NOT NULL,
        -- 64 bits of sha256(destination, message_id): the lookup key. A text index on random Message-IDs
        -- costs more than the queue's own rows during a bulk import (measured); an integer one is nearly free.
        msg_hash INTEGER NOT NULL,
        kind TEXT NOT NULL,                    -- source kind of the run that queued it
        source TEXT NOT NULL,
        source_item_id TEXT NOT NULL,
        folder TEXT NOT NULL,
        subject TEXT,
        item_date TEXT,
        reason TEXT NOT NULL CHECK (reason IN ('unmapped', 'refused')),
        detail TEXT,
        item TEXT NOT NULL,                    -- the item's fields as JSON (attachments as names and sizes; no body when the archive holds the message)
        identities TEXT NOT NULL DEFAULT '[]', -- JSON: the identities that failed to map (key, kind, platform, id, name, sender)
        mime BLOB,                             -- the converted message; NULL when the local archive holds it
        pass_through INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
        run_id INTEGER NOT NULL,               -- the run that queued it
        seq INTEGER NOT NULL,
        last_run_id INTEGER NOT NULL,
        resolved_run_id INTEGER,
        resolved_at TEXT,
        queued_at TEXT NOT NULL
      );
      CREATE INDEX unmapped_items_by_hash ON unmapped_items(msg_hash);
      CREATE INDEX unmapped_items_by_status ON unmapped_items(status, id);

      -- Which queued items each unmapped identity appears in: one B-tree, in key order (listing, filtering by identity).
      CREATE TABLE unmapped_identities (
        key TEXT NOT NULL,                     -- phone:+44…, email:…, handle:<platform>:…, user-id:<platform>:…
        item INTEGER NOT NULL,                 -- unmapped_items.id (kept in step by the queue, which never deletes items)
        kind TEXT NOT NULL,
        platform TEXT NOT NULL,
        id TEXT NOT NULL,                      -- as the source wrote it
        name TEXT,
        PRIMARY KEY (key, item)
      ) WITHOUT ROWID;

      -- A re-import's fixed list of queue items, so the run replays the same records on resume.
      CREATE TABLE reimport_batches (
        id INTEGER PRIMARY KEY,
        destination TEXT NOT NULL,
        filter TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
      );
      CREATE TABLE reimport_batch_items (
        batch INTEGER NOT NULL REFERENCES reimport_batches(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        item INTEGER NOT NULL REFERENCES unmapped_items(id) ON DELETE CASCADE,
        PRIMARY KEY (batch, seq)
      ) WITHOUT ROWID;
    `);
  },
};
