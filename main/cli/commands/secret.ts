/**
 * `ferry secret set|delete|status <entry>`: credentials go to the OS keychain only. `set` reads the
 * value from standard input (never from an argument, which would land in shell history and process
 * lists) and never prints it.
 */
import type { Command } from 'commander';
import { CliContext, withGlobals } from '../context';
import { configError } from '../../engine/errors';
import { KeychainSecretStore } from '../../engine/secrets/secret-store';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Secret (input is not shown; end with Enter, then Ctrl-D): ');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  // One trailing newline is how the value was ended, not part of it.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function registerSecret(program: Command): void {
  const secret = program.command('secret').description('credentials in the OS keychain (set, delete, status); values are never shown');
  withGlobals(secret.command('set <entry>').description('store a secret read from standard input, e.g. imap:mail.contoso.com:ann@contoso.com'))
    .action(async (entry: string, _f: unknown, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const value = await readStdin();
      if (!value) throw configError('no secret on standard input');
      await new KeychainSecretStore().set(entry, value);
      ctx.print(`Stored "${entry}" in the OS keychain.`, { entry, stored: true });
    });
  withGlobals(secret.command('delete <entry>').description('remove a secret from the OS keychain'))
    .action(async (entry: string, _f: unknown, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const deleted = await new KeychainSecretStore().delete(entry);
      ctx.print(deleted ? `Deleted "${entry}".` : `"${entry}" was not set.`, { entry, deleted });
    });
  withGlobals(secret.command('status <entry>').description('whether a secret is set (its value is never shown)'))
    .action(async (entry: string, _f: unknown, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const set = await new KeychainSecretStore().has(entry);
      ctx.print(`"${entry}" is ${set ? 'set' : 'not set'}.`, { entry, set });
    });
}
