import { describe, expect, it } from 'vitest';
import MimeNode from 'nodemailer/lib/mime-node';
import * as mimeFuncs from 'nodemailer/lib/mime-funcs';
import { header } from '../../main/engine/convert/mime';

/** What nodemailer's header encoder writes for a header: the reference the shortcuts must match byte for byte. */
const reference = (key: string, value: unknown) =>
  `${mimeFuncs.foldLines(`${key}: ${new MimeNode(false, {}).encodeHeaderValue(key, value as string)}`, 76)}\r\n`;

const TEXTS = [
  '', 'Hello', 'Contoso trading desk: Re confirm risk price invoice review quarter offer budget update contract shipment',
  'Chloé Dubois', 'Deals 🚀 and more', 'a "quoted" word', 'looks =?utf-8?Q?encoded?= but is not', 'tab\there', 'x'.repeat(200),
  `${'word '.repeat(30)}end`, 'trailing space ', 'line\r\nbreak', 'ctrl\u0001char', 'Contoso trading desk: contract shipment meeting target sign forecast deal delivery…',
];

describe('MIME header shortcuts', () => {
  it('write unstructured text (Subject, long X- headers) exactly as the encoder does', () => {
    for (const v of TEXTS) {
      expect(header('Subject', v), v).toBe(reference('Subject', v));
      if (v.length > 70) expect(header('X-Ferry-Conversation', v), v).toBe(reference('X-Ferry-Conversation', v));
    }
  });

  it('write msg-ids and References exactly as the encoder does', () => {
    const ids = ['<2fa61889e80a7e27acb6a925b22b4c35daae9301.telegram@ferry.invalid>', '<a@b>', 'no-brackets@x', '<with space@x>', '<tab\t@x>'];
    for (const id of ids) {
      expect(header('Message-ID', id), id).toBe(reference('Message-ID', id));
      expect(header('In-Reply-To', id), id).toBe(reference('In-Reply-To', id));
    }
    for (const refs of [ids.slice(0, 2), [ids[0]!, ids[0]!, ids[0]!], ids]) expect(header('References', refs)).toBe(reference('References', refs));
  });

  it('write address headers exactly as the encoder does, also when asked again (cached)', () => {
    const lists = [
      [{ name: 'Ann Lee', address: 'user1001@telegram.invalid' }],
      [{ name: 'Chloé Dubois', address: 'user1003@telegram.invalid' }, { name: '', address: 'bob@bücher.example' }],
      [{ name: 'Diaz, Carol', address: 'carol@contoso.com' }, { name: 'Émile "E" Zola', address: 'emile@contoso.com' }],
    ];
    for (const list of lists) {
      for (const key of ['From', 'To']) {
        const first = header(key, list);
        expect(first).toBe(reference(key, list));
        expect(header(key, list.map((a) => ({ ...a })))).toBe(first);
      }
    }
    // Same addresses, another name: not confused with the cached line.
    expect(header('To', [{ name: 'Ann L.', address: 'user1001@telegram.invalid' }])).toBe(reference('To', [{ name: 'Ann L.', address: 'user1001@telegram.invalid' }]));
  });
});
