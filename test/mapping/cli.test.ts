/** The mapping and unmapped commands end to end: `node bin/ferry.js … --json` in a temp data folder. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { fixture, repoRoot } from '../helpers/fixtures';
import { tempDir } from '../helpers/engine';

function ferry(dataDir: string, ...args: string[]): { code: number; json: any; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'ferry.js'), ...args, '--data-dir', dataDir, '--json'], {
    cwd: repoRoot, encoding: 'utf8', env: { ...process.env, FERRY_DATA_DIR: dataDir },
  });
  let json: unknown = null;
  try { json = JSON.parse(r.stdout); } catch { /* not JSON: the assertions on json fail and show stderr */ }
  return { code: r.status ?? -1, json, stderr: r.stderr };
}

const MBOX = fixture('mapping', 'messages.mbox');

describe('ferry mapping', () => {
  it('check reports the rows loaded and every bad row by line, and exits 1 when a row is bad', () => {
    const dir = tempDir();
    const r = ferry(dir, 'mapping', 'check', fixture('mapping', 'excel-uk-utf8-bom.csv'), '--default-region', 'GB');
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ file: 'excel-uk-utf8-bom.csv', loaded: 8, rejected: 5, dateOrder: 'dmy', encoding: 'utf-8' });
    expect(r.json.errors.map((e: { line: number }) => e.line)).toEqual([9, 10, 11, 12, 13]);
    const ok = ferry(dir, 'mapping', 'check', fixture('mapping', 'headerless.csv'));
    expect(ok.code).toBe(0);
    expect(ok.json).toMatchObject({ loaded: 2, rejected: 0, header: false });
    const unusable = ferry(dir, 'mapping', 'check', fixture('mapping', 'no-mailbox-column.csv'));
    expect(unusable.code).toBe(2);
    expect(unusable.stderr).toMatch(/no-mailbox-column\.csv line 1: the header names no mailbox column/);
  });

  it('import stores versions, settings hold the routing defaults, lookup says where an id maps', () => {
    const dir = tempDir();
    const first = ferry(dir, 'mapping', 'import', fixture('mapping', 'excel-fr-semicolon-cp1252.csv'), '--default-region', 'FR');
    expect(first.code).toBe(0);
    expect(first.json).toMatchObject({ version: 1, reused: false, loaded: 7, rejected: 1 });
    expect(ferry(dir, 'mapping', 'import', fixture('mapping', 'excel-fr-semicolon-cp1252.csv'), '--default-region', 'FR').json).toMatchObject({ version: 1, reused: true });
    expect(ferry(dir, 'mapping', 'import', fixture('mapping', 'headerless.csv')).json).toMatchObject({ version: 2, reused: false });
    expect(ferry(dir, 'mapping', 'list').json.map((s: { version: number; rows: number }) => [s.version, s.rows])).toEqual([[2, 2], [1, 7]]);

    const settings = ferry(dir, 'mapping', 'settings', '--org-domain', 'Contoso.com', '--catch-all', 'third-party@contoso.com', '--default-region', 'fr', '--mapping-set', '1');
    expect(settings.json).toEqual({ orgDomains: ['contoso.com'], catchAll: 'third-party@contoso.com', defaultRegion: 'FR', requireSenderMapping: false, mappingSet: 1 });
    expect(ferry(dir, 'mapping', 'settings', '--catch-all', 'not-an-address').stderr).toMatch(/routing\.catchAll: "not-an-address" is not an email address/);

    // Version 1 (the setting), a French national number, the row valid at the date.
    const ravi = ferry(dir, 'mapping', 'lookup', '+91 98765 43210', '--date', '2024-03-01');
    expect(ravi.json).toMatchObject({ key: 'phone:+919876543210', mailbox: 'ravi.patel@contoso.com', via: 'mapping', row: { line: 8 }, mappingVersion: 1 });
    expect(ferry(dir, 'mapping', 'lookup', '+91 98765 43210', '--date', '2024-08-01').json.mailbox).toBe('priya.rao@contoso.com');
    expect(ferry(dir, 'mapping', 'lookup', '06 12 34 56 78').json.mailbox).toBe('chloe.dubois@contoso.com');
    expect(ferry(dir, 'mapping', 'lookup', 'someone@contoso.com').json).toMatchObject({ mailbox: 'someone@contoso.com', via: 'automatic' });
    const none = ferry(dir, 'mapping', 'lookup', '@nobody');
    expect(none.code).toBe(1);
    expect(none.json).toMatchObject({ key: 'handle:nobody', mailbox: null });
  });
});

describe('ferry import with routing, and ferry unmapped', () => {
  it('routes an import, lists the unmapped queue, previews a mapping change and re-imports once', () => {
    const dir = tempDir();
    // No mapping, organisation domain only: two messages among partners map to nobody and stay unassigned.
    const imp = ferry(dir, 'import', 'mbox', MBOX, '--org-domain', 'contoso.com', '--no-progress');
    expect(imp.code).toBe(0);
    expect(imp.json.counts).toEqual({ available: 5, imported: 5, partial: 0, duplicate: 0, failed: 0, unmapped: 2 });

    const q = ferry(dir, 'unmapped');
    expect(q.json.counts).toEqual({ open: 2, resolved: 0 });
    expect(q.json.identities.map((i: { key: string; items: number }) => [i.key, i.items])).toEqual([
      ['email:carl@fabrikam.example', 2], ['email:dora@fabrikam.example', 1], ['email:eve@outside.example', 1],
    ]);
    expect(q.json.identities[0].sample).toMatchObject({ subject: 'Between partners', reason: 'unmapped' });
    const items = ferry(dir, 'unmapped', 'items', 'Carl@Fabrikam.example');
    expect(items.json.identity).toBe('email:carl@fabrikam.example');
    expect(items.json.items.map((i: { subject: string }) => i.subject)).toEqual(['Between partners', 'Contract draft']);

    // What a mapping file would change, without saving it.
    const preview = ferry(dir, 'unmapped', 'preview', '--mapping', fixture('mapping', 'partners.csv'), '--org-domain', 'contoso.com');
    expect(preview.json).toMatchObject({ items: 2, wouldImport: 2, stillUnmapped: 0 });
    expect(preview.json.entries.map((e: { newCopies: string[] }) => e.newCopies)).toEqual([['carl.liaison@contoso.com'], ['carl.liaison@contoso.com']]);
    expect(ferry(dir, 'mapping', 'list').json).toEqual([]);

    const re = ferry(dir, 'unmapped', 'reimport', '--mapping', fixture('mapping', 'partners.csv'), '--org-domain', 'contoso.com', '--no-progress');
    expect(re.code).toBe(0);
    expect(re.json).toMatchObject({ selected: 2, stillUnmapped: 0, mapping: { version: 1, loaded: 1, errors: [{ line: 3 }] } });
    expect(re.json.runs).toHaveLength(1);
    expect(re.json.runs[0]).toMatchObject({ kind: 'unmapped-reimport', status: 'completed', counts: { available: 2, imported: 2, duplicate: 0, failed: 0 } });
    expect(re.json.runs[0].notices).toContain('mapping file ' + fixture('mapping', 'partners.csv') + ': 1 row(s) loaded as mapping set v1; 1 row(s) rejected (lines 3): ferry mapping check ' + fixture('mapping', 'partners.csv'));

    const again = ferry(dir, 'unmapped', 'reimport', '--org-domain', 'contoso.com');
    expect(again.json).toEqual({ runs: [], selected: 0, stillUnmapped: 0, refused: 0 });
    expect(ferry(dir, 'unmapped').json).toEqual({ counts: { open: 0, resolved: 2 }, identities: [] });

    // The pass-through messages kept their Message-ID: no second message, one more mailbox copy each.
    const db = new Database(path.join(dir, 'ferry.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) AS n FROM messages').get()).toEqual({ n: 5 });
      expect(db.prepare(`SELECT m.subject FROM archive_copies c JOIN messages m ON m.id = c.message WHERE c.mailbox = 'carl.liaison@contoso.com' ORDER BY 1`).all())
        .toEqual([{ subject: 'Between partners' }, { subject: 'Contract draft' }]);
      expect(db.prepare(`SELECT COUNT(*) AS n FROM archive_copies WHERE mailbox = 'ann@contoso.com'`).get()).toEqual({ n: 3 });
    } finally {
      db.close();
    }
    const runs = ferry(dir, 'runs').json;
    expect(runs.map((r: { kind: string; options: { mappingVersion: number | null } }) => [r.kind, r.options.mappingVersion])).toEqual([['unmapped-reimport', 1], ['mbox', null]]);
  });

  it('imports with --mapping and a catch-all, and refuses unmapped senders when required', () => {
    const dir = tempDir();
    const imp = ferry(dir, 'import', 'mbox', MBOX, '--mapping', fixture('mapping', 'partners.csv'), '--catch-all', 'third-party@contoso.com', '--no-progress');
    expect(imp.code).toBe(0);
    // Carl maps by the file; without organisation domains Ann does not: 1 (Ann → Paul) and 5 (Dora → Ann) go to the catch-all.
    expect(imp.json.counts).toMatchObject({ available: 5, imported: 5, failed: 0, unmapped: 2 });
    expect(imp.json.mapping).toMatchObject({ version: 1, loaded: 1 });
    expect(imp.json.notices[0]).toMatch(/^mapping file .*partners\.csv: 1 row\(s\) loaded as mapping set v1; 1 row\(s\) rejected \(lines 3\)/);
    expect(ferry(dir, 'unmapped').json.identities.map((i: { key: string }) => i.key)).toEqual(['email:ann@contoso.com', 'email:dora@fabrikam.example', 'email:paul@fabrikam.example']);

    const strict = ferry(dir, 'preview', 'mbox', MBOX, '--require-sender-mapping', '--org-domain', 'contoso.com', '--show', '5', '--no-progress');
    // Preview counts against the archive: Carl's mailbox already has item 2 (duplicate); 1 and 3 would reach Ann.
    expect(strict.json.counts).toMatchObject({ available: 5, imported: 2, duplicate: 1, failed: 2 });
    expect(strict.json.failures.map((f: { reason: string }) => f.reason)).toEqual([
      expect.stringMatching(/refused — the sender eve@outside\.example maps to no mailbox/),
      expect.stringMatching(/refused — the sender dora@fabrikam\.example maps to no mailbox/),
    ]);
    expect(strict.json.messages[2]).toMatchObject({ subject: 'Re: Quarterly numbers', targets: [{ mailbox: 'carl.liaison@contoso.com' }, { mailbox: 'ann@contoso.com' }] });
    const bad = ferry(dir, 'import', 'mbox', MBOX, '--default-region', 'XX');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown region "XX"/);
  });
});
