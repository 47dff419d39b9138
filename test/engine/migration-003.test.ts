import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../main/engine/store/migrations';
import { Ledger } from '../../main/engine/store/ledger';
import { ledgerKeyHash } from '../../main/engine/store/ledger-key';

describe('migration 003: the delivery ledger keyed by hash', () => {
  it('keeps every ledger row, adds its key hash, and the ledger reads and updates them', () => {
    const db = new Database(':memory:');
    migrate(db, 2);
    const insert = db.prepare(`INSERT INTO deliveries (destination, mailbox, message_id, folder, state, remote_id, correlation_id, run_id, seq, at)
      VALUES (?, ?, ?, 'Inbox', ?, ?, NULL, 1, ?, '2026-01-01T00:00:00.000Z')`);
    insert.run('archive', '', '<a@ferry.invalid>', 'delivered', 'archive:1', 0);
    insert.run('graph:contoso', 'ann@contoso.com', '<a@ferry.invalid>', 'pending', null, 0);
    insert.run('graph:contoso', 'bob@contoso.com', '<b@ferry.invalid>', 'delivered', 'AAMk-b', 1);
    expect(migrate(db)).toBe(3);

    const rows = db.prepare('SELECT key_hash, destination, mailbox, message_id, state, remote_id, seq FROM deliveries ORDER BY id').safeIntegers(true).all() as
      { key_hash: bigint; destination: string; mailbox: string; message_id: string; state: string; remote_id: string | null; seq: bigint }[];
    expect(rows.map((r) => [r.destination, r.mailbox, r.message_id, r.state, r.remote_id])).toEqual([
      ['archive', '', '<a@ferry.invalid>', 'delivered', 'archive:1'],
      ['graph:contoso', 'ann@contoso.com', '<a@ferry.invalid>', 'pending', null],
      ['graph:contoso', 'bob@contoso.com', '<b@ferry.invalid>', 'delivered', 'AAMk-b'],
    ]);
    for (const r of rows) expect(r.key_hash).toBe(ledgerKeyHash(r.destination, r.mailbox, r.message_id));

    const ledger = new Ledger(db);
    expect(ledger.isDelivered({ destination: 'archive', mailbox: '', messageId: '<a@ferry.invalid>' })).toBe(true);
    expect(ledger.isDelivered({ destination: 'archive', mailbox: 'x', messageId: '<a@ferry.invalid>' })).toBe(false);
    expect(ledger.pending('graph:contoso').map((p) => p.mailbox)).toEqual(['ann@contoso.com']);
    // The pending send is confirmed: the same row becomes delivered, no second row.
    const ann = { destination: 'graph:contoso', mailbox: 'ann@contoso.com', messageId: '<a@ferry.invalid>' };
    ledger.markPending(ann, 'Inbox', 2, 5);
    ledger.markDelivered(ann, 'Inbox', { remoteId: 'AAMk-a' }, 2, 5);
    expect(db.prepare('SELECT COUNT(*) AS n FROM deliveries WHERE mailbox = ?').get('ann@contoso.com')).toEqual({ n: 1 });
    expect(ledger.state(ann)).toEqual({ state: 'delivered', remoteId: 'AAMk-a', runId: 2, seq: 5 });
    expect(ledger.pending('graph:contoso')).toEqual([]);
  });

  it('looks deliveries up through the hash index, never by scanning the table', () => {
    const db = new Database(':memory:');
    migrate(db);
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
    expect(plan(`SELECT state FROM deliveries WHERE key_hash = 1 AND destination = 'a' AND mailbox = 'b' AND message_id = 'c'`)).toMatch(/USING INDEX deliveries_by_key/);
    expect(plan(`SELECT mailbox FROM deliveries WHERE destination = 'a' AND state = 'pending'`)).toMatch(/USING INDEX deliveries_pending/);
    expect(plan('SELECT mailbox FROM deliveries WHERE run_id = 1 AND seq = 2')).toMatch(/USING INDEX deliveries_by_run/);
  });

  it('tells keys apart however they are split between destination, mailbox and Message-ID', () => {
    expect(ledgerKeyHash('a', 'b', 'c')).not.toBe(ledgerKeyHash('a', 'bc', ''));
    expect(ledgerKeyHash('a', 'b', 'c')).toBe(ledgerKeyHash('a', 'b', 'c'));
  });
});
