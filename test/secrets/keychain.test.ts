/**
 * Against a real Secret Service (gnome-keyring on a private D-Bus session, started by `npm test`).
 */
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { KeychainSecretStore, requireSecret } from '../../main/engine/secrets/secret-store';

describe('the OS keychain secret store', () => {
  it('needs the Secret Service that npm test starts', () => {
    // npm test runs vitest inside dbus-run-session with gnome-keyring unlocked; without it these tests cannot be meaningful.
    expect(process.env.DBUS_SESSION_BUS_ADDRESS, 'run through `npm test`, which starts a Secret Service').toBeTruthy();
  });

  it('stores, reads, overwrites and deletes a secret', async () => {
    const store = new KeychainSecretStore(`Ferry-test-${randomUUID()}`);
    const ref = 'graph:tenant-1:client-secret';
    expect(await store.has(ref)).toBe(false);
    await store.set(ref, 's3cr3t-välue');
    expect(await store.get(ref)).toBe('s3cr3t-välue');
    await store.set(ref, 'rotated');
    expect(await store.get(ref)).toBe('rotated');
    expect(await store.delete(ref)).toBe(true);
    expect(await store.delete(ref)).toBe(false);
    expect(await store.get(ref)).toBeNull();
  });

  it('keeps services apart, and says where to set a missing secret without revealing anything', async () => {
    const a = new KeychainSecretStore(`Ferry-test-${randomUUID()}`);
    const b = new KeychainSecretStore(`Ferry-test-${randomUUID()}`);
    await a.set('imap:password', 'only-in-a');
    expect(await b.get('imap:password')).toBeNull();
    await expect(requireSecret(b, 'imap:password', 'The IMAP password')).rejects.toThrow(/The IMAP password is not set: store it in the OS keychain with `ferry secret set imap:password`/);
    await a.delete('imap:password');
  });

  it('refuses empty secrets', async () => {
    const s = new KeychainSecretStore(`Ferry-test-${randomUUID()}`);
    await expect(s.set('x', '')).rejects.toThrow(/empty secret/);
  });
});
