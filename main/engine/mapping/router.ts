/**
 * The mapping router: for every participant of an item (FROM and each TO), the custom mapping first
 * (by the item's date), then the participant's own address when it is in one of the organisation's
 * domains. One copy per mapped mailbox (each mailbox once, however often the person appears). An item
 * that maps to nobody goes to the catch-all mailbox when one is set; either way it is flagged unmapped
 * so the run keeps it in the unmapped queue.
 */
import type { Identity, Item } from '../item';
import { describeOrigin } from '../item';
import type { DeliveryTarget } from '../destinations/types';
import { type MailAddress, looksLikeEmail, ownAddress } from '../convert/addresses';
import type { Route, Router } from '../routing/types';
import { type Region, lookupKeys, queueKey } from './identity';
import type { MappingRow, MappingTable } from './mapping-table';

/** What a run routed with; recorded with the run so a resume routes the same way. */
export interface RoutingConfig {
  /** Mapping set version, or null for none. */
  mappingSet: number | null;
  orgDomains: string[];
  catchAll: string | null;
  defaultRegion: string | null;
  requireSenderMapping: boolean;
  /** The local archive keeps an item that maps to nobody (and has no catch-all), unassigned. */
  keepUnassigned: boolean;
}

export interface RouterOptions extends Omit<RoutingConfig, 'mappingSet' | 'defaultRegion'> {
  mapping: MappingTable | null;
  mappingVersion: number | null;
  defaultRegion: Region | null;
  /** Folder for copies in the catch-all mailbox (default Inbox). */
  catchAllFolder?: string;
}

export interface IdentityMatch {
  mailbox: string;
  /** `mapping`: a row of the mapping set; `automatic`: the person's own address in an organisation domain. */
  via: 'mapping' | 'automatic';
  row?: MappingRow;
}

export class MappingRouter implements Router {
  readonly mappingVersion: number | null;
  private readonly domains: Set<string>;

  constructor(readonly options: RouterOptions) {
    this.mappingVersion = options.mappingVersion;
    this.domains = new Set(options.orgDomains.map((d) => d.toLowerCase()));
  }

  /** Where one identity maps at a date, or null. */
  match(identity: Identity, at: Date | undefined): IdentityMatch | null {
    const row = this.options.mapping?.lookup(lookupKeys(identity, this.options.defaultRegion), at);
    if (row) return { mailbox: row.mailbox, via: 'mapping', row: row.row };
    const own = identity.email && looksLikeEmail(identity.email) ? identity.email.trim()
      : identity.kind === 'email' && looksLikeEmail(identity.id) ? identity.id.trim() : undefined;
    if (own && this.domains.has(own.slice(own.lastIndexOf('@') + 1).toLowerCase())) return { mailbox: own, via: 'automatic' };
    return null;
  }

  route(item: Item, folder: string): Route {
    const participants = [...(item.from ? [item.from] : []), ...item.to, ...(item.cc ?? []), ...(item.bcc ?? [])];
    const matches = new Map<Identity, IdentityMatch | null>();
    for (const p of participants) matches.set(p, this.match(p, item.date));

    const targets: DeliveryTarget[] = [];
    const seenBoxes = new Set<string>();
    const unmappedIdentities: Identity[] = [];
    const seenKeys = new Set<string>();
    for (const p of participants) {
      const m = matches.get(p)!;
      if (m) {
        const k = m.mailbox.toLowerCase();
        if (!seenBoxes.has(k)) { seenBoxes.add(k); targets.push({ mailbox: m.mailbox, folder }); }
      } else {
        const k = queueKey(p, this.options.defaultRegion);
        if (!seenKeys.has(k)) { seenKeys.add(k); unmappedIdentities.push(p); }
      }
    }

    const resolve = (identity: Identity): MailAddress => {
      const m = matches.has(identity) ? matches.get(identity)! : this.match(identity, item.date);
      const own = ownAddress(identity);
      return m ? { name: own.name, address: m.mailbox } : own;
    };

    const unmapped = targets.length === 0;
    if (unmapped) {
      if (this.options.catchAll) targets.push({ mailbox: this.options.catchAll, folder: this.options.catchAllFolder ?? 'Inbox' });
      else if (this.options.keepUnassigned) targets.push({ mailbox: '', folder });
    }
    const route: Route = { resolve, targets, unmappedIdentities, unmapped };
    if (this.options.requireSenderMapping && item.from && !matches.get(item.from)) {
      route.refusal = `item ${item.id} (${describeOrigin(item.origin)}): refused — the sender ${item.from.id} maps to no mailbox, and this connector requires the sender to have one; kept in the unmapped queue`;
    }
    return route;
  }
}
