/**
 * Routing decides, for one item, the address written for each participant and the mailboxes that
 * receive a copy. The mapping issue supplies a router that knows the CSV mapping, the organisation's
 * domains and the catch-all mailbox; without one, every item goes to the destination unassigned.
 */
import type { Identity, Item } from '../item';
import type { AddressResolver } from '../convert/addresses';
import { defaultResolver } from '../convert/addresses';
import type { DeliveryTarget } from '../destinations/types';

export interface Route {
  resolve: AddressResolver;
  /** One per mailbox, each mailbox once. */
  targets: DeliveryTarget[];
  /** Participants that mapped to no mailbox. */
  unmappedIdentities: Identity[];
  /** No participant mapped: the item is kept in the unmapped queue (and goes to the catch-all, if set). */
  unmapped: boolean;
  /** Set when the item must not be imported (the sender does not map and the connector requires it). */
  refusal?: string;
}

export interface Router {
  /** The mapping set version used, recorded with the run. */
  readonly mappingVersion: number | null;
  route(item: Item, folder: string): Route;
}

/** No mapping: one unassigned copy per item. Only the local archive accepts an unassigned mailbox. */
export const unassignedRouter: Router = {
  mappingVersion: null,
  route: (_item, folder) => ({ resolve: defaultResolver, targets: [{ mailbox: '', folder }], unmappedIdentities: [], unmapped: false }),
};
