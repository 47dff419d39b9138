import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../main/engine/store/db';
import { repoRoot } from '../helpers/fixtures';
import { tempDir } from '../helpers/engine';

const CHILD = path.join(repoRoot, 'test', 'helpers', 'crash-child.ts');

/** Runs the child; kills it with SIGKILL once it has reported `killAfter` items (or lets it finish). */
function runChild(dataDir: string, count: number, killAfter?: number): Promise<{ killed: boolean; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, String(count)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const last = [...out.matchAll(/done (\d+)/g)].pop();
      if (killAfter !== undefined && last && Number(last[1]) >= killAfter && !child.killed) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ killed: true, out });
      else if (code === 0) resolve({ killed: false, out });
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

describe('crash safety', () => {
  it('a process killed with kill -9 at any moment and started again archives every item exactly once', async () => {
    const dir = tempDir();
    const count = 3000;
    const kills = [400, 1100, 1900, 2600];
    let killedTimes = 0;
    for (const at of kills) if ((await runChild(dir, count, at)).killed) killedTimes++;
    const final = await runChild(dir, count);
    expect(killedTimes).toBeGreaterThanOrEqual(3);
    const m = /REPORT (\{.*\}) (\d+) (\w+)/.exec(final.out);
    expect(m).not.toBeNull();
    const counts = JSON.parse(m![1]!);
    const bad = Math.floor(count / 97);
    // One run, resumed after each kill: every record counted once, nothing duplicated.
    expect(m![3]).toBe('completed');
    expect(counts).toEqual({ available: count, imported: count - bad, partial: 0, duplicate: 0, failed: bad, unmapped: 0 });

    const db = openStore(dir);
    const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    expect(one('SELECT COUNT(*) AS n FROM runs')).toBe(1);
    expect(one('SELECT COUNT(*) AS n FROM messages')).toBe(count - bad);
    expect(one('SELECT COUNT(DISTINCT message_id) AS n FROM messages')).toBe(count - bad);
    expect(one('SELECT COUNT(*) AS n FROM messages_fts')).toBe(count - bad);
    expect(one('SELECT COUNT(*) AS n FROM run_items')).toBe(count);
    expect(one("SELECT COUNT(*) AS n FROM deliveries WHERE state = 'delivered'")).toBe(count - bad);
    expect((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check).toBe('ok');
    db.close();
  }, 120_000);
});
