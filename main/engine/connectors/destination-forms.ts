/**
 * What the connector wizard shows for each destination kind: a title, the settings form (the same
 * `SettingSpec`s sources declare), the OS-keychain entries the destination signs in with, and a
 * "Test connection" check. Only kinds the destination registry knows are offered. Add a kind here
 * when its destination lands in `destinations/`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SettingSpec } from '../sources/types';
import { destinationKinds } from '../destinations/registry';
import type { SecretStore } from '../secrets/secret-store';
import { configError, errorMessage } from '../errors';
import type { SettingValues } from './setting-values';

export interface ConnectionCheck {
  check: string;
  ok: boolean;
  message: string;
}

export interface CredentialSlot {
  key: string;
  label: string;
  /** The keychain entry's name. */
  ref: string;
}

export interface DestinationTestContext {
  dataDir: string;
  secrets: SecretStore;
  /** Mailboxes the connector is known to write to (catch-all, mapped mailboxes), for per-mailbox checks. */
  mailboxes: string[];
}

export interface DestinationForm {
  kind: string;
  title: string;
  description: string;
  settings: SettingSpec[];
  /** Keychain entries for these settings (never their values). */
  credentials(settings: SettingValues, connectorId: number | null): CredentialSlot[];
  /** Readable name of a configured destination: `Local archive`, `IMAP mail.contoso.com`. */
  label(settings: SettingValues): string;
  test?(settings: SettingValues, ctx: DestinationTestContext): Promise<ConnectionCheck[]>;
}

const archive: DestinationForm = {
  kind: 'archive',
  title: 'Local archive',
  description: "Ferry's own archive on this computer: searchable, exportable as EML or MBOX, no server needed.",
  settings: [],
  credentials: () => [],
  label: () => 'Local archive',
  async test(_settings, ctx) {
    const probe = path.join(ctx.dataDir, `.write-test-${process.pid}`);
    try {
      fs.mkdirSync(ctx.dataDir, { recursive: true });
      fs.writeFileSync(probe, 'ok');
      fs.rmSync(probe);
      return [{ check: 'archive', ok: true, message: `the data folder ${ctx.dataDir} is writable` }];
    } catch (err) {
      return [{ check: 'archive', ok: false, message: `the data folder ${ctx.dataDir} is not writable (${errorMessage(err)})` }];
    }
  },
};

const FORMS: DestinationForm[] = [archive];

/** The forms of the destination kinds this build can deliver to. */
export function destinationForms(): DestinationForm[] {
  const known = new Set(destinationKinds());
  return FORMS.filter((f) => known.has(f.kind));
}

export function destinationForm(kind: string): DestinationForm {
  const f = destinationForms().find((x) => x.kind === kind);
  if (!f) throw configError(`unknown destination "${kind}"; known: ${destinationForms().map((x) => x.kind).join(', ')}`);
  return f;
}
