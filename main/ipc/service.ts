/**
 * The engine side of the app, in one object: the engine for a data folder, connectors, runs and the
 * scheduler, and the handler registry. The Electron engine host creates one in its utility process;
 * the browser tests create one in the test process and bridge `window.ferry` to `invoke`.
 */
import type { FerryEvent, Result } from '../../preload/contract';
import { Engine } from '../engine/engine';
import type { SecretStore } from '../engine/secrets/secret-store';
import { ConnectorStore } from '../engine/connectors/connector-store';
import { type Handlers, dispatch } from './dispatch';
import { createHandlers } from './handlers';
import type { Host } from './host';
import { RunManager } from './run-manager';
import { mappingHandlers } from './mapping-handlers';
import { ReimportRunner } from './reimport-runner';

export interface ServiceOptions {
  dataDir: string;
  secrets: SecretStore;
  host: Host;
  emit: (e: FerryEvent) => void;
  now?: () => Date;
  /** How often the scheduler looks for due connectors; null: no scheduler (tests, the command line). */
  scheduleEveryMs?: number | null;
}

export class FerryService {
  readonly engine: Engine;
  readonly connectors: ConnectorStore;
  readonly runs: RunManager;
  readonly reimports: ReimportRunner;
  readonly handlers: Handlers;

  private constructor(o: ServiceOptions) {
    const now = o.now ?? (() => new Date());
    this.engine = Engine.open(o.dataDir, o.secrets);
    this.connectors = new ConnectorStore(this.engine.db);
    this.runs = new RunManager({ engine: this.engine, connectors: this.connectors, emit: o.emit, now });
    this.reimports = new ReimportRunner({ emit: o.emit, now });
    this.handlers = createHandlers({
      engine: this.engine, connectors: this.connectors, secrets: o.secrets, host: o.host, runs: this.runs, emit: o.emit, now,
      mapping: mappingHandlers({ engine: this.engine, connectors: this.connectors, emit: o.emit, reimports: this.reimports }),
      reimports: this.reimports,
    });
    if (o.scheduleEveryMs !== null) this.runs.startScheduler(o.scheduleEveryMs ?? 60_000);
  }

  static open(o: ServiceOptions): FerryService {
    return new FerryService(o);
  }

  invoke(channel: unknown, payload: unknown): Promise<Result<unknown>> {
    return dispatch(this.handlers, channel, payload);
  }

  async close(): Promise<void> {
    await Promise.all([this.runs.shutdown(), this.reimports.shutdown()]);
    this.engine.close();
  }
}
