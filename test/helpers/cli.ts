/** Runs the real `ferry` command (bin/ferry.js) in a child process, as an admin's shell would. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './fixtures';

const run = promisify(execFile);

export interface CliResult { code: number; out: string; err: string }

/** Never throws for a non-zero exit: the exit code and both outputs come back for the test to check. */
export async function ferryCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  try {
    const r = await run(process.execPath, [path.join(repoRoot, 'bin', 'ferry.js'), ...args], { cwd: repoRoot, env });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}
