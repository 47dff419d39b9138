/**
 * The delivery ledger: which message reached which mailbox of which destination. A message is
 * delivered to a mailbox at most once, ever; a 'pending' row marks a remote send whose outcome is
 * not yet known, so a crash leaves a trace that the next run verifies before sending again.
 */
import type { Db } from './db';
import { nowIso } from './db';
import type { Delivered } from '../destinations/types';

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
  private readonly upsertPending;
  private readonly upsertDelivered;
  private readonly remove;

  constructor(private readonly db: Db) {
    this.stateOf = db.prepare<[string, string, string], { state: 'pending' | 'delivered'; remote_id: string | null; run_id: number; seq: number }>(
      'SELECT state, remote_id, run_id, seq FROM deliveries WHERE destination = ? AND mailbox = ? AND message_id = ?');
    this.upsertPending = db.prepare(`INSERT INTO deliveries (destination, mailbox, message_id, folder, state, run_id, seq, at)
      VALUES (?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT DO NOTHING`);
    this.upsertDelivered = db.prepare(`INSERT INTO deliveries (destination, mailbox, message_id, folder, state, remote_id, correlation_id, run_id, seq, at)
      VALUES (?, ?, ?, ?, 'delivered', ?, ?, ?, ?, ?)
      ON CONFLICT (destination, mailbox, message_id) DO UPDATE SET state = 'delivered', remote_id = excluded.remote_id,
        correlation_id = excluded.correlation_id,
        folder = excluded.folder, run_id = excluded.run_id, seq = excluded.seq, at = excluded.at`);
    this.remove = db.prepare(`DELETE FROM deliveries WHERE destination = ? AND mailbox = ? AND message_id = ? AND state = 'pending'`);
  }

  state(k: LedgerKey): { state: 'pending' | 'delivered'; remoteId: string | null; runId: number; seq: number } | undefined {
    const r = this.stateOf.get(k.destination, k.mailbox, k.messageId);
    return r && { state: r.state, remoteId: r.remote_id, runId: r.run_id, seq: r.seq };
  }

  isDelivered(k: LedgerKey): boolean {
    return this.state(k)?.state === 'delivered';
  }

  markPending(k: LedgerKey, folder: string, runId: number, seq: number): void {
    this.upsertPending.run(k.destination, k.mailbox, k.messageId, folder, runId, seq, nowIso());
  }

  markDelivered(k: LedgerKey, folder: string, d: Delivered, runId: number, seq: number): void {
    this.upsertDelivered.run(k.destination, k.mailbox, k.messageId, folder, d.remoteId ?? null, d.correlationId ?? null, runId, seq, nowIso());
  }

  /** A send that certainly did not store anything (refused before or by the server) clears its mark. */
  clearPending(k: LedgerKey): void {
    this.remove.run(k.destination, k.mailbox, k.messageId);
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
