/**
 * Conformance over every sample in ../shared/fixtures/mime (any licence, read in place): each EML file
 * and each message of each MBOX converts with the fields asserted here, or is refused by validation
 * with the reason given here. A sample added to the folder without an entry here fails the suite.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { emlSource } from '../../main/engine/sources/eml';
import { mboxSource } from '../../main/engine/sources/mbox';
import { convertItem } from '../../main/engine/convert/convert';
import { validateItem } from '../../main/engine/validate';
import type { Item } from '../../main/engine/item';
import { collect } from '../helpers/source';
import { addressesOf } from '../helpers/mail';
import { sharedSamples } from '../helpers/samples';

interface Expected {
  from?: string;
  to: string[];
  subject?: string;
  /** ISO 8601 UTC; absent when the message has no readable Date. */
  date?: string;
  attachments: string[];
  /** The start of the index text, whitespace collapsed. */
  text: string;
  /** The validation failure, when the message is refused. */
  invalid?: string;
}

/** Keyed by path under fixtures/mime, plus ` line N` (where the separator is) for mbox messages. */
const EXPECTED: Record<string, Expected> = {
  'eml/mikel-mail/attachment_message_rfc822.eml': { from: "foo@example.com", to: ["blah@example.com"], subject: "testing", date: "2005-06-06T20:21:22.000Z", attachments: ["ForwardedMessage.eml"], text: "This is the first part." },
  'eml/mikel-mail/attachment_nonascii_filename.eml': { from: "foo@example.com", to: ["blah@example.com"], subject: "testing", date: "2005-06-06T20:21:22.000Z", attachments: ["ciële.txt"], text: "This is the first part." },
  'eml/mikel-mail/attachment_only_email.eml': { from: "rfinnie@domain.dom", to: ["bob@domain.dom"], subject: "this message JUST contains an attachment", date: "2003-10-24T05:40:49.000Z", attachments: ["blah.gz"], text: "" },
  'eml/mikel-mail/attachment_with_base64_encoded_name.eml': { from: "xxxxxxxxx.xxxxxxx@gmail.com", to: ["xxxxx@xxxxxxxxx.com"], subject: "Fwd: Signed email causes file attachments", date: "2005-05-08T19:09:11.000Z", attachments: ["This is a test.pdf"], text: "We should not include these files or vca" },
  'eml/mikel-mail/attachment_with_encoded_name.eml': { from: "xxxxxxxxx.xxxxxxx@gmail.com", to: ["xxxxx@xxxxxxxxx.com"], subject: "Fwd: Signed email causes file attachments", date: "2005-05-08T19:09:11.000Z", attachments: ["01 Quien Te Dijat. Pitbull.mp3"], text: "We should not include these files or vca" },
  // `Date:` holds `<HR>`: never read as a date (mailparser would say *now*)
  'eml/mikel-mail/bad_date_header.eml': { from: "infoz@reactive-outpost.com", to: ["someone@yahoo.com"], subject: "You may_be Eligible for Legitimate_Cash from_GovAgencies!", attachments: [], text: "", invalid: "missing mandatory property DATE" },
  'eml/mikel-mail/basic_email_lf.eml': { from: "test@lindsaar.net", to: ["raasdnil@gmail.com"], subject: "Testing 123", date: "2008-11-22T04:04:59.000Z", attachments: [], text: "Plain email. Hope it works well! Mikel" },
  // the x-uuencode part is empty in the sample: listed by name, no content
  'eml/mikel-mail/content_transfer_encoding_x_uuencode.eml': { from: "lpeters@PACIFIER.COM", to: ["RRGA-L@LIST.RTOWEST.ORG"], subject: "PGP Comments on RTO West Release of Dec. 14", date: "2002-01-10T21:59:53.000Z", attachments: ["PGP_Cmts_on_12-14-01_Pkg.doc"], text: "Attached are the comments of the Public " },
  'eml/mikel-mail/email_with_similar_boundaries.eml': { from: "xxxxxx@xxxxxxxx.xxx", to: ["xxxxxxx@xxxxxxxxxxx.xxx"], subject: "Xxxxxx", date: "2012-04-06T01:01:01.000Z", attachments: ["LOGO.png"], text: "Test" },
  'eml/mikel-mail/encoding_madness.eml': { from: "no-reply@crm.el-example.org", to: ["e-f5f4@app.ar-example.com"], subject: "eBay Bid - 2008 Ford Super Duty F-350 DRW King Ranch Crew Cab 4x4 (156) - Stock# XXXX", date: "2010-09-22T07:30:53.000Z", attachments: [], text: "Body Text" },
  'eml/mikel-mail/japanese_attachment_long_name.eml': { from: "mikel@test.lindsaar.net", to: ["raasdnil@gmail.com"], subject: "まみむめもまみむめもまみむめもまみむめもまみむめもまみむめもまみむめもまみむめもまみむめもまみむめも", date: "2009-10-30T08:11:02.000Z", attachments: ["かきくけこかきくけこかきくけこかきくけこかきくけこ.txt"], text: "" },
  // no Date header; ISO-2022-JP subject and body decoded
  'eml/mikel-mail/japanese_iso_2022.eml': { from: "raasdnil@gmail.com", to: ["raasdnil@gmail.com"], subject: "まみむめも", attachments: [], text: "すみません。", invalid: "missing mandatory property DATE" },
  'eml/mikel-mail/japanese_shift_jis.eml': { from: "xxxxxxx@docomo.ne.jp", to: ["unknown@example.com"], subject: "test", date: "2014-05-28T08:18:19.000Z", attachments: [], text: "あいうえお このメールはテスト用のメールです。 今後ともよろしくお願い申し上げま" },
  'eml/mikel-mail/ks_c_5601-1987.eml': { from: "from@example.com", to: ["unknown@example.com"], subject: "test", date: "2014-05-28T08:18:19.000Z", attachments: [], text: "스티해" },
  'eml/mikel-mail/new_line_in_to_header.eml': { from: "l@gcn-example.com", to: ["leads@sg.dc.com","sag@leads.gs.ry.com","sn@example-hotmail.com","e-s-a-g-8718@app.ar.com","jp@t-exmaple.com","cc@c-l-example.com"], subject: "[Online Lead] Online Lead #1111111", date: "2010-10-13T14:53:04.000Z", attachments: [], text: "<?xml version=\"1.0\" encoding=\"UTF-8\"?> <" },
  'eml/mikel-mail/raw_email_reply.eml': { from: "xxxxxxxx@xxx.org", to: ["mikel@xxxx.net"], subject: "Re: Test reply email", date: "2007-11-18T08:56:07.000Z", attachments: [], text: "Message body" },
  'eml/mikel-mail/raw_email_with_illegal_boundary.eml': { from: "email_test@me.nowhere", to: ["mikel@me.nowhere"], subject: "Testing outlook", date: "2007-10-21T09:38:13.000Z", attachments: [], text: "Hello This is an outlook test So there. " },
  'eml/mikel-mail/raw_email_with_mimepart_without_content_type.eml': { from: "MAILER-DAEMON@antivirus.uqam.ca", to: ["roor32@gmail.com"], subject: "Warning: could not send message for past 1 day", date: "2006-10-20T08:28:33.000Z", attachments: ["attachment-1.eml"], text: "****************************************" },
  'eml/mikel-mail/raw_email_with_nested_attachment.eml': { from: "jamis@37signals.com", to: ["jamis@jamisbuck.org"], subject: "Testing attachments", date: "2007-02-22T18:20:31.000Z", attachments: ["truncated.png","smime.p7s"], text: "Here is a test of an attachment via emai" },
  // raw UTF-8 headers (RFC 6532), no Date header
  'eml/mikel-mail/utf8_headers.eml': { from: "jdöe@mächine.example", to: ["märy@exämple.net"], subject: "Säying Hello", attachments: [], text: "body", invalid: "missing mandatory property DATE" },
  // only From and the image: no To, no Date
  'eml/nodemailer-mailparser/base64encodedroot.eml': { from: "test@example.com", to: [], attachments: ["screenshot.png"], text: "", invalid: "missing mandatory properties TO, DATE" },
  'eml/nodemailer-mailparser/decoderended.eml': { from: "booewq@uuui.com", to: ["wwer@iiieww.net"], subject: "Fwd: fotos", date: "2004-09-09T08:15:52.000Z", attachments: ["attachment-1.eml"], text: "Note: forwarded message attached. ------" },
  'eml/nodemailer-mailparser/delivery-status.eml': { from: "MAILER-DAEMON@amazonses.com", to: ["xxxxx@gmail.com"], subject: "Delivery Status Notification (Failure)", date: "2021-02-16T00:57:06.000Z", attachments: ["attachment-1.eml"], text: "An error occurred while trying to delive" },
  // a body fragment with no From, To or Date
  'eml/nodemailer-mailparser/mixed.eml': { to: [], attachments: [], text: "This e-mail message has been scanned for", invalid: "missing mandatory properties FROM, TO, DATE" },
  // no To, no Date
  'eml/nodemailer-mailparser/nested.eml': { from: "u@example.com", to: [], attachments: [], text: "Dear Sir, Good evening. The footer", invalid: "missing mandatory properties TO, DATE" },
  'eml/postalsys-postal-mime/arf.eml': { from: "abusedesk@example.com", to: ["abuse@example.net"], subject: "FW: Earn money", date: "2005-03-08T21:40:36.000Z", attachments: ["attachment-1.bin"], text: "This is an email abuse report for an ema" },
  'eml/postalsys-postal-mime/bounce.eml': { from: "MAILER-DAEMON@messagingengine.com", to: ["andrisreinman@fastmail.com"], subject: "Undelivered Mail Returned to Sender", date: "2022-10-10T05:37:22.000Z", attachments: ["attachment-1.eml"], text: "This is an automated message from the ma" },
  'eml/postalsys-postal-mime/calendar-event.eml': { from: "andris@postalsys.com", to: ["andris@ethereal.email"], subject: "Invitation: Test event ⏰ @ Thu Apr 11, 2024 11am - 12pm (GMT+3) (andris@ethereal.email)", date: "2024-04-11T06:19:44.000Z", attachments: ["attachment-1.ics","invite.ics"], text: "Test event ⏰ Thursday Apr 11, 2024 ⋅ 11a" },
  'eml/postalsys-postal-mime/mimetorture.eml': { from: "rfinnie@domain.dom", to: ["bob@domain.dom"], subject: "Ryan Finnie's MIME Torture Test v1.0", date: "2003-10-24T06:28:34.000Z", attachments: ["foo.gz","blah.gz","blah1.gz","attachment-4.gz","htmlfile.html","smiley-3.png","dot.gif","signature.asc","attachment-9.gif"], text: "Welcome to Ryan Finnie's MIME torture te" },
  // no Date
  'eml/staktrace-mailparse/nested.eml': { from: "you@example.com", to: ["me@example.com"], subject: "recursion test", attachments: [], text: "Hello from the deepest multipart level.", invalid: "missing mandatory property DATE" },
  // Subject only: no From, To or Date
  'eml/staktrace-mailparse/test_email_01.eml': { to: [], subject: "Test with attachments", attachments: ["sample.pdf","sample.txt"], text: "", invalid: "missing mandatory properties FROM, TO, DATE" },
  'mbox/jstedfast-MimeKit/gmail-takeout-style.mbox line 1': { from: "sender@example.com", to: ["recipient@example.com"], subject: "Message 1", date: "2025-09-26T17:18:40.000Z", attachments: [], text: "Body of message 1." },
  // the attachment's base64 follows its headers with no blank line: listed, empty
  'mbox/jstedfast-MimeKit/gmail-takeout-style.mbox line 22': { from: "sender@example.com", to: ["recipient@example.com"], subject: "Message 2", date: "2025-09-26T17:19:25.000Z", attachments: ["Attachment.zip"], text: "Body of message 2." },
  'mbox/jstedfast-MimeKit/gmail-takeout-style.mbox line 53': { from: "sender@example.com", to: ["recipient@example.com"], subject: "Message 3", date: "2025-09-26T17:19:39.000Z", attachments: [], text: "Body of message 3." },
  'mbox/jstedfast-MimeKit/gmail-takeout-style.mbox line 74': { from: "sender@example.com", to: ["recipient@example.com"], subject: "Message 4", date: "2025-09-26T17:19:54.000Z", attachments: [], text: "Body of message 4." },
  'mbox/jstedfast-MimeKit/simple.mbox line 1': { from: "fejj@gnome.org", to: ["fejj@gnome.org"], subject: "this'll probably break a lot of mime parsers", date: "2002-08-23T06:32:53.000Z", attachments: [], text: "Hello world. multipart/mixed; boundary=\"" },
  'mbox/jstedfast-MimeKit/simple.mbox line 25': { from: "fejj@gnome.org", to: ["fejj@gnome.org"], subject: "this'll probably break even more mime parsers", date: "2002-08-23T06:32:53.000Z", attachments: [], text: "Hello world. multipart/mixed; boundary=\"" },
  'mbox/jstedfast-MimeKit/simple.mbox line 48': { from: "fejj@gnome.org", to: ["fejj@gnome.org"], subject: "if a mime parser can correctly handle this, I'm impressed", date: "2002-08-23T06:32:53.000Z", attachments: [], text: "" },
  // unescaped `From Russia with love` stays in the body; no To, no Date
  'mbox/jstedfast-MimeKit/unmunged.mbox line 1': { from: "jeff@xamarin.com", to: [], subject: "This is a test message with an unmunged From line", attachments: [], text: "This is my favourite James Bond movie: F", invalid: "missing mandatory properties TO, DATE" },
  'mbox/jstedfast-MimeKit/unmunged.mbox line 13': { from: "jeff@xamarin.com", to: [], subject: "Another test message with an unmunged From line", attachments: [], text: "This is my favourite James Bond movie: F", invalid: "missing mandatory properties TO, DATE" },
  // no Date (the envelope line's date is not the message's)
  'mbox/mailpile-Mailpile/fw-question.mbox line 1': { from: "you@test.local", to: ["another@test.local"], subject: "Fw: About shrubberies", attachments: [], text: "Test", invalid: "missing mandatory property DATE" },
  // no Subject, no Date
  'mbox/mailpile-Mailpile/no-subject.mbox line 1': { from: "ohcheeou@test.local", to: ["another@test.local"], attachments: [], text: "Test", invalid: "missing mandatory property DATE" },
  // no To: the recipient comes from Delivered-To
  'mbox/mailpile-Mailpile/tests.mbox line 1': { from: "kde-isl+askrift@example.com", to: ["bjarni.runar@gmail.com"], subject: "Moderation request [kde-isl] <bang>", date: "2013-09-16T00:27:03.000Z", attachments: [], text: "Vinsamlegast lestu yfir eftirfarandi ski" },
  'mbox/mailpile-Mailpile/tests.mbox line 185': { from: "no-reply@example.com", to: ["bre@example.com"], subject: "✈ Northern Lights Extravaganza: Iceland from DKK599/£69/€96", date: "2013-09-16T11:54:18.000Z", attachments: [], text: "Oh hello there, Hey guess what? The late" },
  // raw ISO-8859-1 subject bytes, read as windows-1252
  'mbox/mailpile-Mailpile/tests.mbox line 2385': { from: "bre@slinky", to: ["bre@slinky","nobody@nowhere.com"], subject: "Testing encryption, raw ISO-8859-1: áéíóúýþæöðÁÉÍÓÚÝÞÆÖÐ", date: "2014-01-10T15:32:15.000Z", attachments: ["attachment-1.asc","msg.asc"], text: "" },
  'mbox/mailpile-Mailpile/tests.mbox line 2434': { from: "bre@slinky", to: ["bre@slinky"], subject: "Testing signatures, raw UTF-8: áéíóúýþæöðÁÉÍÓÚÝÞÆÖÐ", date: "2014-01-10T15:32:54.000Z", attachments: ["signature.asc"], text: "This should be a signed message, hello w" },
  'mbox/mailpile-Mailpile/tests.mbox line 2478': { from: "hi@brennannovak.com", to: ["team+testing@mailpile.is"], subject: "Email That Is Encrypted", date: "2014-01-10T15:36:04.000Z", attachments: ["attachment-1.asc","encrypted.asc"], text: "" },
  'mbox/mailpile-Mailpile/tests.mbox line 2565': { from: "hi@brennannovak.com", to: ["team+testing@mailpile.is"], subject: "Email That Is Signed", date: "2014-01-10T15:35:29.000Z", attachments: ["signature.asc"], text: "Yo Bjarni, Brennan here, sending this me" },
  'mbox/mailpile-Mailpile/tests.mbox line 2697': { from: "bre@slinky", to: ["bre@slinky"], subject: "Inline encryption test", date: "2014-01-10T15:53:35.000Z", attachments: [], text: "This is a message which is partially enc" },
  'mbox/mailpile-Mailpile/tests.mbox line 2732': { from: "barnaby@woots", to: ["team+testing@mailpile.is"], subject: "PGP Testing Email", date: "2014-01-17T17:19:50.000Z", attachments: ["attachment-1.asc","encrypted.asc"], text: "" },
  'mbox/mailpile-Mailpile/tests.mbox line 2815': { from: "Noa@fujihamfist", to: ["people@linux","linux-usb@vger.kernel.org","MIA.Tadao@jifu"], subject: "RE: [PATCH v3 00/11] usbip: features to USB over WebSocket", date: "2015-04-28T09:35:25.000Z", attachments: [], text: "Hello, > As far as I understand your des" },
};

const { root, files: sampleFiles } = sharedSamples('mime');

const fileOf = (key: string) => key.replace(/ line \d+$/, '');

async function expectItem(item: Item, key: string): Promise<void> {
  const e = EXPECTED[key]!;
  expect(item.from?.id, key).toBe(e.from);
  expect(item.to.map((t) => t.id), key).toEqual(e.to);
  expect(item.subject, key).toBe(e.subject);
  expect(item.date?.toISOString(), key).toBe(e.date);
  expect(item.attachments.map((a) => a.filename), key).toEqual(e.attachments);
  expect((item.text ?? '').replace(/\s+/g, ' ').trim().startsWith(e.text), key).toBe(true);
  const invalid = validateItem(item);
  if (e.invalid) {
    expect(invalid, key).toBe(`item ${item.id} (${item.origin.file}${item.origin.position ? ` (${item.origin.position})` : ''}): ${e.invalid}`);
    return;
  }
  expect(invalid, key).toBeNull();
  // Kept as it is: the converted message is the Ferry headers, then the original bytes.
  const m = await convertItem(item);
  expect(m.mime.subarray(m.mime.length - item.mime!.length).equals(item.mime!), key).toBe(true);
  const head = m.mime.subarray(0, m.mime.length - item.mime!.length).toString('latin1');
  expect(head, key).toMatch(/^(Message-ID: <[0-9a-f]{40}\.mail@ferry\.invalid>\r?\n)?X-Ferry-Message-Class: IPM\.NOTE\.Mail\.Message\r?\nX-Ferry-Source: Mail\r?\n$/);
  const back = await simpleParser(m.mime);
  expect(addressesOf(back.from)[0]?.address, key).toBe(e.from);
  expect(back.date?.toISOString(), key).toBe(e.date);
  expect(back.messageId, key).toBe(m.messageId);
}

describe('MIME samples in ../shared/fixtures/mime', () => {
  const files = sampleFiles();

  it('has an expectation for every sample file, and a sample for every expectation', () => {
    expect(files.length).toBe(37);
    expect([...new Set(Object.keys(EXPECTED).map(fileOf))].sort()).toEqual(files);
  });

  for (const file of files.filter((f) => f.endsWith('.eml'))) {
    it(`eml: ${file}`, async () => {
      const abs = path.join(root, file);
      const { items, bad } = await collect(emlSource, { path: abs });
      expect(bad).toEqual([]);
      expect(items).toHaveLength(1);
      const raw = fs.readFileSync(abs);
      // Only an mbox envelope line left at the top is not part of the message.
      const original = raw.subarray(0, 5).toString('latin1') === 'From ' ? raw.subarray(raw.indexOf(0x0a) + 1) : raw;
      expect(items[0]!.mime!.equals(original)).toBe(true);
      await expectItem(items[0]!, file);
    });
  }

  for (const file of files.filter((f) => f.endsWith('.mbox'))) {
    it(`mbox: ${file}`, async () => {
      const { items, bad } = await collect(mboxSource, { path: path.join(root, file) });
      expect(bad).toEqual([]);
      const keys = Object.keys(EXPECTED).filter((k) => fileOf(k) === file);
      expect(items.map((i) => `${file} ${i.origin.position}`)).toEqual(keys);
      for (const [n, item] of items.entries()) await expectItem(item, keys[n]!);
    });
  }
});
