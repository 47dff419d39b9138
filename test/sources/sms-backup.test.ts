import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { simpleParser } from 'mailparser';
import { smsBackupSource as source } from '../../main/engine/sources/sms-backup';
import { repairCharRefs, xmlRecords } from '../../main/engine/sources/sms-backup/xml-records';
import { getSource } from '../../main/engine/sources/registry';
import type { Identity, Item } from '../../main/engine/item';
import { convertItem } from '../../main/engine/convert/convert';
import { fixture } from '../helpers/fixtures';
import { attachmentContents, collect } from '../helpers/source';
import { expectRoundTrip } from '../helpers/mail';
import { scratchDir, writeTree } from '../helpers/files';
import { writeZip } from '../helpers/zip';

const MADE = fixture('sms-backup', 'made');
const SMS = path.join(MADE, 'sms-20240301.xml');
const CALLS = path.join(MADE, 'calls-20240301.xml');
const OWNER = { id: '+15550000000', kind: 'phone', platform: 'sms', name: 'Olivia Owner' };
const ANN = { id: '+15550001111', kind: 'phone', platform: 'sms', name: 'Ann Lee' };
const BOB = { id: '+15550002222', kind: 'phone', platform: 'sms', name: 'Bob Stone' };
const CHLOE = { id: '+15550003333', kind: 'phone', platform: 'sms', name: 'Chloé Dubois' };
const settings = { path: MADE, owner: '+1 (555) 000-0000', ownerName: 'Olivia Owner' };

const tmp = scratchDir('ferry-sms-');

const phoneAddress = (id: string) => `${id.replace(/[^A-Za-z0-9+_.-]+/g, '_')}@sms.invalid`;

async function roundTrips(items: Item[]): Promise<void> {
  const address = (who: Identity) => phoneAddress(who.id);
  for (const item of items) await expectRoundTrip(item, { source: 'SMS', from: address, to: address, wholeSeconds: true, messageClass: true });
}

describe('sms-backup: SMS, MMS and calls made for the tests', () => {
  it('is registered under its kind; check() reads only the root elements', async () => {
    expect(getSource('sms-backup')).toBe(source);
    expect(await source.check(settings)).toEqual({ ok: true, message: 'calls-20240301.xml: 6 calls, sms-20240301.xml: 9 messages; owner +15550000000' });
    expect(await source.check({ path: MADE, owner: 'call me' })).toEqual({ ok: false, message: 'owner "call me" is not a phone number (e.g. +15551234567)' });
  });

  it('yields every record in file order, with the bad ones named by element and line', async () => {
    const { items, bad, notices } = await collect(source, settings);
    expect(items.map((i) => i.event)).toEqual(['Call', 'Call', 'Call', 'Call', 'Call', 'SMS', 'SMS', 'MMS', 'MMS', 'SMS', 'SMS']);
    expect(bad.map((b) => [path.basename(b.origin.file), b.origin.position, b.reason])).toEqual([
      ['calls-20240301.xml', 'element 5 <call>, line 8', 'duration "ten" is not a number of seconds'],
      ['sms-20240301.xml', 'element 3 <sms>, line 6', 'date "not-a-date" is not a time in milliseconds'],
      ['sms-20240301.xml', 'element 4 <sms>, line 7', 'malformed XML at line 7, column 30: unquoted attribute value.'],
      ['sms-20240301.xml', 'element 7 <sms>, line 31', 'type "9" is not an SMS box Android knows (1 to 6)'],
    ]);
    expect(notices).toEqual([`${SMS}: 1 character reference(s) to characters XML does not allow (lone surrogates, control characters) were replaced by U+FFFD`]);
    // Ids are hashes of the record's own fields: the same backup read again gives the same ids.
    const again = await collect(source, settings);
    expect(again.items.map((i) => i.id)).toEqual(items.map((i) => i.id));
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    expect(items.every((i) => /^(sms|mms|call)\/[0-9a-f]{32}$/.test(i.id))).toBe(true);
  });

  it('received SMS go FROM the address TO the owner; sent and drafts FROM the owner TO the address', async () => {
    const sms = (await collect(source, settings)).items.filter((i) => i.event === 'SMS');
    expect(sms.map((i) => [i.from, i.to, i.date?.toISOString(), i.meta['SMS-Box']])).toEqual([
      [ANN, [OWNER], '2024-03-01T09:00:00.000Z', 'received'],
      [OWNER, [ANN], '2024-03-01T09:01:00.000Z', 'sent'],
      [{ id: 'AMAZON', kind: 'user-id', platform: 'sms' }, [OWNER], '2024-03-01T13:00:00.000Z', 'received'],
      [OWNER, [ANN], '2024-03-01T14:00:00.000Z', 'draft'],
    ]);
    // The surrogate pair is one emoji; entities and line breaks are decoded; the lone surrogate is U+FFFD.
    expect(sms[0]!.subject).toBe('Ann Lee: Deal closed 😀 see you at 5');
    expect(sms[1]!.text).toContain('Great & thanks!\nSecond line <b>not bold</b>');
    expect(sms[1]!.html).toContain('Great &amp; thanks!<br>\nSecond line &lt;b&gt;not bold&lt;/b&gt;');
    expect(sms[2]!.text).toContain('Broken char: \uFFFD end');
    expect(sms[0]!.text).toContain('From: Ann Lee (+15550001111)\nTo: Olivia Owner (+15550000000)\nDate: 2024-03-01 09:00:00 UTC\nSent: 2024-03-01 08:59:58 UTC');
    expect(sms[0]!.conversation).toEqual({ id: '+15550001111', name: 'Ann Lee' });
    expect(sms[3]!.text).toContain('Box: draft');
  });

  it('MMS: sender from <addr type=137>, TO and CC from 151/130; text parts make the body, media become attachments, SMIL is left out', async () => {
    const mms = (await collect(source, settings)).items.filter((i) => i.event === 'MMS');
    const group = mms[0]!;
    expect(group.from).toEqual(BOB);
    expect(group.to).toEqual([CHLOE, OWNER]);
    expect(group.subject).toBe('Bob Stone, Chloé Dubois: Q1 numbers');
    expect(group.text).toContain('Subject: Q1 numbers\n\nNumbers attached, and Dave\'s card.');
    const files = await attachmentContents(group);
    expect([...files.keys()]).toEqual(['chart.png', 'part-0.vcf']);
    expect(files.get('chart.png')!.subarray(1, 4).toString()).toBe('PNG');
    expect(files.get('part-0.vcf')!.toString()).toBe('BEGIN:VCARD\nVERSION:2.1\nFN:Dave Kim\nTEL:+15550004444\nEND:VCARD');
    expect(group.attachments.map((a) => a.contentType)).toEqual(['image/png', 'text/x-vcard']);
    expect(group.meta['MMS-Message-Id']).toBe('mms-0001@contoso.example');
    // Sent: FROM the owner (not "insert-address-token"); the photo the backup left out is said, not dropped.
    const sent = mms[1]!;
    expect(sent).toMatchObject({ from: OWNER, to: [BOB], attachments: [] });
    expect(sent.subject).toBe('Bob Stone: Got it 👍');
    expect(sent.text).toContain('Attachment photo.jpg (image/jpeg) is not in the backup (it was made without MMS attachments, or the part is empty)');
  });

  it('calls: a readable sentence, the caller FROM, the owner TO (outgoing the other way); hidden numbers stay hidden', async () => {
    const calls = (await collect(source, settings)).items.filter((i) => i.event === 'Call');
    expect(calls.map((c) => [c.from?.id, c.to.map((t) => t.id), c.subject])).toEqual([
      ['+15550001111', ['+15550000000'], 'Incoming call from Ann Lee (+15550001111), 2:05 (125 s)'],
      ['+15550000000', ['+15550002222'], 'Outgoing call to Bob Stone (+15550002222), 1:02:05 (3725 s)'],
      ['+15550003333', ['+15550000000'], 'Missed call from Chloé Dubois (+15550003333)'],
      ['hidden-number', ['+15550000000'], 'Rejected call from Caller with a withheld number'],
      ['+15550004444', ['+15550000000'], 'Voicemail from +15550004444, 0:42 (42 s)'],
    ]);
    expect(calls[1]!.meta).toMatchObject({ 'Call-Type': 'Outgoing call', 'Call-Duration-Seconds': '3725' });
    expect(calls[0]!.text).toContain('Call: Incoming call\nNumber: +15550001111\nContact: Ann Lee\nDate: 2024-03-01 08:50:00 UTC\nDuration: 2:05 (125 s)');
  });

  it('every item validates and converts; MMS attachments survive the round trip', async () => {
    const { items } = await collect(source, settings);
    await roundTrips(items);
    const p = await simpleParser((await convertItem(items.find((i) => i.event === 'MMS')!)).mime);
    expect(p.attachments.map((a) => a.filename)).toEqual(['chart.png', 'part-0.vcf']);
  });

  it('without the owner setting the phone\'s side is a stand-in, and a notice says so', async () => {
    const { items, notices } = await collect(source, { path: SMS });
    expect(items[0]!.to).toEqual([{ id: 'phone-owner', kind: 'user-id', platform: 'sms', name: 'Owner of the backed-up phone' }]);
    expect(notices[0]).toBe('the owner setting (the backed-up phone\'s number) is not set: the phone\'s side of every message and call is "phone-owner" until it is');
  });

  it('reports progress up to 1, and stops when cancelled', async () => {
    const fractions: number[] = [];
    let n = 0;
    for await (const _ of source.read(settings, { progress: (f) => fractions.push(f) })) n++;
    expect(n).toBe(15);
    expect(fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1]!))).toBe(true);
    expect(fractions[fractions.length - 1]).toBe(1);
    const ac = new AbortController();
    let seen = 0;
    for await (const _ of source.read(settings, { signal: ac.signal })) if (++seen === 3) ac.abort();
    expect(seen).toBe(3);
  });

  it('a ZIP of the folder reads in place and gives the same records', async () => {
    const zipPath = path.join(tmp, 'backup.zip');
    await writeZip(zipPath, { 'SMSBackupRestore/calls-20240301.xml': { file: CALLS }, 'SMSBackupRestore/sms-20240301.xml': { file: SMS } });
    const folder = await collect(source, settings);
    const zipped = await collect(source, { ...settings, path: zipPath });
    expect(zipped.items.map((i) => [i.id, i.text])).toEqual(folder.items.map((i) => [i.id, i.text]));
    expect(zipped.bad[0]!.origin.file).toBe(`${zipPath}!SMSBackupRestore/calls-20240301.xml`);
  });
});

describe('sms-backup: damaged files', () => {
  it('a file cut in the middle of a record: the records before it, the cut one reported, the count mismatch noticed', async () => {
    const text = fs.readFileSync(SMS, 'utf8');
    const file = path.join(tmp, 'sms-cut.xml');
    fs.writeFileSync(file, text.slice(0, text.indexOf('<part seq="0" ct="image/png"')));
    const { items, bad, notices } = await collect(source, { path: file, owner: '+15550000000' });
    expect(items.map((i) => i.event)).toEqual(['SMS', 'SMS']);
    expect(bad.map((b) => [b.origin.position, b.reason])).toEqual([
      ['element 3 <sms>, line 6', 'date "not-a-date" is not a time in milliseconds'],
      ['element 4 <sms>, line 7', 'malformed XML at line 7, column 30: unquoted attribute value.'],
      ['element 5 <mms>, line 8', 'the file ends inside this element: it is incomplete (the file is truncated); malformed XML at line 11, column 7: unclosed tag: parts'],
    ]);
    expect(notices).toContain(`${file}: the file says it holds 9 messages (count="9") but 5 record(s) were found in it`);
  });

  it('a file cut between records says it is truncated', async () => {
    const text = fs.readFileSync(CALLS, 'utf8');
    const file = path.join(tmp, 'calls-cut.xml');
    fs.writeFileSync(file, text.slice(0, text.indexOf('  <call number="+15550003333"')));
    const { items, bad } = await collect(source, { path: file, owner: '+15550000000' });
    expect(items).toHaveLength(2);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.reason).toBe('the file ends before its closing </calls> tag: it is truncated (unclosed tag: calls); the 2 record(s) before the end were read');
  });

  it('an XML file that is not a backup is refused alone and skipped in a folder', async () => {
    const dir = writeTree(path.join(tmp, 'mixed'), { 'a-other.xml': '<?xml version="1.0"?><catalog><book/></catalog>', 'calls.xml': fs.readFileSync(CALLS) });
    const { items, notices } = await collect(source, { path: dir, owner: '+15550000000' });
    expect(items).toHaveLength(5);
    expect(notices).toEqual([`${path.join(dir, 'a-other.xml')}: not an SMS Backup & Restore file (its root element is <catalog>, not <smses> or <calls>); skipped`]);
    await expect(collect(source, { path: path.join(dir, 'a-other.xml') })).rejects.toMatchObject({ errorClass: 'config' });
  });

  it('surrogate-pair references are rejoined even when a chunk boundary falls inside them', async () => {
    expect(repairCharRefs('a &#55357;&#56832; b &#xD83D;&#xDC4D; &#1; &#65;').text).toBe('a &#x1F600; b &#x1F44D; &#xFFFD; &#x41;');
    const xml = '<smses count="1"><sms address="+1555" date="1" type="1" body="x &#55357;&#56832; y" /></smses>';
    for (let cut = 1; cut < xml.length; cut++) {
      const input = Readable.from([Buffer.from(xml.slice(0, cut)), Buffer.from(xml.slice(cut))]);
      const records = [];
      for await (const ev of xmlRecords(input, { describe: 'x' })) if (ev.kind === 'record') records.push(ev);
      expect(records.map((r) => r.attrs.body)).toEqual(['x 😀 y']);
    }
  });
});
