/**
 * Destination flags shared by `import`, `preview` and `destination test`:
 * `--dest archive|graph|ews|imap` and `--dest-set key=value` (settings only; secrets come from the
 * OS keychain — see `ferry secret set`).
 */
import type { Command } from 'commander';
import { configError } from '../engine/errors';
import { type DestinationConfig, destinationKinds } from '../engine/destinations/registry';

export interface DestFlags {
  dest?: string;
  destSet?: string[];
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function addDestinationFlags(cmd: Command): Command {
  return cmd
    .option('--dest <kind>', 'destination: archive (default), graph, ews or imap')
    .option('--dest-set <key=value>', 'a destination setting (repeatable), e.g. host=imap.contoso.com', collect);
}

/** Values typed loosely: integers and booleans become numbers and booleans; lists stay JSON. */
function typed(raw: string): unknown {
  if (/^-?\d+$/.test(raw)) return Number(raw);
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^[[{]/.test(raw)) {
    try { return JSON.parse(raw); } catch { /* a plain string after all */ }
  }
  return raw;
}

export function destinationFromFlags(f: DestFlags): DestinationConfig | undefined {
  if (!f.dest && !f.destSet?.length) return undefined;
  const kind = f.dest ?? 'archive';
  if (!destinationKinds().includes(kind)) throw configError(`--dest must be one of ${destinationKinds().join(', ')}, got "${kind}"`);
  const config: Record<string, unknown> = { kind };
  for (const pair of f.destSet ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw configError(`--dest-set expects key=value, got "${pair}"`);
    const key = pair.slice(0, eq);
    if (/secret|password|token|privatekey/i.test(key)) {
      throw configError(`--dest-set ${key}: secrets are never passed on the command line; store them in the OS keychain with \`ferry secret set\``);
    }
    config[key] = typed(pair.slice(eq + 1));
  }
  return config as DestinationConfig;
}
