/**
 * What the HTTPS destinations (Graph, EWS) do alike around their connection: it is made on first
 * use, so opening never fails and a run always records its outcome (a sign-in problem then fails
 * the first delivery, with its reason), and closing closes its connection pool.
 */
import type { Dispatcher } from 'undici';
import { FerryError } from '../../errors';
import type { DeliveryTarget } from '../types';

export class LazyConnection<C extends { dispatcher: Dispatcher }> {
  private conn?: C;

  constructor(private readonly make: () => C) {}

  get(): C {
    this.conn ??= this.make();
    return this.conn;
  }

  async close(): Promise<void> {
    const c = this.conn;
    this.conn = undefined;
    if (c) await c.dispatcher.close();
  }
}

/** The target's mailbox: a destination of mailboxes cannot take an item that was routed to none. */
export function targetMailbox(target: DeliveryTarget, service: string): string {
  if (!target.mailbox) {
    throw new FerryError('config', `${service} needs a mailbox for every item: set up mapping (or a catch-all mailbox) so that items are routed to mailboxes`);
  }
  return target.mailbox;
}
