/** `ferry secret` against the real Secret Service that npm test starts. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/fixtures';
import { KeychainSecretStore } from '../../main/engine/secrets/secret-store';

const ferry = (args: string[], input?: string) => spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'ferry.js'), ...args], { input, encoding: 'utf8', cwd: repoRoot });

describe('ferry secret', () => {
  it('stores a secret from standard input without ever printing it, reports status, deletes it', () => {
    const entry = `test:${process.pid}:${Date.now()}`;
    const set = ferry(['secret', 'set', entry], 'p@ss wörd\n');
    expect(set.status).toBe(0);
    expect(set.stdout + set.stderr).not.toContain('p@ss');
    return new KeychainSecretStore().get(entry).then((v) => {
      expect(v).toBe('p@ss wörd');
      const st = ferry(['secret', 'status', entry, '--json']);
      expect(JSON.parse(st.stdout)).toEqual({ entry, set: true });
      expect(st.stdout).not.toContain('p@ss');
      expect(ferry(['secret', 'delete', entry]).stdout).toContain(`Deleted "${entry}"`);
      expect(JSON.parse(ferry(['secret', 'status', entry, '--json']).stdout)).toEqual({ entry, set: false });
      const empty = ferry(['secret', 'set', entry], '');
      expect(empty.status).toBe(2);
      expect(empty.stderr).toBe('ferry: no secret on standard input\n');
    });
  }, 60_000);
});
