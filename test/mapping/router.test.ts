import { describe, expect, it } from 'vitest';
import { parseMappingCsv } from '../../main/engine/mapping/csv';
import { MappingTable } from '../../main/engine/mapping/mapping-table';
import { MappingRouter, type RouterOptions } from '../../main/engine/mapping/router';
import { convertItem } from '../../main/engine/convert/convert';
import { chat, email, handle, phone, userId } from './helpers';

const CSV = [
  'External User ID,Microsoft 365 User Mailbox,Valid From,Valid To',
  '07911 123456,Ann.Lee@contoso.com,,',
  '@ann_lee,ann.lee@CONTOSO.com,,',
  '+44 7911 654321,bob.stone@contoso.com,2023-01-01,2023-12-31',
  '+44 7911 654321,chloe.dubois@contoso.com,2024-01-01,',
  'erin@contoso.com,compliance.erin@contoso.com,,',
  'U0G9QF9C6,dan.okafor@contoso.com,,',
].join('\r\n');

function router(o: Partial<RouterOptions> = {}): MappingRouter {
  const check = parseMappingCsv(CSV, { defaultRegion: 'GB' });
  expect(check.errors).toEqual([]);
  return new MappingRouter({
    mapping: new MappingTable(check.rows), mappingVersion: 7, orgDomains: ['contoso.com'], catchAll: null,
    defaultRegion: 'GB', requireSenderMapping: false, keepUnassigned: false, ...o,
  });
}

const boxes = (r: ReturnType<MappingRouter['route']>) => r.targets.map((t) => `${t.mailbox}/${t.folder}`);

describe('the mapping router', () => {
  it('gives one copy per mapped participant, each mailbox once however often the person appears', () => {
    const item = chat('1', phone('+44 7911 123456', 'Ann'), [handle('@Ann_Lee'), phone('07911 123456'), phone('+44 7911 654321'), phone('+33 6 12 34 56 78')], '2024-05-01T10:00:00Z');
    const r = router().route(item, 'WhatsApp Archive');
    // Ann by phone, by handle and by phone written another way: one copy (mailboxes compared case-insensitively).
    expect(boxes(r)).toEqual(['Ann.Lee@contoso.com/WhatsApp Archive', 'chloe.dubois@contoso.com/WhatsApp Archive']);
    expect(r.unmapped).toBe(false);
    expect(r.unmappedIdentities.map((i) => i.id)).toEqual(['+33 6 12 34 56 78']);
    expect(r.refusal).toBeUndefined();
  });

  it('writes mapped participants with their mailbox and keeps the .invalid address for the others', async () => {
    const item = chat('2', phone('07911 123456', 'Ann Lee'), [phone('+33 6 12 34 56 78')], '2024-05-01T10:00:00Z');
    const m = await convertItem(item, { resolve: router().route(item, 'F').resolve });
    expect(m.from).toEqual({ name: 'Ann Lee', address: 'Ann.Lee@contoso.com' });
    expect(m.to).toEqual([{ name: '+33 6 12 34 56 78', address: '+33_6_12_34_56_78@whatsapp.invalid' }]);
    expect(m.mime.toString()).toContain('X-Ferry-From-Id: phone:07911 123456');
  });

  it('consults the custom mapping first, then the organisation domains', () => {
    const r = router().route(chat('3', email('Erin@Contoso.com'), [email('frank@contoso.com'), email('gail@partner.example')], '2024-05-01T10:00:00Z'), 'Mail');
    expect(boxes(r)).toEqual(['compliance.erin@contoso.com/Mail', 'frank@contoso.com/Mail']);
    const m = router();
    expect(m.match(email('erin@contoso.com'), new Date())).toMatchObject({ mailbox: 'compliance.erin@contoso.com', via: 'mapping', row: { line: 6 } });
    expect(m.match(email('frank@contoso.com'), new Date())).toEqual({ mailbox: 'frank@contoso.com', via: 'automatic' });
    expect(m.match(email('frank@contoso.com.evil.example'), new Date())).toBeNull();
    // A platform user whose profile has an organisation address maps automatically; by id first when the CSV has it.
    expect(m.match(userId('U1', { email: 'hal@contoso.com' }), new Date())).toEqual({ mailbox: 'hal@contoso.com', via: 'automatic' });
    expect(m.match(userId('U0G9QF9C6', { email: 'hal@contoso.com' }), new Date())?.mailbox).toBe('dan.okafor@contoso.com');
    expect(router({ orgDomains: [] }).match(email('frank@contoso.com'), new Date())).toBeNull();
  });

  it('maps a reassigned number to the mailbox valid at the item date', () => {
    const r = router();
    const at = (d: string) => boxes(r.route(chat('4', phone('07911 654321'), [phone('+1 415 555 2671')], d), 'F'));
    expect(at('2023-06-01T00:00:00Z')).toEqual(['bob.stone@contoso.com/F']);
    expect(at('2023-12-31T23:59:59Z')).toEqual(['bob.stone@contoso.com/F']);
    expect(at('2024-01-01T00:00:00Z')).toEqual(['chloe.dubois@contoso.com/F']);
    expect(at('2022-12-31T23:59:59Z')).toEqual([]);
  });

  it('sends an item that maps to nobody to the catch-all Inbox, flagged unmapped with every identity', () => {
    const item = chat('5', phone('+33 6 12 34 56 78'), [phone('+1 415 555 2671'), phone('+33 (0)6 12 34 56 78')], '2024-05-01T10:00:00Z');
    const r = router({ catchAll: 'third-party@contoso.com' }).route(item, 'F');
    expect(boxes(r)).toEqual(['third-party@contoso.com/Inbox']);
    expect(r.unmapped).toBe(true);
    // The same number written twice is one identity.
    expect(r.unmappedIdentities.map((i) => i.id)).toEqual(['+33 6 12 34 56 78', '+1 415 555 2671']);
    // Without a catch-all: no target for a mailbox destination; the local archive keeps it unassigned.
    expect(router().route(item, 'F').targets).toEqual([]);
    expect(boxes(router({ keepUnassigned: true }).route(item, 'F'))).toEqual(['/F']);
  });

  it('refuses an item whose sender does not map when the connector requires it', () => {
    const r = router({ requireSenderMapping: true, catchAll: 'third-party@contoso.com' });
    const refused = r.route(chat('6', phone('+33 6 12 34 56 78'), [phone('07911 123456')], '2024-05-01T10:00:00Z'), 'F');
    expect(refused.refusal).toBe('item 6 (chat.json (message 6)): refused — the sender +33 6 12 34 56 78 maps to no mailbox, and this connector requires the sender to have one; kept in the unmapped queue');
    expect(refused.unmapped).toBe(false);
    expect(r.route(chat('7', phone('07911 123456'), [phone('+33 6 12 34 56 78')], '2024-05-01T10:00:00Z'), 'F').refusal).toBeUndefined();
    // Off by default.
    expect(router().route(chat('6', phone('+33 6 12 34 56 78'), [phone('07911 123456')], '2024-05-01T10:00:00Z'), 'F').refusal).toBeUndefined();
  });

  it('records the mapping version it routes with', () => {
    expect(router().mappingVersion).toBe(7);
  });
});
