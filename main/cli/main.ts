/**
 * The `ferry` command line. Every verb takes --data-dir and --json. A run that completes exits 0
 * even with failed items; bad arguments or unreadable input print one line and exit non-zero.
 */
import { Command, CommanderError } from 'commander';
import { registerImport } from './commands/import';
import { registerRuns } from './commands/runs';
import { registerArchive } from './commands/archive';
import { registerKinds } from './commands/kinds';
import { registerDemo } from './commands/demo';
import { registerDestination } from './commands/destination';
import { registerMapping } from './commands/mapping';
import { registerUnmapped } from './commands/unmapped';
import { registerSecret } from './commands/secret';
import { registerConnector } from './commands/connector';
import { FerryError } from '../engine/errors';

export function buildProgram(): Command {
  const program = new Command('ferry')
    .description('Ferry: archive third-party communications into mailboxes as email messages')
    .version('0.1.0')
    .showHelpAfterError('(ferry --help lists the commands)')
    .exitOverride();
  registerImport(program);
  registerRuns(program);
  registerArchive(program);
  registerKinds(program);
  registerDemo(program);
  registerDestination(program);
  registerMapping(program);
  registerUnmapped(program);
  registerSecret(program);
  registerConnector(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`ferry: ${message}\n`);
    if (process.env.FERRY_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return err instanceof FerryError && err.errorClass === 'config' ? 2 : 1;
  }
}

process.exitCode = await main(process.argv);
