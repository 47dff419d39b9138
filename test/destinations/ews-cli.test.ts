/**
 * The command line with the EWS destination: `ferry destination test --dest ews` and
 * `ferry import … --dest ews --dest-set …` as an admin types them, against the loopback EWS server,
 * the password in the OS keychain under Ferry's own service (as `ferry` reads it).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ewsCredentialRef } from '../../main/engine/destinations/ews/settings';
import { KeychainSecretStore } from '../../main/engine/secrets/secret-store';
import { fixture, repoRoot } from '../helpers/fixtures';
import { tempDir } from '../helpers/engine';
import { SERVICE_ACCOUNT, startEwsHarness, type EwsHarness } from '../servers/ews/harness';

let h: EwsHarness;
let caFile: string;
const ferrySecrets = new KeychainSecretStore();

/** Runs `ferry` without blocking this process, which serves the loopback EWS. */
function ferry(dataDir: string, ...args: string[]): Promise<{ code: number; json: any; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'ferry.js'), ...args, '--data-dir', dataDir, '--json'], { cwd: repoRoot, env: process.env });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    child.on('close', (code) => {
      let json: unknown = null;
      try { json = JSON.parse(out); } catch { /* not JSON: the assertions on json fail and show stderr */ }
      resolve({ code: code ?? -1, json, stderr: err });
    });
  });
}

const destFlags = () => ['--dest', 'ews', '--dest-set', `url=${h.server.url}`, '--dest-set', 'auth=basic', '--dest-set', `username=${SERVICE_ACCOUNT}`,
  '--dest-set', 'impersonation=true', '--dest-set', `caCertificateFile=${caFile}`, '--dest-set', 'retryBaseMs=20'];

beforeAll(async () => {
  h = await startEwsHarness({ mailboxes: ['ann@contoso.com', 'third-party@contoso.com'], correlationIds: true });
  caFile = path.join(tempDir(), 'exchange-ca.pem');
  fs.writeFileSync(caFile, h.server.tls.ca);
  await ferrySecrets.set(ewsCredentialRef(h.settings()), h.passwords.service);
});

afterAll(async () => {
  await ferrySecrets.delete(ewsCredentialRef(h.settings()));
  await h?.stop();
});

describe('ferry with --dest ews', () => {
  it('destination test reports each check and exits 1 when a mailbox is wrong', async () => {
    const dir = tempDir();
    const r = await ferry(dir, 'destination', 'test', ...destFlags(), '--mailbox', 'ann@contoso.com', '--mailbox', 'nobody@contoso.com');
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ destination: 'ews', ok: false });
    const byCheck = Object.fromEntries(r.json.checks.map((c: { check: string; ok: boolean; message: string }) => [c.check, c]));
    expect(byCheck['sign-in']).toMatchObject({ ok: true, message: expect.stringMatching(/signed in to 127\.0\.0\.1:\d+ as the service account svc-ferry@contoso\.com/) });
    expect(byCheck['mailbox ann@contoso.com']).toMatchObject({ ok: true });
    expect(byCheck['mailbox nobody@contoso.com']).toMatchObject({ ok: false, message: expect.stringMatching(/does not exist/) });
    const good = await ferry(dir, 'destination', 'test', ...destFlags(), '--mailbox', 'ann@contoso.com');
    expect(good.code).toBe(0);
    expect(good.json.ok).toBe(true);
  });

  it('imports an mbox into Exchange with settings from flags, and a second import finds every item already there', async () => {
    const dir = tempDir();
    const args = ['import', 'mbox', fixture('mapping', 'messages.mbox'), ...destFlags(), '--org-domain', 'contoso.com', '--catch-all', 'third-party@contoso.com', '--no-progress'];
    const first = await ferry(dir, ...args);
    expect(first.stderr).toBe('');
    expect(first.json.status).toBe('completed');
    expect(first.json.counts).toMatchObject({ available: 5, imported: 5, failed: 0 });
    const ann = h.server.items('ann@contoso.com');
    const catchAll = h.server.items('third-party@contoso.com');
    // Every item is in a mailbox, none twice in one; the catch-all's copies are in its Inbox.
    expect(new Set([...ann, ...catchAll].map((i) => i.internetMessageId)).size).toBe(5);
    expect(new Set(ann.map((i) => i.internetMessageId)).size).toBe(ann.length);
    expect(new Set(catchAll.map((i) => i.internetMessageId)).size).toBe(catchAll.length);
    expect(ann.length).toBeGreaterThan(0);
    expect(h.server.items('third-party@contoso.com', 'inbox')).toHaveLength(catchAll.length);
    expect(catchAll.length).toBeGreaterThan(0);
    expect([...ann, ...catchAll].every((i) => i.props.get('0x0e07')?.value === '1' && /^IPM\.NOTE/i.test(i.itemClass))).toBe(true);

    const again = await ferry(dir, ...args, '--new-run');
    expect(again.json.counts).toMatchObject({ available: 5, imported: 0, duplicate: 5 });
    expect(h.server.items('ann@contoso.com')).toHaveLength(ann.length);
    expect(h.server.items('third-party@contoso.com')).toHaveLength(catchAll.length);
  });

  it('refuses a password on the command line', async () => {
    const r = await ferry(tempDir(), 'destination', 'test', ...destFlags(), '--dest-set', 'password=hunter2', '--mailbox', 'ann@contoso.com');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/secrets are never passed on the command line/);
    expect(r.stderr).not.toContain('hunter2');
  });
});
