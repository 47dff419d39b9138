import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateFieldMap } from '../../main/engine/sources/custom-csv';
import { getSource } from '../../main/engine/sources/registry';
import { defaultFolder } from '../../main/engine/sources/default-folder';
import { openStore, type Db } from '../../main/engine/store/db';
import { executeRun } from '../../main/engine/runs/run';
import { previewMessages } from '../../main/engine/runs/preview';
import { ArchiveDestination } from '../../main/engine/destinations/archive/archive-destination';
import { tempDir } from '../helpers/engine';

const dbs: Db[] = [];
const dirs: string[] = [];
afterEach(() => {
  while (dbs.length) dbs.pop()!.close();
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

const CSV_MAP = {
  source: 'Symphony', event: 'Message',
  from: { column: 'From', kind: 'email' }, to: { column: 'To', kind: 'email' },
  date: { column: 'Sent', format: 'iso', timeZone: 'UTC' }, body: { column: 'Text' },
};
const XML_MAP = {
  source: 'Vault', event: 'Chat',
  from: { path: 'From', kind: 'email' }, to: { path: 'To', kind: 'email' },
  date: { path: '@sent', format: 'iso', timeZone: 'UTC' }, body: { path: 'Text' },
};

function csvExport(): string {
  const dir = tempDir('ferry-custom-name-');
  dirs.push(dir);
  const file = path.join(dir, 'chat.csv');
  fs.writeFileSync(file, 'From,To,Sent,Text\nann@contoso.com,bob@contoso.com,2024-03-01T10:00:00Z,hello\nbob@contoso.com,ann@contoso.com,2024-03-01T10:01:00Z,hi\n');
  return file;
}

function xmlExport(): string {
  const dir = tempDir('ferry-custom-name-');
  dirs.push(dir);
  const file = path.join(dir, 'chat.xml');
  fs.writeFileSync(file, '<Export><Message sent="2024-03-01T10:00:00Z"><From>ann@contoso.com</From><To>bob@contoso.com</To><Text>hello</Text></Message></Export>');
  return file;
}

describe('a custom source\'s declared name', () => {
  it('is validated as a folder name, with a reason naming sourceName', () => {
    expect(validateFieldMap({ ...CSV_MAP, sourceName: '  Bloomberg Vault ' }, { kind: 'csv' }).fieldMap?.sourceName).toBe('Bloomberg Vault');
    expect(validateFieldMap({ ...CSV_MAP }, { kind: 'csv' }).fieldMap?.sourceName).toBeUndefined();
    const problems = (v: unknown) => validateFieldMap({ ...CSV_MAP, sourceName: v }, { kind: 'csv' }).problems;
    expect(problems('   ')).toEqual([expect.stringMatching(/^sourceName: is empty/)]);
    expect(problems('Vault/Chats')).toEqual([expect.stringMatching(/^sourceName: must not contain \//)]);
    expect(problems('Vault\\Chats')).toHaveLength(1);
    expect(problems('Vault\nChats')).toHaveLength(1);
    expect(problems('x'.repeat(65))).toEqual([expect.stringMatching(/^sourceName: is longer than 64/)]);
    expect(problems(42)).toEqual([expect.stringMatching(/^sourceName: must be text/)]);
    expect(problems('Symphony — 東京')).toEqual([]);
    // A value of the wrong type is named as such, not as missing.
    expect(validateFieldMap({ ...CSV_MAP, bodyIsHtml: 'yes' }, { kind: 'csv' }).problems).toEqual(['bodyIsHtml: must be true or false']);
  });

  it('is the default folder of custom CSV and XML, else "Custom Archive"; other sources keep "<Platform> Archive"', () => {
    const csv = getSource('custom-csv');
    const xml = getSource('custom-xml');
    expect(defaultFolder(csv, { path: 'x.csv', fieldMap: { ...CSV_MAP, sourceName: 'Symphony' } })).toBe('Symphony');
    // The setting as the connector stores it: JSON text.
    expect(defaultFolder(xml, { path: 'x.xml', recordPath: 'Export/Message', fieldMap: JSON.stringify({ ...XML_MAP, sourceName: 'Bloomberg Vault' }) })).toBe('Bloomberg Vault');
    expect(defaultFolder(csv, { path: 'x.csv', fieldMap: CSV_MAP })).toBe('Custom Archive');
    expect(defaultFolder(csv, { path: 'x.csv' })).toBe('Custom Archive');
    // An invalid mapping names no folder (the run itself then fails on the mapping).
    expect(defaultFolder(csv, { path: 'x.csv', fieldMap: { ...CSV_MAP, sourceName: 'a/b' } })).toBe('Custom Archive');
    expect(defaultFolder(getSource('telegram-export'), { path: 'x' })).toBe('Telegram Archive');
  });

  it('a run with no folder files every copy in the declared name\'s folder', async () => {
    const dir = tempDir('ferry-custom-name-db-');
    dirs.push(dir);
    const db = openStore(dir);
    dbs.push(db);
    const settings = { path: csvExport(), fieldMap: JSON.stringify({ ...CSV_MAP, sourceName: 'Symphony' }) };
    const r = await executeRun(db, { kind: 'custom-csv', source: getSource('custom-csv'), settings, mode: 'import', destination: new ArchiveDestination(db) });
    expect(r.counts).toMatchObject({ available: 2, imported: 2, failed: 0 });
    const folders = db.prepare('SELECT folder, COUNT(*) AS n FROM archive_copies GROUP BY folder').all();
    expect(folders).toEqual([{ folder: 'Symphony', n: 2 }]);

    // A folder named by the run wins over the declared name.
    const dir2 = tempDir('ferry-custom-name-db-');
    dirs.push(dir2);
    const db2 = openStore(dir2);
    dbs.push(db2);
    await executeRun(db2, { kind: 'custom-csv', source: getSource('custom-csv'), settings, mode: 'import', destination: new ArchiveDestination(db2), folder: 'Chats' });
    expect(db2.prepare('SELECT DISTINCT folder FROM archive_copies').all()).toEqual([{ folder: 'Chats' }]);
  });

  it('a preview shows the declared name as each copy\'s folder', async () => {
    const settings = { path: xmlExport(), recordPath: 'Export/Message', fieldMap: { ...XML_MAP, sourceName: 'Bloomberg Vault' } };
    const entries = [];
    for await (const e of previewMessages(getSource('custom-xml'), settings)) entries.push(e);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.targets?.map((t) => t.folder)).toEqual(['Bloomberg Vault']);
  });
});
