/**
 * The loopback Graph server in a process of its own, for the benchmark: the client under test and
 * the server then do not share one event loop (where a stall fires the client's timeouts before the
 * server has read the requests), and can use both cores, as a remote service would.
 * The parent talks to it over IPC: statistics, copies held per Message-ID, random faults, stop.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { GraphServerStats } from './server';
import type { Fault } from './faults';
import type { LimitOptions } from './limits';
import { seeded } from '../../helpers/seeded-random';

export interface ServerProcessOptions {
  mailboxes: string[];
  limits?: Partial<LimitOptions>;
  app: { clientId: string; secret: string };
}

type Request =
  | { cmd: 'stats' }
  | { cmd: 'held'; folder: string }
  | { cmd: 'randomFaults'; rate: number; kinds: Fault[]; seed: number }
  | { cmd: 'clearFaults' };

export interface GraphServerProcess {
  origin: string;
  tenantId: string;
  ca: string;
  stats(): Promise<GraphServerStats>;
  /** Per mailbox: Message-ID → copies held in the folder. */
  held(folder: string): Promise<Record<string, Record<string, number>>>;
  randomFaults(rate: number, kinds: Fault[], seed: number): Promise<void>;
  clearFaults(): Promise<void>;
  stop(): Promise<void>;
}

export async function startGraphServerProcess(o: ServerProcessOptions): Promise<GraphServerProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [JSON.stringify(o)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 0;
  const waiting = new Map<number, (v: unknown) => void>();
  const ready = new Promise<{ origin: string; tenantId: string; ca: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the Graph server process exited (${code}) before it was ready`)));
    child.on('message', (m: { id?: number; ready?: { origin: string; tenantId: string; ca: string }; result?: unknown }) => {
      if (m.ready) resolve(m.ready);
      else if (m.id !== undefined) { waiting.get(m.id)?.(m.result); waiting.delete(m.id); }
    });
  });
  const info = await ready;
  const ask = <T>(req: Request) => new Promise<T>((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve as (v: unknown) => void);
    child.send({ id, req });
  });
  return {
    ...info,
    stats: () => ask<GraphServerStats>({ cmd: 'stats' }),
    held: (folder) => ask({ cmd: 'held', folder }),
    randomFaults: (rate, kinds, seed) => ask({ cmd: 'randomFaults', rate, kinds, seed }),
    clearFaults: () => ask({ cmd: 'clearFaults' }),
    stop: () => new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); }),
  };
}

// The child: `node --import tsx server-process.ts '<options JSON>'`.
if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  const { GraphServer } = await import('./server');
  const o = JSON.parse(process.argv[2]!) as ServerProcessOptions;
  const server = await GraphServer.start({ mailboxes: o.mailboxes, ...(o.limits ? { limits: o.limits } : {}), apps: [o.app] });
  process.on('message', (m: { id: number; req: Request }) => {
    const r = m.req;
    let result: unknown = null;
    if (r.cmd === 'stats') result = server.stats();
    else if (r.cmd === 'held') {
      result = Object.fromEntries(o.mailboxes.map((mb) => {
        const counts: Record<string, number> = {};
        for (const x of server.messages(mb, r.folder)) counts[x.internetMessageId] = (counts[x.internetMessageId] ?? 0) + 1;
        return [mb, counts];
      }));
    } else if (r.cmd === 'randomFaults') server.faults.random = { rate: r.rate, kinds: r.kinds, random: seeded(r.seed) };
    else if (r.cmd === 'clearFaults') server.faults.clear();
    process.send!({ id: m.id, result });
  });
  process.on('SIGTERM', () => { void server.stop().then(() => process.exit(0)); });
  process.send({ ready: { origin: server.origin, tenantId: server.tenantId, ca: server.tls.ca } });
}
