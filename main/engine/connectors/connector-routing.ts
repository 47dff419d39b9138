/**
 * How a connector routes: with its own mapping set (the newest version saved for it) when it has one,
 * otherwise the organisation-wide one; domains, catch-all, phone region and require-sender-mapping
 * come from the app-wide settings.
 */
import type { Engine } from '../engine';
import type { RoutingRequest } from '../mapping/service';
import type { RoutingConfig } from '../mapping/router';
import type { Connector } from './connector-store';

export function routingRequestFor(engine: Engine, c: Pick<Connector, 'id'> | null): RoutingRequest {
  const own = c ? engine.mapping.sets.latest(c.id) : undefined;
  return { mappingSet: own ? own.version : 'latest' };
}

export function routingConfigFor(engine: Engine, c: Pick<Connector, 'id'> | null, destinationKind: string): RoutingConfig {
  return engine.mapping.routingConfig(routingRequestFor(engine, c), destinationKind);
}

/** Mailboxes a connector delivers to as far as Ferry can know before a run: its mapping's and the catch-all. */
export function knownMailboxes(engine: Engine, c: Pick<Connector, 'id'> | null, limit = 50): string[] {
  const cfg = routingConfigFor(engine, c, 'archive');
  const out = new Set<string>();
  if (cfg.catchAll) out.add(cfg.catchAll.toLowerCase());
  if (cfg.mappingSet !== null) for (const r of engine.mapping.sets.rows(cfg.mappingSet)) { if (out.size >= limit) break; out.add(r.mailbox.toLowerCase()); }
  return [...out];
}
