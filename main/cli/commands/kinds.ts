/** `ferry kinds`: the source kinds and their settings. */
import type { Command } from 'commander';
import { CliContext, withGlobals } from '../context';
import { allSources } from '../../engine/sources/registry';

export function registerKinds(program: Command): void {
  withGlobals(program.command('kinds').description('the source kinds Ferry can import, with their settings'))
    .action((_f: unknown, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const specs = allSources().map((s) => s.spec);
      ctx.print(() => specs.map((s) => [`${s.kind} — ${s.title}: ${s.description}`,
        ...s.settings.map((x) => `    --set ${x.key}=…  ${x.label}${x.default !== undefined ? ` (default ${String(x.default)})` : ''}${x.help ? `: ${x.help}` : ''}`)].join('\n')).join('\n'), specs);
    });
}
