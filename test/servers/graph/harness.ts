/**
 * A loopback Graph server with two registered apps (one signing in with a client secret, one with a
 * certificate) and a way to build Graph destinations pointed at it, for tests and the benchmark.
 */
import { randomUUID } from 'node:crypto';
import { GraphDestination } from '../../../main/engine/destinations/graph/graph-destination';
import type { GraphSettings } from '../../../main/engine/destinations/graph/settings';
import { createKeyPair, createServerTls, type KeyPair, type ServerTls } from '../tls';
import type { RegisteredApp } from './identity';
import { GraphServer, type GraphServerOptions } from './server';

export interface GraphHarness {
  server: GraphServer;
  secretApp: { clientId: string; secret: string };
  certApp: { clientId: string; keys: KeyPair };
  /** Destination settings for the secret app (or the certificate app), pointed at the server. */
  settings(over?: Partial<GraphSettings>, app?: 'secret' | 'certificate'): GraphSettings;
  destination(over?: Partial<GraphSettings>, app?: 'secret' | 'certificate', credential?: string): GraphDestination;
  stop(): Promise<void>;
}

let cachedTls: ServerTls | undefined;
let cachedKeys: KeyPair | undefined;

export async function startGraphHarness(o: Omit<GraphServerOptions, 'apps' | 'tls'> & { apps?: RegisteredApp[] }): Promise<GraphHarness> {
  // Certificates are made once per process: openssl takes about a second.
  cachedTls ??= createServerTls();
  cachedKeys ??= createKeyPair('Ferry test app');
  const secretApp = { clientId: randomUUID(), secret: `secret-${randomUUID()}` };
  const certApp = { clientId: randomUUID(), keys: cachedKeys };
  const server = await GraphServer.start({
    ...o, tls: cachedTls,
    apps: [{ clientId: secretApp.clientId, secret: secretApp.secret }, { clientId: certApp.clientId, certificates: [certApp.keys.cert] }, ...(o.apps ?? [])],
  });
  const settings = (over: Partial<GraphSettings> = {}, app: 'secret' | 'certificate' = 'secret'): GraphSettings => ({
    kind: 'graph', tenantId: server.tenantId, authorityHost: server.authorityHost, graphBaseUrl: server.graphBaseUrl, caCertificate: server.tls.ca,
    ...(app === 'secret' ? { clientId: secretApp.clientId, auth: 'secret' as const } : { clientId: certApp.clientId, auth: 'certificate' as const, certificateThumbprint: certApp.keys.sha1 }),
    ...over,
  });
  return {
    server, secretApp, certApp, settings,
    destination: (over = {}, app = 'secret', credential) => {
      const s = settings(over, app);
      const value = credential ?? (s.auth === 'secret' ? secretApp.secret : certApp.keys.key);
      return new GraphDestination(s, async () => value);
    },
    stop: () => server.stop(),
  };
}
