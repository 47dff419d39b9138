import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import yazl from 'yazl';
import { describe, expect, it } from 'vitest';
import { openExportTree } from '../../main/engine/sources/shared/export-tree';
import { streamJson } from '../../main/engine/sources/shared/json-stream';
import { tempDir } from '../helpers/engine';
import { Readable } from 'node:stream';

async function makeZip(file: string, entries: Record<string, string>, compress = false): Promise<void> {
  const z = new yazl.ZipFile();
  for (const [name, text] of Object.entries(entries)) z.addBuffer(Buffer.from(text), name, { compress });
  z.end();
  const out = fs.createWriteStream(file);
  z.outputStream.pipe(out);
  await once(out, 'finish');
}

describe('export tree', () => {
  it('reads a ZIP in place, sorted, and still reads an entry after it was closed', async () => {
    const file = path.join(tempDir(), 'e.zip');
    await makeZip(file, { 'b/two.txt': 'second', 'a/one.txt': 'first' });
    const tree = await openExportTree(file);
    expect(tree.entries.map((e) => e.path)).toEqual(['a/one.txt', 'b/two.txt']);
    expect(await tree.readText('a/one.txt')).toBe('first');
    await tree.close();
    expect(await tree.readText('b/two.txt')).toBe('second');
  });

  it('refuses an entry whose bytes do not match the ZIP checksum (silently altered content)', async () => {
    const file = path.join(tempDir(), 'damaged.zip');
    await makeZip(file, { 'data/chat.json': '{"evidence":"original text"}' });
    const bytes = fs.readFileSync(file);
    const at = bytes.indexOf('original');
    bytes[at] = 'O'.charCodeAt(0);
    fs.writeFileSync(file, bytes);
    const tree = await openExportTree(file);
    await expect(tree.readText('data/chat.json')).rejects.toThrow(/damaged\.zip!data\/chat\.json: damaged ZIP entry, its content does not match the checksum/);
    await tree.close();
  });

  it('names the file and the exact byte where JSON breaks', async () => {
    const chunks = ['window.YTD.tweets.part0 = [{"a":1},', '{"b":2},{"c":x}]'];
    const got: unknown[] = [];
    const run = async () => { for await (const v of streamJson(Readable.from(chunks.map((c) => Buffer.from(c))), { paths: ['$.*'], assignmentPrefix: true, describe: 'tweets.js' })) got.push(v.value); };
    await expect(run()).rejects.toThrow(/tweets\.js: not valid JSON at byte 48 /);
    expect(got).toEqual([{ a: 1 }, { b: 2 }]);
    expect(chunks.join('')[48]).toBe('x');
  });
});
