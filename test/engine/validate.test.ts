/** The partner schema's mandatory properties, and recipients that are only copied. */
import { describe, expect, it } from 'vitest';
import { validateItem } from '../../main/engine/validate';
import type { Identity, Item } from '../../main/engine/item';

const person = (id: string): Identity => ({ id, kind: 'email', platform: 'bloomberg', email: id });
const item = (over: Partial<Item>): Item => ({
  source: 'Bloomberg', event: 'Message', id: 'msg/1', origin: { file: 'dump.xml', position: 'Message[1]' },
  from: person('ann@contoso.com'), to: [person('bob@contoso.com')], date: new Date('2024-03-01T10:00:00Z'), attachments: [], meta: {}, ...over,
});

describe('validateItem', () => {
  it('accepts an item with TO recipients, or with only CC or BCC recipients', () => {
    expect(validateItem(item({}))).toBeNull();
    expect(validateItem(item({ to: [], cc: [person('chloe@contoso.com')] }))).toBeNull();
    expect(validateItem(item({ to: [], bcc: [person('dana@contoso.com')] }))).toBeNull();
  });

  it('names the item and every missing property', () => {
    expect(validateItem(item({ to: [], cc: [] }))).toBe('item msg/1 (dump.xml (Message[1])): missing mandatory property TO');
    expect(validateItem(item({ from: undefined, to: [], date: undefined }))).toBe('item msg/1 (dump.xml (Message[1])): missing mandatory properties FROM, TO, DATE');
    expect(validateItem(item({ date: new Date('x') }))).toBe('item msg/1 (dump.xml (Message[1])): DATE is not a valid date');
    expect(validateItem(item({ messageClass: 'IPM.Appointment' }))).toBe('item msg/1 (dump.xml (Message[1])): MESSAGECLASS IPM.Appointment does not begin with IPM.NOTE');
  });
});
