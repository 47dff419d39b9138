/** Files the tests write: a scratch folder per test file, single files and whole trees. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll } from 'vitest';
import { tempDir } from './engine';

/** A fresh folder for the calling test file, made now and removed once its tests are done. */
export function scratchDir(prefix: string): string {
  const dir = tempDir(prefix);
  afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });
  return dir;
}

/** Writes one file (text as UTF-8, or raw bytes), making its folders; returns its path. */
export function writeFile(file: string, data: string | Buffer): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
  return file;
}

/** Writes files under `dir` (relative path → text or bytes as they are, any other value as JSON); returns `dir`. */
export function writeTree(dir: string, files: Record<string, unknown>): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [rel, v] of Object.entries(files)) writeFile(path.join(dir, rel), typeof v === 'string' || Buffer.isBuffer(v) ? v : JSON.stringify(v));
  return dir;
}

/** Every file below `dir`, as sorted `/`-separated relative paths. */
export function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
    .sort();
}
