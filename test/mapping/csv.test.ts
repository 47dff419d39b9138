import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMappingCsv, readMappingFile } from '../../main/engine/mapping/csv';
import { parseValidityDate } from '../../main/engine/mapping/dates';
import { MappingTable } from '../../main/engine/mapping/mapping-table';
import { fixture } from '../helpers/fixtures';

const file = (name: string) => fixture('mapping', name);
const brief = (rows: { line: number; key: string; mailbox: string; validFrom: string | null; validTo: string | null }[]) =>
  rows.map((r) => [r.line, r.key, r.mailbox, r.validFrom?.slice(0, 10) ?? null, r.validTo?.slice(0, 10) ?? null]);

describe('a mapping file saved by Excel (UK): UTF-8 BOM, CRLF, day/month dates', () => {
  it('loads the good rows with their lines and reports each bad row by line and reason', async () => {
    const c = await readMappingFile(file('excel-uk-utf8-bom.csv'), { defaultRegion: 'GB' });
    expect(c).toMatchObject({ file: 'excel-uk-utf8-bom.csv', encoding: 'utf-8', delimiter: ',', header: true, dateOrder: 'dmy' });
    expect(c.columns).toEqual({ id: 'External User ID', mailbox: 'Microsoft 365 User Mailbox', validFrom: 'Valid From', validTo: 'Valid To' });
    expect(brief(c.rows)).toEqual([
      [2, 'phone:+442079460958', 'ann.lee@contoso.com', null, null],
      [3, 'phone:+447911123456', 'bob.stone@contoso.com', '2023-01-01', '2023-12-31'],
      [4, 'phone:+447911123456', 'chloe.dubois@contoso.com', '2024-01-01', null],
      [5, 'phone:+447911654321', 'Dan.Okafor@Contoso.com', null, null],
      [7, 'handle:ann_lee', 'ann.lee@contoso.com', null, null],
      [8, 'user-id:U024BE7LH', 'ann.lee@contoso.com', null, null],
      [14, 'phone:+14155552671', 'hal.berg@contoso.com', null, null],
      [16, 'phone:+33612345678', 'ines.faure@contoso.com', '2023-12-25', null],
    ]);
    // Inclusive bounds: the valid-to day lasts to its end (UTC).
    expect(c.rows[1]!.validTo).toBe('2023-12-31T23:59:59.999Z');
    expect(c.errors).toEqual([
      { line: 9, externalId: 'Lee, Ann', reason: '"ann.lee@contoso" is not an email address (the mailbox column)' },
      { line: 10, externalId: '07911 123456', reason: '07911 123456 is already mapped to bob.stone@contoso.com on line 3 (from 2023-01-01 to 2023-12-31); it cannot also map to eve.adams@contoso.com from 2023-06-15 on: give the rows dates that do not overlap' },
      { line: 11, externalId: '+44 20 79', reason: '"+44 20 79" is not a valid phone number' },
      { line: 12, externalId: 'frank@partner.example', reason: 'valid-from date "31/02/2024" is not a real date' },
      { line: 13, externalId: '4.47912E+11', reason: expect.stringMatching(/^"4\.47912E\+11" is a number in scientific notation .* format the column as text/) },
    ]);
    expect(c.notes).toEqual(['dates read as day/month/year (line 3 can only be read that way)']);
  });

  it('needs the default region for numbers written without a country code, and says so per row', async () => {
    const c = await readMappingFile(file('excel-uk-utf8-bom.csv'));
    expect(c.errors.filter((e) => /no default region/.test(e.reason)).map((e) => e.line)).toEqual([3, 4, 10]);
    expect(c.rows.map((r) => r.line)).toEqual([2, 5, 7, 8, 14, 16]);
  });
});

describe('a French Excel file: Windows-1252, semicolons, quoted fields with ; and a line break, blank lines', () => {
  it('reads every row, counting lines inside quoted fields, numbers written as in France, Germany and India', async () => {
    const c = await readMappingFile(file('excel-fr-semicolon-cp1252.csv'), { defaultRegion: 'FR' });
    expect(c).toMatchObject({ encoding: 'windows-1252', delimiter: ';', dateOrder: 'dmy' });
    expect(c.columns).toEqual({ id: 'User ID', mailbox: 'Mailbox', validFrom: 'Start Date', validTo: 'End Date' });
    expect(brief(c.rows)).toEqual([
      [2, 'phone:+33612345678', 'chloe.dubois@contoso.com', null, null],
      [3, 'phone:+33612345679', 'ines.faure@contoso.com', '2024-02-01', null],
      [5, 'phone:+49301234567', 'juergen.mueller@contoso.com', null, null],
      [6, 'phone:+491711234567', 'schaefer.team@contoso.com', null, null],
      [8, 'phone:+919876543210', 'ravi.patel@contoso.com', '2023-01-01', '2024-06-30'],
      [9, 'phone:+919876543210', 'priya.rao@contoso.com', '2024-07-01', null],
      [11, 'phone:+33123456789', 'desk@contoso.com', null, null],
    ]);
    expect(c.errors).toEqual([{ line: 12, externalId: '+33 1 23', reason: '"+33 1 23" is not a valid phone number' }]);
  });

  it('decodes the same bytes as text', () => {
    const bytes = fs.readFileSync(file('excel-fr-semicolon-cp1252.csv'));
    expect(bytes.includes(Buffer.from('Chloé', 'utf8'))).toBe(false);
    const c = parseMappingCsv(bytes, { defaultRegion: 'FR', fileName: 'fr.csv' });
    expect(c.rows).toHaveLength(7);
  });
});

describe('other layouts', () => {
  it('reads Excel "Unicode text" (UTF-16 with BOM, tabs)', async () => {
    const c = await readMappingFile(file('excel-unicode-text.csv'));
    expect(c).toMatchObject({ encoding: 'utf-16le', delimiter: '\t' });
    expect(brief(c.rows)).toEqual([[2, 'handle:zoë_k', 'zoe.klein@contoso.com', null, null], [3, 'phone:+12125550100', 'marc.lane@contoso.com', null, null]]);
  });

  it('reads month/day dates, other header names and an id type column', async () => {
    const c = await readMappingFile(file('us-dates-typed.csv'), { defaultRegion: 'US' });
    expect(c.columns).toEqual({ id: 'Source User ID', mailbox: 'User Principal Name', validFrom: 'Effective From', validTo: 'Effective To', kind: 'ID Type' });
    expect(c.dateOrder).toBe('mdy');
    expect(brief(c.rows)).toEqual([
      // Typed as a user id, a valid US number stays a user id.
      [2, 'user-id:2244994945', 'liz.ortiz@contoso.com', '2024-03-01', '2024-12-31'],
      [3, 'phone:+14155552671', 'hal.berg@contoso.com', '2024-01-15', null],
      [4, 'phone:+14155552671', 'max.ward@contoso.com', '2023-03-04', '2024-01-14'],
    ]);
    expect(c.errors).toEqual([{ line: 5, externalId: 'U77', reason: 'unknown id type "fax" (use phone, email, handle or user-id)' }]);
  });

  it('reads a file with no header row by position', async () => {
    const c = await readMappingFile(file('headerless.csv'));
    expect(c.header).toBe(false);
    expect(brief(c.rows)).toEqual([[1, 'phone:+447911123456', 'ann.lee@contoso.com', null, null], [2, 'handle:bob', 'bob.stone@contoso.com', null, null]]);
  });

  it('accepts the usual header names', () => {
    const headers: [string, string][] = [
      ['External User ID,Microsoft 365 User Mailbox', 'External User ID'], ['ExternalUserId;Office 365 User Mailbox', 'ExternalUserId'],
      ['Phone Number,Email Address', 'Phone Number'], ['Handle,Mailbox', 'Handle'], ['user_id,upn', 'user_id'],
      ['Email,Mailbox', 'Email'], ['Mobile,Primary SMTP Address', 'Mobile'], ['Screen Name,O365 Mailbox', 'Screen Name'],
    ];
    for (const [h, id] of headers) {
      const sep = h.includes(';') ? ';' : ',';
      const c = parseMappingCsv(`${h}\n@x${sep}x@contoso.com\n`);
      expect(c.columns.id, h).toBe(id);
      expect(c.rows.map((r) => r.mailbox), h).toEqual(['x@contoso.com']);
    }
  });

  it('reports day/month dates the file cannot settle, and a file that mixes both orders', async () => {
    const a = await readMappingFile(file('ambiguous-dates.csv'));
    expect(a.rows).toEqual([]);
    expect(a.errors).toEqual([
      { line: 2, externalId: '+447911123456', reason: 'valid-from date "03/04/2024" is ambiguous: it could be 2024-04-03 or 2024-03-04; write it as YYYY-MM-DD' },
      { line: 3, externalId: '+447911654321', reason: 'valid-to date "06/07/2024" is ambiguous: it could be 2024-07-06 or 2024-06-07; write it as YYYY-MM-DD' },
      { line: 4, externalId: '+447911000111', reason: 'the valid-from date 2024-02-01 is after the valid-to date 2024-01-01' },
    ]);
    // The caller may settle the order.
    const forced = await readMappingFile(file('ambiguous-dates.csv'), { dateOrder: 'dmy' });
    expect(brief(forced.rows)).toEqual([
      [2, 'phone:+447911123456', 'ann.lee@contoso.com', '2024-04-03', null],
      [3, 'phone:+447911654321', 'bob.stone@contoso.com', '2024-05-05', '2024-07-06'],
    ]);
    const mixed = await readMappingFile(file('mixed-date-orders.csv'));
    expect(mixed.notes).toEqual(['the file mixes day/month dates (line 2) and month/day dates (line 3); dates that could be read either way are reported']);
    expect(mixed.errors.map((e) => e.line)).toEqual([4]);
    expect(mixed.rows.map((r) => [r.line, r.validFrom])).toEqual([[2, '2023-12-25T00:00:00.000Z'], [3, '2023-12-25T00:00:00.000Z'], [5, '2024-01-01T09:30:00.000Z']]);
  });

  it('reports an unterminated quote on the line it starts, keeping the rows before it', async () => {
    const c = await readMappingFile(file('unterminated-quote.csv'));
    expect(c.rows.map((r) => r.key)).toEqual(['handle:ann']);
    expect(c.errors).toEqual([{ line: 3, externalId: '@bob,bob.stone@contoso.com', reason: expect.stringMatching(/^a quoted field is not closed/) }]);
  });

  it('refuses a file it cannot use at all, naming the file and why', async () => {
    await expect(readMappingFile(file('no-mailbox-column.csv'))).rejects.toThrow(
      'no-mailbox-column.csv line 1: the header names no mailbox column ("Phone", "Name"); name the columns "External User ID" and "Microsoft 365 User Mailbox", optionally "Valid From" and "Valid To"');
    await expect(readMappingFile(file('missing.csv'))).rejects.toThrow(/mapping file .*missing\.csv cannot be read/);
    expect(() => parseMappingCsv('\r\n\r\n', { fileName: 'blank.csv' })).toThrow('blank.csv: the file is empty');
  });
});

describe('validity dates', () => {
  it('read ISO dates and times, and the forms spreadsheets write', () => {
    expect(parseValidityDate('2024-03-01', 'from')).toEqual(new Date('2024-03-01T00:00:00.000Z'));
    expect(parseValidityDate('2024-03-01', 'to')).toEqual(new Date('2024-03-01T23:59:59.999Z'));
    expect(parseValidityDate('2024-03-01 12:00', 'from')).toEqual(new Date('2024-03-01T12:00:00.000Z'));
    expect(parseValidityDate('01.03.2024', 'from')).toEqual(new Date('2024-03-01T00:00:00.000Z'));
    expect(parseValidityDate('13/3/24', 'from')).toEqual(new Date('2024-03-13T00:00:00.000Z'));
    expect(parseValidityDate('3/13/2024 9:15 AM', 'from')).toEqual(new Date('2024-03-13T00:00:00.000Z'));
    expect(parseValidityDate('yesterday', 'from')).toBe('"yesterday" is not a date (write it as YYYY-MM-DD)');
    expect(parseValidityDate('12/25/2024', 'from', 'dmy')).toMatch(/can only be month\/day, but the file's dates are day\/month/);
  });
});

describe('a mapping table', () => {
  it('picks the row valid at the date, and refuses an alias two rows read differently', () => {
    const c = parseMappingCsv([
      'id,mailbox,from,to',
      '+447911123456,old@contoso.com,,2023-12-31',
      '+447911123456,new@contoso.com,2024-01-01,',
      'Sam,sam@contoso.com,,',
      'SAM,samantha@contoso.com,,',
      '@sam_b,sam.b@contoso.com,,',
    ].join('\n'));
    expect(c.errors).toEqual([]);
    const t = new MappingTable(c.rows);
    expect(t.lookup(['phone:+447911123456'], new Date('2023-12-31T23:59:59Z'))?.mailbox).toBe('old@contoso.com');
    expect(t.lookup(['phone:+447911123456'], new Date('2024-01-01T00:00:00Z'))?.mailbox).toBe('new@contoso.com');
    // Without a date only rows valid at all dates apply.
    expect(t.lookup(['phone:+447911123456'], undefined)).toBeNull();
    // User ids are exact; as handles (case-insensitive) "Sam" and "SAM" disagree, so @sam maps to nobody.
    expect(t.lookup(['user-id:SAM'], new Date())?.mailbox).toBe('samantha@contoso.com');
    expect(t.lookup(['handle:sam'], new Date())).toBeNull();
    expect(t.lookup(['handle:sam_b'], new Date())?.row.line).toBe(6);
  });
});
