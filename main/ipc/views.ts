/** Engine records → the contract's reply shapes. */
import type { ActiveRunView, ConnectorView, RunSummary } from '../../preload/contract';
import type { Engine } from '../engine/engine';
import type { RunRow } from '../engine/store/runs';
import type { SecretStore } from '../engine/secrets/secret-store';
import { getSource } from '../engine/sources/registry';
import type { Connector } from '../engine/connectors/connector-store';
import { destinationForm } from '../engine/connectors/destination-forms';
import { credentialEntries, credentialStatus } from '../engine/connectors/credentials';
import { stopReasonOf } from '../engine/connectors/run-stop';
import { importedToday } from '../engine/connectors/daily-cap';
import { nextRunAt } from '../engine/connectors/schedule';
import { knownMailboxes } from '../engine/connectors/connector-routing';

const REIMPORT_KIND = 'unmapped-reimport';

export function runSummary(engine: Engine, r: RunRow, connectorNames: ReadonlyMap<number, string>): RunSummary {
  const stopReason = stopReasonOf(engine.db, r.id, r);
  return {
    id: r.id, connectorId: r.connectorId, connectorName: r.connectorId !== null ? connectorNames.get(r.connectorId) ?? null : null,
    kind: r.kind, input: r.input, mode: r.mode, destination: r.destination, status: r.status, startedAt: r.startedAt, finishedAt: r.finishedAt,
    error: r.error, counts: engine.runs.counts(r.id), stopReason, deferred: stopReason === 'daily-cap', reimport: r.kind === REIMPORT_KIND,
  };
}

export function connectorNames(connectors: Connector[]): Map<number, string> {
  return new Map(connectors.map((c) => [c.id, c.name]));
}

function sourceTitle(kind: string): string {
  try {
    return getSource(kind).spec.title;
  } catch {
    return `${kind} (not available in this version)`;
  }
}

function destinationLabel(c: Connector): string {
  try {
    return destinationForm(c.destination.kind).label(c.destination.settings);
  } catch {
    return `${c.destination.kind} (not available in this version)`;
  }
}

export async function connectorView(engine: Engine, secrets: SecretStore, c: Connector, active: ActiveRunView | undefined, now: Date): Promise<ConnectorView> {
  const names = new Map([[c.id, c.name]]);
  const last = engine.runs.list({ connectorId: c.id, limit: 20 }).find((r) => r.mode === 'import');
  const lastRun = last ? runSummary(engine, last, names) : null;
  const processedToday = importedToday(engine.db, c.id, now);
  const next = nextRunAt(c, { lastImportStartedAt: last?.startedAt ?? null, capReached: processedToday >= c.dailyCap }, now);
  let status: ConnectorView['status'];
  if (active) status = 'running';
  else if (!lastRun) status = 'idle';
  else if (lastRun.deferred) status = 'deferred';
  else if (lastRun.status === 'completed') status = 'ok';
  else if (lastRun.status === 'running') status = 'interrupted';
  else status = lastRun.status;
  let slots: ConnectorView['secrets'] = [];
  try {
    slots = await credentialStatus(secrets, credentialEntries({ id: c.id, kind: c.kind, destination: c.destination }, knownMailboxes(engine, c)));
  } catch {
    // A kind this version no longer has, or a locked keychain: the list still shows the connector.
  }
  return {
    id: c.id, name: c.name, kind: c.kind, sourceTitle: sourceTitle(c.kind), source: c.source, destination: c.destination,
    destinationLabel: destinationLabel(c), folder: c.folder, maxItemMb: c.maxItemMb, oversize: c.oversize, schedule: c.schedule,
    dailyCap: c.dailyCap, createdAt: c.createdAt, updatedAt: c.updatedAt, status, lastRun, nextRunAt: next ? next.toISOString() : null,
    processedToday, secrets: slots,
  };
}
