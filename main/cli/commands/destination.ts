/** `ferry destination test`: sign in, check permissions and target mailboxes, in an admin's words. */
import type { Command } from 'commander';
import { CliContext, withGlobals } from '../context';
import { addDestinationFlags, destinationFromFlags, type DestFlags } from '../dest-options';
import { table } from '../format';
import { configError } from '../../engine/errors';
import { testDestination } from '../../engine/destinations/test-connection';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerDestination(program: Command): void {
  const dest = program.command('destination').description('destinations: check that Ferry can deliver');
  addDestinationFlags(withGlobals(dest.command('test').description('sign in and check each target mailbox')))
    .option('--mailbox <address>', 'a mailbox to check (repeatable)', collect)
    .action(async (f: DestFlags & { mailbox?: string[] }, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const config = destinationFromFlags(f) ?? { kind: 'archive' };
      if (config.kind !== 'archive' && !f.mailbox?.length) throw configError('name at least one --mailbox to check');
      const engine = ctx.open();
      const checks = await testDestination(config, { db: engine.db, secrets: engine.secrets }, f.mailbox ?? []);
      ctx.print(() => table(checks.map((c) => [c.ok ? 'ok' : 'FAIL', c.check, c.message]), ['', 'check', 'result']), { destination: config.kind, ok: checks.every((c) => c.ok), checks });
      if (!checks.every((c) => c.ok)) process.exitCode = 1;
    });
}
