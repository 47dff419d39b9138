import { describe, expect, it } from 'vitest';
import { ownAddress } from '../../main/engine/convert/addresses';
import { keyFor, queueKey } from '../../main/engine/mapping/identity';
import type { Identity } from '../../main/engine/item';

describe('per-identity caches', () => {
  it('ownAddress: the same answer every time, as a fresh object the caller may change', () => {
    const bob: Identity = { id: '@Bob.Stone', kind: 'handle', platform: 'Twitter', name: 'Bob' };
    const a = ownAddress(bob);
    expect(a).toEqual({ name: 'Bob', address: 'Bob.Stone@twitter.invalid' });
    a.address = 'changed@x';
    expect(ownAddress({ ...bob })).toEqual({ name: 'Bob', address: 'Bob.Stone@twitter.invalid' });
    // Anything that changes the address or the name is a different entry.
    expect(ownAddress({ ...bob, name: 'Robert' })).toEqual({ name: 'Robert', address: 'Bob.Stone@twitter.invalid' });
    expect(ownAddress({ ...bob, email: 'bob@contoso.com' })).toEqual({ name: 'Bob', address: 'bob@contoso.com' });
    expect(ownAddress({ ...bob, platform: 'Telegram' }).address).toBe('Bob.Stone@telegram.invalid');
    expect(ownAddress({ id: '@Bob.Stone', kind: 'handle', platform: 'Twitter' })).toEqual({ name: '@Bob.Stone', address: 'Bob.Stone@twitter.invalid' });
  });

  it('keyFor: a national number is read in the region asked for, each time', () => {
    expect(keyFor('phone', '07911 123456', 'GB')).toBe('phone:+447911123456');
    expect(keyFor('phone', '07911 123456', 'FR')).not.toBe('phone:+447911123456');
    expect(keyFor('phone', '07911 123456', 'GB')).toBe('phone:+447911123456');
    expect(keyFor('email', 'Ann@Contoso.com')).toBe('email:ann@contoso.com');
    expect(queueKey({ id: '@Bob', kind: 'handle', platform: 'Twitter' })).toBe('handle:twitter:bob');
    expect(queueKey({ id: '@Bob', kind: 'handle', platform: 'Telegram' })).toBe('handle:telegram:bob');
  });
});
