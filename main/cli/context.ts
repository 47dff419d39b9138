/** What every command shares: global options, the engine for the data folder, and output helpers. */
import type { Command } from 'commander';
import { Engine } from '../engine/engine';
import { resolveDataDir } from '../ipc/data-location';

export interface GlobalOptions {
  dataDir?: string;
  json?: boolean;
}

export class CliContext {
  private engine?: Engine;

  constructor(readonly options: GlobalOptions) {}

  static of(cmd: Command): CliContext {
    return new CliContext(cmd.optsWithGlobals<GlobalOptions>());
  }

  get json(): boolean {
    return this.options.json === true;
  }

  /** --data-dir, else the folder the desktop app uses (it may have been moved in Settings). */
  get dataDir(): string {
    return resolveDataDir(this.options.dataDir);
  }

  open(): Engine {
    this.engine ??= Engine.open(this.dataDir);
    return this.engine;
  }

  close(): void {
    this.engine?.close();
    this.engine = undefined;
  }

  /** Machine-readable output with --json, otherwise the human text. */
  print(human: string | (() => string), data: unknown): void {
    if (this.json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    else process.stdout.write(`${typeof human === 'function' ? human() : human}\n`);
  }
}

/** Adds the options every verb takes. */
export function withGlobals(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', "Ferry data folder (default: the desktop app's, wherever it was moved in Settings)")
    .option('--json', 'machine-readable output');
}
