/**
 * "Test connection" for every destination kind, as a list of checks an admin can read: the desktop
 * app's Test button and `ferry destination test` both call this.
 */
import fs from 'node:fs';
import type { DestinationConfig, DestinationContext } from './registry';
import { KeychainSecretStore } from '../secrets/secret-store';
import { testImapConnection, type ImapSettings } from './imap/imap-destination';
import { configError } from '../errors';
import { testEwsConnection } from './ews';
import { keychainCredential, resolveGraphSettings, testGraphConnection } from './graph';

export interface ConnectionCheck {
  check: string;
  ok: boolean;
  message: string;
}

type Tester = (config: DestinationConfig, ctx: DestinationContext, mailboxes: string[]) => Promise<ConnectionCheck[]>;

const testers = new Map<string, Tester>([
  ['archive', async (_c, ctx) => {
    const file = ctx.db.name;
    try {
      fs.accessSync(file, fs.constants.W_OK);
      return [{ check: 'local archive', ok: true, message: `the archive at ${file} is writable` }];
    } catch (err) {
      return [{ check: 'local archive', ok: false, message: `the archive at ${file} is not writable (${(err as Error).message})` }];
    }
  }],
  ['imap', (c, ctx, mailboxes) => testImapConnection(c as unknown as ImapSettings, ctx.secrets ?? new KeychainSecretStore(), mailboxes)],
  ['graph', async (c, ctx, mailboxes) => {
    let settings;
    try {
      settings = resolveGraphSettings(c);
    } catch (err) {
      return [{ check: 'settings', ok: false, message: (err as Error).message }];
    }
    return testGraphConnection(c, keychainCredential(ctx.secrets ?? new KeychainSecretStore(), settings), mailboxes);
  }],
  ['ews', (c, ctx, mailboxes) => testEwsConnection(c, ctx.secrets ?? new KeychainSecretStore(), mailboxes)],
]);

export async function testDestination(config: DestinationConfig, ctx: DestinationContext, mailboxes: string[]): Promise<ConnectionCheck[]> {
  const t = testers.get(config.kind);
  if (!t) throw configError(`no connection test for destination "${config.kind}"`);
  return t(config, ctx, mailboxes);
}
