/**
 * Builds a destination from its saved configuration (never holding secrets: those come from the
 * secret store when the destination signs in).
 */
import type { Db } from '../store/db';
import { configError } from '../errors';
import type { Destination } from './types';
import { ArchiveDestination } from './archive/archive-destination';
import { ImapDestination, type ImapSettings } from './imap/imap-destination';
import { KeychainSecretStore, type SecretStore } from '../secrets/secret-store';
import { createEwsDestination } from './ews';
import { createGraphDestination, keychainCredential, resolveGraphSettings } from './graph';

export type DestinationConfig = { kind: 'archive' } | ({ kind: string } & Record<string, unknown>);

export interface DestinationContext {
  db: Db;
  /** Where destinations read their credentials (default: the OS keychain). */
  secrets?: SecretStore;
}

type Factory = (config: DestinationConfig, ctx: DestinationContext) => Destination;

const factories = new Map<string, Factory>([
  ['archive', (_c, ctx) => new ArchiveDestination(ctx.db)],
  ['imap', (c, ctx) => new ImapDestination(c as unknown as ImapSettings, ctx.secrets ?? new KeychainSecretStore())],
  ['graph', (c, ctx) => {
    const settings = resolveGraphSettings(c);
    return createGraphDestination(c, keychainCredential(ctx.secrets ?? new KeychainSecretStore(), settings));
  }],
  ['ews', (c, ctx) => createEwsDestination(c, ctx.secrets ?? new KeychainSecretStore())],
]);

export function destinationKinds(): string[] {
  return [...factories.keys()];
}

export function createDestination(config: DestinationConfig, ctx: DestinationContext): Destination {
  const f = factories.get(config.kind);
  if (!f) throw configError(`unknown destination "${config.kind}"; known: ${destinationKinds().join(', ')}`);
  return f(config, ctx);
}
