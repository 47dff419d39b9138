import { describe, expect, it } from 'vitest';
import { keyFor, lookupKeys, normalisePhone, parseRegion, queueKey, readExternalId, splitQueueKey } from '../../main/engine/mapping/identity';
import type { Region } from '../../main/engine/mapping/identity';

describe('phone numbers compare in E.164 form', () => {
  // The ways people in each country write the same number, with and without the country code.
  const cases: [Region, string, string[]][] = [
    ['GB', '+442079460958', ['+44 20 7946 0958', '+44 (0)20 7946 0958', '020 7946 0958', '0044 20 7946 0958', '(020) 7946-0958', '+44.20.7946.0958']],
    ['GB', '+447911123456', ['07911 123456', '07911-123-456', '+44 7911 123456', '0044 (0) 7911 123456', '447911123456']],
    ['US', '+14155552671', ['(415) 555-2671', '415.555.2671', '415-555-2671', '+1-415-555-2671', '1 415 555 2671', '+1 (415) 555 2671', '001 415 555 2671']],
    ['FR', '+33612345678', ['06 12 34 56 78', '06.12.34.56.78', '0612345678', '+33 6 12 34 56 78', '+33 (0)6 12 34 56 78', '0033 6 12 34 56 78']],
    ['DE', '+49301234567', ['030 1234567', '030/1234567', '(030) 1234567', '+49 (0)30 1234567', '+49 30 1234567', '0049 30 1234567']],
    ['DE', '+491711234567', ['0171 1234567', '0171/1234567', '+49 171 1234567', '+49-171-1234567']],
    ['IN', '+919876543210', ['098765 43210', '09876543210', '98765 43210', '9876543210', '+91 98765 43210', '+91-98765-43210', '0091 98765 43210']],
  ];
  for (const [region, e164, spellings] of cases) {
    it(`reads ${region} numbers written ${spellings.length} ways as ${e164}`, () => {
      for (const s of spellings) expect(normalisePhone(s, region)?.e164, s).toBe(e164);
    });
  }

  it('reads numbers with a country code the same whatever the default region', () => {
    for (const region of ['GB', 'US', 'FR', 'DE', 'IN', null] as const) {
      expect(normalisePhone('+33 6 12 34 56 78', region)?.e164).toBe('+33612345678');
      expect(normalisePhone('0049 171 1234567', region)?.e164).toBe('+491711234567');
    }
  });

  it('cannot read a national number without a default region, nor text that is no phone number', () => {
    expect(normalisePhone('07911 123456', null)).toBeNull();
    expect(normalisePhone('call me', 'GB')).toBeNull();
    expect(normalisePhone('+44 20 79', 'GB')).toBeNull();
  });

  it('survives spreadsheet noise: non-breaking spaces, ="…" text guards, tel: links', () => {
    expect(normalisePhone('06\u00a012\u00a034\u00a056\u00a078', 'FR')?.e164).toBe('+33612345678');
    expect(normalisePhone('="+447911123456"', null)?.e164).toBe('+447911123456');
    expect(normalisePhone('tel:+1-415-555-2671', null)?.e164).toBe('+14155552671');
  });
});

describe('identity keys', () => {
  it('compare emails case-insensitively, handles with or without @, user ids as they are', () => {
    expect(keyFor('email', ' Ann.Lee@Contoso.COM ')).toBe('email:ann.lee@contoso.com');
    expect(keyFor('handle', '@Ann_Lee')).toBe(keyFor('handle', 'ann_lee'));
    expect(keyFor('user-id', 'U024BE7LH')).not.toBe(keyFor('user-id', 'u024be7lh'));
  });

  it("look a participant up by its own id, then by the person's email address", () => {
    expect(lookupKeys({ id: 'U1', kind: 'user-id', platform: 'slack', email: 'Ann@Contoso.com' })).toEqual(['user-id:U1', 'email:ann@contoso.com']);
    expect(lookupKeys({ id: '07911 123456', kind: 'phone', platform: 'sms' }, 'GB')).toEqual(['phone:+447911123456']);
  });

  it('list handles and user ids per platform in the queue, phones and emails across platforms', () => {
    expect(queueKey({ id: '@Bob', kind: 'handle', platform: 'Twitter' })).toBe('handle:twitter:bob');
    expect(queueKey({ id: '+44 7911 123456', kind: 'phone', platform: 'whatsapp' })).toBe('phone:+447911123456');
    expect(splitQueueKey('user-id:slack:U1:x')).toEqual({ kind: 'user-id', platform: 'slack', value: 'U1:x' });
    expect(splitQueueKey('phone:+447911123456')).toEqual({ kind: 'phone', value: '+447911123456' });
    expect(splitQueueKey('nonsense')).toBeNull();
  });

  it('know the regions libphonenumber knows', () => {
    expect(parseRegion('gb')).toBe('GB');
    expect(parseRegion('XX')).toBeNull();
  });
});

describe('a mapping file id cell', () => {
  it('is an email, a handle, a phone number or a user id by its shape', () => {
    expect(readExternalId('Ann@Contoso.com', null)).toEqual({ kind: 'email', key: 'email:ann@contoso.com', aliases: [] });
    expect(readExternalId('@Bob', null)).toEqual({ kind: 'handle', key: 'handle:bob', aliases: [] });
    expect(readExternalId('+44 7911 123456', null)).toEqual({ kind: 'phone', key: 'phone:+447911123456', aliases: [] });
    expect(readExternalId('07911 123456', 'GB')).toEqual({ kind: 'phone', key: 'phone:+447911123456', aliases: [] });
    // A bare name may be a user id or a handle written without @.
    expect(readExternalId('U024BE7LH', null)).toEqual({ kind: 'user-id', key: 'user-id:U024BE7LH', aliases: ['handle:u024be7lh'] });
  });

  it('reads bare digits as a phone number only when they are a valid one, keeping the user-id reading', () => {
    expect(readExternalId('4155552671', 'US')).toEqual({ kind: 'phone', key: 'phone:+14155552671', aliases: ['user-id:4155552671'] });
    expect(readExternalId('783214', 'US')).toEqual({ kind: 'user-id', key: 'user-id:783214', aliases: [] });
  });

  it('obeys an explicit kind', () => {
    expect(readExternalId('4155552671', 'US', 'user-id')).toEqual({ kind: 'user-id', key: 'user-id:4155552671', aliases: [] });
    expect(readExternalId('not-an-email', null, 'email')).toBe('"not-an-email" is not an email address');
  });

  it('says why an id cannot be used', () => {
    expect(readExternalId('', null)).toBe('the external user id is empty');
    expect(readExternalId('4.47912E+11', 'GB')).toMatch(/^"4\.47912E\+11" is a number in scientific notation/);
    expect(readExternalId('+44 20 79', 'GB')).toBe('"+44 20 79" is not a valid phone number');
    expect(readExternalId('07911 123456', null)).toMatch(/no default region is set to read national numbers/);
    expect(readExternalId('ann@contoso', null)).toBe('"ann@contoso" is not an email address');
  });
});
