/**
 * The delivery ledger: which message reached which mailbox of which destination. A message is
 * delivered to a mailbox at most once, ever; a 'pending' row marks a remote send whose outcome is
 * not yet known, so a crash leaves a trace that the next run verifies before sending again.
 */
import type { Db } from './db';
import { nowIso } from './db';
import type { Delivered } from '../destinations/types';
import { ledgerKeyHash } from './ledger-key';

const keyHash = (k: LedgerKey) => ledgerKeyHash(k.destination, k.mailbox, k.messageId);

export interface LedgerKey {
  destination: string;
  mailbox: string;
  messageId: string;
}

export interface PendingDelivery extends LedgerKey {
  folder: string;
  runId: number;
  seq: number;
}

export class Ledger {
  private readonly stateOf;
  private readonly insertPending;
  private readonly markAsDelivered;
  private readonly insertDelivered;
  private readonly remove;

  constructor(private readonly db: Db) {
    // Every lookup goes by the hash index and confirms the text key (migration 003).
    const KEY = 'key_hash = ? AND destination = ? AND mailbox = ? AND message_id = ?';
    this.stateOf = db.prepare<[bigint, string, string, string], { state: 'pending' | 'delivered'; remote_id: string | null; run_id: number; seq: number }>(
      `SELECT state, remote_id, run_id, seq FROM deliveries WHERE ${KEY}`);
    this.insertPending = db.prepare(`INSERT INTO deliveries (key_hash, destination, mailbox, message_id, folder, state, run_id, seq, at)
      SELECT @h, @destination, @mailbox, @messageId, @folder, 'pending', @runId, @seq, @at WHERE NOT EXISTS
        (SELECT 1 FROM deliveries WHERE key_hash = @h AND destination = @destination AND mailbox = @mailbox AND message_id = @messageId)`);
    this.markAsDelivered = db.prepare(`UPDATE deliveries SET state = 'delivered', remote_id = ?, correlation_id = ?, folder = ?, run_id = ?, seq = ?, at = ?
      WHERE ${KEY}`);
    this.insertDelivered = db.prepare(`INSERT INTO deliveries (key_hash, destination, mailbox, message_id, folder, state, remote_id, correlation_id, run_id, seq, at)
      VALUES (?, ?, ?, ?, ?, 'delivered', ?, ?, ?, ?, ?)`);
    this.remove = db.prepare(`DELETE FROM deliveries WHERE ${KEY} AND state = 'pending'`);
  }

  state(k: LedgerKey): { state: 'pending' | 'delivered'; remoteId: string | null; runId: number; seq: number } | undefined {
    const r = this.stateOf.get(keyHash(k), k.destination, k.mailbox, k.messageId);
    return r && { state: r.state, remoteId: r.remote_id, runId: r.run_id, seq: r.seq };
  }

  isDelivered(k: LedgerKey): boolean {
    return this.state(k)?.state === 'delivered';
  }

  markPending(k: LedgerKey, folder: string, runId: number, seq: number): void {
    this.insertPending.run({ h: keyHash(k), destination: k.destination, mailbox: k.mailbox, messageId: k.messageId, folder, runId, seq, at: nowIso() });
  }

  /**
   * Records a delivery: the pending row (or an earlier one) becomes delivered, or a new row is added.
   * Looks first: an UPDATE that finds nothing costs ~10× the lookup inside a bulk transaction (measured).
   */
  markDelivered(k: LedgerKey, folder: string, d: Delivered, runId: number, seq: number): void {
    const h = keyHash(k);
    const at = nowIso();
    if (this.stateOf.get(h, k.destination, k.mailbox, k.messageId)) {
      this.markAsDelivered.run(d.remoteId ?? null, d.correlationId ?? null, folder, runId, seq, at, h, k.destination, k.mailbox, k.messageId);
    } else {
      this.insertDelivered.run(h, k.destination, k.mailbox, k.messageId, folder, d.remoteId ?? null, d.correlationId ?? null, runId, seq, at);
    }
  }

  /** A send that certainly did not store anything (refused before or by the server) clears its mark. */
  clearPending(k: LedgerKey): void {
    this.remove.run(keyHash(k), k.destination, k.mailbox, k.messageId);
  }

  pending(destination: string): PendingDelivery[] {
    return this.db.prepare<[string], { mailbox: string; message_id: string; folder: string; run_id: number; seq: number }>(
      `SELECT mailbox, message_id, folder, run_id, seq FROM deliveries WHERE destination = ? AND state = 'pending'`).all(destination)
      .map((r) => ({ destination, mailbox: r.mailbox, messageId: r.message_id, folder: r.folder, runId: r.run_id, seq: r.seq }));
  }

  /** Deliveries recorded for one item of a run (its mailbox copies and their destination ids). */
  forItem(runId: number, seq: number): { destination: string; mailbox: string; folder: string; state: string; remoteId: string | null; correlationId: string | null }[] {
    return this.db.prepare<[number, number], { destination: string; mailbox: string; folder: string; state: string; remote_id: string | null; correlation_id: string | null }>(
      'SELECT destination, mailbox, folder, state, remote_id, correlation_id FROM deliveries WHERE run_id = ? AND seq = ?').all(runId, seq)
      .map((r) => ({ destination: r.destination, mailbox: r.mailbox, folder: r.folder, state: r.state, remoteId: r.remote_id, correlationId: r.correlation_id }));
  }
}
