import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { linkedinMessagesSource as source } from '../../main/engine/sources/linkedin-messages';
import { parseLinkedInDate } from '../../main/engine/sources/linkedin-messages/dates';
import { profileSlug, recipients } from '../../main/engine/sources/linkedin-messages/people';
import { getSource } from '../../main/engine/sources/registry';
import { FerryError } from '../../main/engine/errors';
import { fixture } from '../helpers/fixtures';
import { collect, expectProgressAndCancellation } from '../helpers/source';
import { addressesOf, expectRoundTrip } from '../helpers/mail';
import { scratchDir, writeFile } from '../helpers/files';
import { writeZip } from '../helpers/zip';

const CSV = fixture('linkedin-messages', 'messages.csv');
const ANN = { id: 'ann-lee-contoso', kind: 'user-id', platform: 'linkedin', name: 'Ann Lee' };
const BOB = { id: 'bobstone', kind: 'user-id', platform: 'linkedin', name: 'Bob Stone' };
const CHLOE = { id: 'chloé-dubois-fabrikam', kind: 'user-id', platform: 'linkedin', name: 'Chloé Dubois' };
const DANA = { id: 'dana-whitfield-cfa', kind: 'user-id', platform: 'linkedin', name: 'Dana Whitfield, CFA' };

const tmp = scratchDir('ferry-linkedin-');

const write = (name: string, text: string) => writeFile(path.join(tmp, name), text);

const HEADER = 'CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,FOLDER\n';

describe('linkedin-messages: messages.csv made for the tests (BOM, CRLF, multi-line cells)', () => {
  it('is registered under its kind', () => {
    expect(getSource('linkedin-messages')).toBe(source);
  });

  it('check() counts messages, InMail and conversations', async () => {
    expect(await source.check({ path: CSV })).toEqual({ ok: true, message: '8 messages (2 InMail) in 5 conversations' });
  });

  it('yields one item per good row and a bad record with the line number for each bad one', async () => {
    const { items, bad } = await collect(source, { path: CSV });
    expect(items.map((i) => [i.event, i.origin.position])).toEqual([
      ['Message', 'line 2'], ['Message', 'line 3'], ['Message', 'line 7'], ['InMail', 'line 8'], ['Message', 'line 11'], ['InMail', 'line 12'],
    ]);
    expect(bad.map((b) => [b.origin.file, b.origin.position, b.reason])).toEqual([
      [CSV, 'line 9', 'DATE "last Tuesday" is not a date (expected like 2023-05-01 14:03:22 UTC)'],
      [CSV, 'line 10', 'no sender: FROM and SENDER PROFILE URL are empty'],
    ]);
    for (const i of items) {
      expect(i.source).toBe('LinkedIn');
      expect(i.origin.file).toBe(CSV);
    }
  });

  it('FROM and TO are profile slugs with names; several recipients are paired with their URLs; a name may hold a comma', async () => {
    const { items } = await collect(source, { path: CSV });
    expect(items[0]).toMatchObject({ from: ANN, to: [BOB] });
    expect(items[1]).toMatchObject({ from: BOB, to: [ANN] });
    expect(items[2]).toMatchObject({ from: CHLOE, to: [ANN, BOB] });
    expect(items[3]).toMatchObject({ from: DANA, to: [ANN] });
    expect(items[5]).toMatchObject({ from: ANN, to: [DANA] });
  });

  it('dates are read as UTC', async () => {
    const { items } = await collect(source, { path: CSV });
    expect(items.map((i) => i.date?.toISOString())).toEqual([
      '2023-05-01T14:03:22.000Z', '2023-05-01T14:10:05.000Z', '2023-05-02T09:00:00.000Z', '2023-05-03T18:45:00.000Z',
      '2023-05-05T07:30:00.000Z', '2023-05-04T10:00:00.000Z',
    ]);
    expect(items[0]!.text).toContain('Date: 2023-05-01 14:03:22 UTC');
  });

  it('multi-line quoted content is kept whole, with its quotes and commas', async () => {
    const { items } = await collect(source, { path: CSV });
    expect(items[1]!.text).toContain('\n\nYes.\r\nSee the terms below:\r\n- price "firm" until 5pm\r\n- 1,000 units');
    expect(items[1]!.subject).toBe('Bob Stone, Ann Lee: Yes. See the terms below: - price "firm"…');
    expect(items[1]!.conversation).toEqual({ id: '2-Y29udG9zby1hbm4tYm9i', name: 'Bob Stone, Ann Lee' });
  });

  it('HTML content: tags stripped in the text body, escaped as written in the HTML body', async () => {
    const { items } = await collect(source, { path: CSV });
    const group = items[2]!;
    expect(group.text).toContain('\n\nBonjour à tous & welcome!\nAgenda: pricing\nthen Q&A');
    expect(group.text).not.toContain('<p>');
    expect(group.text).not.toContain('alert(1)');
    expect(group.html).toContain('&lt;p&gt;Bonjour à tous &amp;amp; welcome!&lt;/p&gt;');
    expect(group.html).not.toContain('<script>');
    expect(group.subject).toBe('Fabrikam deal team: Bonjour à tous & welcome! Agenda: pricing then…');
    const inmail = items[3]!;
    expect(inmail.text).toContain('Dear Ann,\n\nI came across your profile — would you be open to a call?');
  });

  it('InMail keeps its SUBJECT; meta keeps the folder, the conversation and the profile URLs', async () => {
    const { items } = await collect(source, { path: CSV });
    expect(items[3]!.subject).toBe('Opportunity at Fabrikam');
    expect(items[5]!.subject).toBe('RE: Opportunity at Fabrikam');
    expect(items[3]!.meta).toEqual({
      'LinkedIn-Conversation-Id': '2-aW5tYWlsLWNvbnRvc28', 'LinkedIn-Folder': 'INMAIL',
      'LinkedIn-Sender-Profile': 'https://www.linkedin.com/in/dana-whitfield-cfa',
      'LinkedIn-Recipient-Profiles': 'https://www.linkedin.com/in/ann-lee-contoso', 'LinkedIn-To': 'Ann Lee',
    });
  });

  it('ids are stable across reads and distinct; a later export with more rows gives the same ids to the same messages', async () => {
    const a = await collect(source, { path: CSV });
    const b = await collect(source, { path: CSV });
    expect(a.items.map((i) => i.id)).toEqual(b.items.map((i) => i.id));
    expect(new Set(a.items.map((i) => i.id)).size).toBe(a.items.length);
    for (const i of a.items) expect(i.id).toMatch(/^2-[A-Za-z0-9]+\/[0-9a-f]{16}$/);
    // A later export: new rows first (LinkedIn lists newest first), the old ones after.
    const original = fs.readFileSync(CSV, 'utf8').replace(/^\uFEFF/, '');
    const [head, ...rest] = original.split('\r\n');
    const later = write('later/messages.csv', [head, '2-Y29udG9zby1hbm4tYm9i,,Bob Stone,https://www.linkedin.com/in/bobstone,Ann Lee,https://www.linkedin.com/in/ann-lee-contoso,2023-06-01 08:00:00 UTC,,New one,INBOX', ...rest].join('\r\n'));
    const c = await collect(source, { path: later });
    expect(c.items.slice(1).map((i) => i.id)).toEqual(a.items.map((i) => i.id));
  });

  it('two identical rows (a message sent twice) get two ids', async () => {
    const row = '2-dHdpY2U,,Ann Lee,https://www.linkedin.com/in/ann-lee-contoso,Bob Stone,https://www.linkedin.com/in/bobstone,2023-05-01 14:03:22 UTC,,ok,INBOX\n';
    const { items } = await collect(source, { path: write('twice.csv', HEADER + row + row) });
    expect(items).toHaveLength(2);
    expect(items[1]!.id).toBe(`${items[0]!.id}/2`);
  });

  it('reads the export ZIP in place (messages.csv among the other CSVs)', async () => {
    const z = await writeZip(path.join(tmp, 'Basic_LinkedInDataExport.zip'), { 'Connections.csv': 'First Name,Last Name\n', 'messages.csv': fs.readFileSync(CSV), 'Profile.csv': 'x\n' });
    expect(await source.check({ path: z })).toEqual({ ok: true, message: '8 messages (2 InMail) in 5 conversations' });
    const { items, bad } = await collect(source, { path: z });
    const direct = await collect(source, { path: CSV });
    expect(items.map((i) => i.id)).toEqual(direct.items.map((i) => i.id));
    expect(items[0]!.origin).toEqual({ file: `${z}!messages.csv`, position: 'line 2' });
    expect(bad.map((b) => b.origin.position)).toEqual(['line 9', 'line 10']);
  });

  it('the export folder works too, and a folder without messages.csv is refused with the reason', async () => {
    const dir = path.join(tmp, 'export-folder');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(CSV, path.join(dir, 'messages.csv'));
    fs.writeFileSync(path.join(dir, 'Invitations.csv'), 'From,To\n');
    expect((await collect(source, { path: dir })).items).toHaveLength(6);
    const empty = path.join(tmp, 'no-messages');
    fs.mkdirSync(empty, { recursive: true });
    fs.writeFileSync(path.join(empty, 'Connections.csv'), 'a\n');
    expect(await source.check({ path: empty })).toEqual({ ok: false, message: `${empty}: no messages.csv in it (CSV files found: Connections.csv); LinkedIn puts messages in messages.csv at the top of its data export` });
    await expect(collect(source, { path: empty })).rejects.toThrow(FerryError);
  });

  it('a CSV that is not messages.csv is refused, naming the missing columns', async () => {
    const other = write('Connections.csv', 'First Name,Last Name,URL\nAnn,Lee,https://x\n');
    await expect(collect(source, { path: other })).rejects.toThrow(/Connections\.csv: not a LinkedIn messages\.csv, the header lacks CONVERSATION ID, FROM, DATE, CONTENT/);
    expect((await source.check({ path: other })).ok).toBe(false);
  });

  it('a row cut short by an unclosed quote is a bad record; rows after a bad one still come', async () => {
    const text = `${HEADER}c1,,Ann Lee,https://www.linkedin.com/in/ann,Bob,https://www.linkedin.com/in/bob,2023-01-01 00:00:00 UTC,,fine,INBOX\n`
      + 'c1,,Ann Lee,https://www.linkedin.com/in/ann,,,2023-01-01 00:00:01 UTC,,nobody to,INBOX\n'
      + 'c1,,Ann Lee,https://www.linkedin.com/in/ann,Bob,https://www.linkedin.com/in/bob,2023-02-30 00:00:00 UTC,,no such day,INBOX\n'
      + 'c1,,Ann Lee,https://www.linkedin.com/in/ann,Bob,https://www.linkedin.com/in/bob,2023-01-01 00:00:02 UTC,,"never closed\nstill\n';
    const { items, bad } = await collect(source, { path: write('broken.csv', text) });
    expect(items.map((i) => i.origin.position)).toEqual(['line 2']);
    expect(bad.map((b) => [b.origin.position, b.reason])).toEqual([
      ['line 3', 'no recipient: TO and RECIPIENT PROFILE URLS name nobody but the sender'],
      ['line 4', 'DATE "2023-02-30 00:00:00 UTC" is not a date (expected like 2023-05-01 14:03:22 UTC)'],
      ['line 5', expect.stringMatching(/^the row has 9 field\(s\), the header 10|quote/)],
    ]);
  });

  it('every item validates and converts to a message that mailparser reads back', async () => {
    const { items } = await collect(source, { path: CSV });
    for (const item of items) {
      const { parsed: p, message: m } = await expectRoundTrip(item, { source: 'LinkedIn', messageClass: true });
      expect(addressesOf(p.from).map((a) => [a.name, a.address])).toEqual([[item.from!.name, m.from.address]]);
      expect(m.from.address).toMatch(/@linkedin\.invalid$/);
      expect(addressesOf(p.to).map((a) => a.address)).toEqual(m.to.map((t) => t.address));
      expect(addressesOf(p.to).map((a) => a.name)).toEqual(item.to.map((t) => t.name));
    }
  });
});

describe('progress and cancellation', () => {
  it('reports progress up to 1, in order, and stops when the run is cancelled', async () => {
    await expectProgressAndCancellation(source, { path: CSV });
  });
});

describe('linkedin-messages: pieces', () => {
  it('profile slugs', () => {
    expect(profileSlug('https://www.linkedin.com/in/jane-doe-1a2b3c/')).toBe('jane-doe-1a2b3c');
    expect(profileSlug('www.linkedin.com/in/j%C3%B6rg?trk=x')).toBe('jörg');
    expect(profileSlug('https://www.linkedin.com/company/contoso')).toBe('company/contoso');
    expect(profileSlug('')).toBeUndefined();
  });

  it('recipients: URL count decides; names only when there are no URLs', () => {
    expect(recipients('Ann Lee', '').map((r) => r.id)).toEqual(['Ann Lee']);
    expect(recipients('Ann Lee, Bob Stone', '').map((r) => r.id)).toEqual(['Ann Lee', 'Bob Stone']);
    expect(recipients('Ann Lee, Bob Stone, CFA', 'https://www.linkedin.com/in/a;https://www.linkedin.com/in/b').map((r) => [r.id, r.name])).toEqual([['a', undefined], ['b', undefined]]);
  });

  it('dates: UTC, offsets, no zone; nonsense refused', () => {
    expect(parseLinkedInDate('2023-05-01 14:03:22 UTC')?.toISOString()).toBe('2023-05-01T14:03:22.000Z');
    expect(parseLinkedInDate('2023-05-01 14:03:22')?.toISOString()).toBe('2023-05-01T14:03:22.000Z');
    expect(parseLinkedInDate('2023-05-01T16:03:22+02:00')?.toISOString()).toBe('2023-05-01T14:03:22.000Z');
    expect(parseLinkedInDate('2023-13-01 00:00:00 UTC')).toBeUndefined();
    expect(parseLinkedInDate('May 1, 2023')).toBeUndefined();
  });
});
