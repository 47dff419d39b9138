/**
 * Every WhatsApp sample in ../shared/fixtures/whatsapp, whatever its licence, read in place: message
 * counts, first and last timestamps (in file order), the layout detected, and the samples that cannot
 * be dated without the dateOrder setting fail with that reason and import once it is set.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { whatsappChatSource as source } from '../../main/engine/sources/whatsapp-chat';
import type { Item } from '../../main/engine/item';
import { validateItem } from '../../main/engine/validate';
import { convertItem } from '../../main/engine/convert/convert';
import { collect, eventCounts } from '../helpers/source';
import { sharedSamples } from '../helpers/samples';

const { root: dir, files: listSamples } = sharedSamples('whatsapp');

interface Expected {
  settings?: Record<string, string>;
  items: number;
  events: Record<string, number>;
  first: string;
  last: string;
  /** Layouts the check reports, each with its clock and how the order was decided. */
  layouts: string[];
  participants: number;
  /** Bad records (position → reason pattern) when some messages cannot be read. */
  bad?: [string, RegExp][];
  more?: (items: Item[]) => void;
}

const AMBIGUOUS = /the date order is ambiguous: .* set the connector's dateOrder setting to dmy \(day first\) or mdy \(month first\)/;

const joweich = (layout: string): Expected => ({
  items: 9, events: { Message: 7, System: 2 }, first: '2019-01-01T11:25:00.000Z', last: '2021-12-30T22:01:00.000Z',
  layouts: [layout], participants: 5,
  more: (items) => {
    expect(items.map((i) => i.from!.id)).toContain('🤓');
    expect(items[8]!.text).toMatch(/Lorem ipsum dolor sit amet,\nconsectetur adipiscing elit\. Duis libero\.$/);
  },
});

const mlomb4A: Expected = {
  items: 0, events: {}, first: '', last: '', layouts: [], participants: 5,
  bad: Array.from({ length: 14 }, (_, i) => [`line ${i + 1}`, AMBIGUOUS] as [string, RegExp]),
};
const mlomb4AMdy: Expected = {
  settings: { dateOrder: 'mdy' },
  items: 14, events: { System: 3, Message: 11 }, first: '2020-12-09T23:55:00.000Z', last: '2020-12-09T23:56:00.000Z',
  layouts: ["m/d/yy, HH:MM - (24-hour; the connector's dateOrder setting (mdy))"], participants: 5,
  more: (items) => {
    expect(items[1]!.date!.toISOString()).toBe('2020-12-09T23:16:00.000Z'); // out of order in the file, kept as written
    expect(items.filter((i) => i.event === 'System').map((i) => i.from!.id)).toEqual(['chat:4A_11M', 'chat:4A_11M', 'chat:4A_11M']);
    expect(items[11]!.from!.id).toBe('Trent');
    expect(items[11]!.text).toMatch(/👩🏻‍⚖️$/);
    expect(items[3]!.to.map((t) => t.id)).toEqual(['Eve', 'Alice', 'Mallory', 'Trent']);
  },
};

const timelinizeParts = (items: Item[]) => {
  const byLine = new Map(items.map((i) => [i.origin.position, i]));
  expect(byLine.get('line 1')!.event).toBe('System');
  expect(byLine.get('line 2')!.event).toBe('System');
  expect(byLine.get('line 2')!.text).toMatch(/Person 1: \u200ePerson 2 changed their phone number to a new number$/);
  expect(byLine.get('line 5')!.text).toMatch(/Someone else\nwith a lot to say\nover multiple lines!$/);
  expect(byLine.get('line 8')!.meta['Missing-Attachment']).toBe('some-image.jpg');
  expect(byLine.get('line 10')!.meta.Deleted).toBe('true');
  expect(byLine.get('line 12')!.meta['Missing-Attachment']).toBe('some-doc.pdf');
  expect(byLine.get('line 13')!.meta.Poll).toBe('A question');
  expect(byLine.get('line 13')!.text).toContain('Poll: A question\n  • Option A (1 vote)\n  • Option B (2 votes)');
  expect(byLine.get('line 17')!.meta.Location).toBe('British Library (96 Euston Rd, London, Greater London NW1 2DB)');
  expect(byLine.get('line 18')!.meta.Location).toBe('51.513767,-0.098266');
  expect(byLine.get('line 19')!.meta['Media-Omitted']).toBe('image');
  expect([byLine.get('line 20')!.event, byLine.get('line 20')!.meta.Call]).toEqual(['Call', 'Missed voice call']);
  expect([byLine.get('line 21')!.event, byLine.get('line 21')!.meta.Call]).toEqual(['Call', 'Video call, 5 min']);
  expect(byLine.get('line 22')!.meta.Deleted).toBe('true');
  expect(byLine.get('line 23')!.meta.Edited).toBe('true');
  expect(byLine.get('line 23')!.text).not.toContain('<This message was edited>');
};
const timelinizeLayouts = [
  '[yyyy-mm-dd, HH:MM:SS] (24-hour; a 4-digit year comes first)',
  '[yyyy.mm.dd, HH:MM:SS] (24-hour; a 4-digit year comes first)',
  '[yyyy/mm/dd, HH:MM:SS] (24-hour; a 4-digit year comes first)',
];

/** One entry per file in ../shared/fixtures/whatsapp; several runs for files that need a setting. */
const SAMPLES: Record<string, Expected[]> = {
  'joweich-chat-miner/test_ddmmyy_24hrs.txt': [joweich('dd/mm/yy, HH:MM - (24-hour; a first field above 12 (line 2))')],
  'joweich-chat-miner/test_mmddyy_24hrs.txt': [joweich('mm/dd/yy, HH:MM - (24-hour; a second field above 12 (line 2))')],
  'joweich-chat-miner/test_[mmddyy]_24hrs.txt': [joweich('[mm/dd/yy HH:MM] (24-hour; a second field above 12 (line 2))')],
  'joweich-chat-miner/test_mmddyyyy_12hrs.txt': [joweich('mm/dd/yyyy, hh:mm a. m. - (12-hour; a second field above 12 (line 2))')],
  'joweich-chat-miner/test_yyyymmdd_24hrs.txt': [joweich('yyyy/mm/dd, HH:MM - (24-hour; a 4-digit year comes first)')],
  'lucasrodes-whatstk/pokemon.txt': [{
    items: 20, events: { System: 2, Message: 18 }, first: '2016-04-15T15:04:00.000Z', last: '2016-10-31T12:23:00.000Z',
    layouts: ['dd.mm.yyyy, HH:MM - (24-hour; a first field above 12 (line 1))'], participants: 8,
    more: (items) => {
      // The Android E2E notice under the chat's label is a system line, and the label is no participant.
      expect(items[0]!.from!.id).toBe('chat:pokemon');
      expect(items[0]!.text).toMatch(/Pokemon Chat: Messages and calls are end-to-end encrypted/);
      expect(items[12]!.from!.id).toBe('Jessie & James');
      expect(items[0]!.to.map((t) => t.id)).not.toContain('Pokemon Chat');
    },
  }],
  'lucasrodes-whatstk/lorem.txt': [{
    items: 500, events: { Message: 500 }, first: '2020-01-15T02:22:56.000Z', last: '2020-05-11T22:32:48.000Z',
    layouts: ['[dd-mm-yy HH:MM:SS] (24-hour; a first field above 12 (line 1))'], participants: 4,
    more: (items) => {
      expect(new Set(items.map((i) => i.from!.id))).toEqual(new Set(['Mary', '+1123456789', 'Giuseppe', 'John']));
      expect(items.find((i) => i.from!.id === '+1123456789')!.from!.kind).toBe('phone');
      expect(new Set(items.map((i) => i.id)).size).toBe(500);
      expect(items[0]!.text).toMatch(/Nostrud exercitation magna id\. $/);
    },
  }],
  'mlomb-chat-analytics/2A_5M.txt': [{
    items: 5, events: { Message: 5 }, first: '2021-01-01T12:00:00.000Z', last: '2021-01-01T12:02:00.000Z',
    layouts: ['d/m/yy, HH:MM - (24-hour; every date reads the same in either order)'], participants: 2,
    more: (items) => {
      expect(items[3]!.meta['Media-Omitted']).toBe('media');
      expect(items.map((i) => i.from!.id)).toEqual(['A', 'B', 'A', 'B', 'A']);
      expect(items[0]!.to.map((t) => t.id)).toEqual(['B']);
    },
  }],
  'mlomb-chat-analytics/4A_11M.txt': [mlomb4A, mlomb4AMdy],
  'mlomb-chat-analytics/4A_11M.zip': [mlomb4A, mlomb4AMdy],
  'Pustur-whatsapp-chat-parser/short-chat.txt': [{
    items: 5, events: { System: 2, Message: 3 }, first: '2017-06-03T00:45:00.000Z', last: '2017-09-04T01:50:00.000Z',
    layouts: ['mm/dd/yyyy, HH:MM - (24-hour; dates only stay in order when read month first)'], participants: 3,
    more: (items) => expect(items[4]!.from).toMatchObject({ id: '+410123456789', kind: 'phone' }),
  }],
  'Pustur-whatsapp-chat-parser-website/_chat.txt': [{
    items: 52, events: { System: 4, Message: 48 }, first: '2019-06-20T15:58:47.000Z', last: '2019-06-20T16:45:28.000Z',
    layouts: ['[dd.mm.yy, HH:MM:SS] (24-hour; a first field above 12 (line 1))'], participants: 3,
    more: (items) => {
      expect(items.filter((i) => i.meta['Missing-Attachment']).map((i) => i.meta['Missing-Attachment'])).toEqual([
        '00000001-PHOTO-2019-06-20-16-00-15.jpg', '00000002-VIDEO-2019-06-20-16-01-42.mp4',
        '00000003-AUDIO-2019-06-20-16-03-55.mp3', '00000004-whatsapp-chat-parser-example.zip',
      ]);
      expect(items.find((i) => i.meta.Poll)!.meta.Poll).toBe('When can we meet?');
    },
  }],
  'Pustur-whatsapp-chat-parser-website/old-example.zip': [{
    items: 100, events: { System: 3, Message: 97 }, first: '2019-06-20T15:58:47.000Z', last: '2019-06-20T19:54:58.000Z',
    layouts: ['[dd.mm.yy, HH:MM:SS] (24-hour; a first field above 12 (line 1))'], participants: 3,
    more: (items) => expect(items[0]!.text).toMatch(/\u200eMessages to this group are now secured with end-to-end encryption\.$/),
  }],
  'emmaakachukwu-whatsapp-chat-parser-rb/sample.txt': [{
    items: 7, events: { Message: 5, System: 2 }, first: '2025-12-15T10:30:00.000Z', last: '2025-12-15T10:36:00.000Z',
    layouts: [
      'mm/dd/yy, hh:mm AM - (12-hour; a second field above 12 (line 1))',
      '[dd/mm/yyyy, hh:mm:ss AM] (12-hour; a first field above 12 (line 5))',
      'dd/mm/yyyy, hh:mm:ss AM (12-hour; a first field above 12 (line 9))',
    ],
    participants: 5,
  }],
  'timelinize/_chat.txt': [
    {
      items: 18, events: { System: 2, Message: 14, Call: 2 }, first: '2020-01-01T12:00:01.000Z', last: '2020-06-01T12:00:18.000Z',
      layouts: timelinizeLayouts, participants: 4, bad: [['line 24', AMBIGUOUS]], more: timelinizeParts,
    },
    {
      settings: { dateOrder: 'dmy' },
      items: 19, events: { System: 2, Message: 15, Call: 2 }, first: '2020-01-01T12:00:01.000Z', last: '2025-07-01T12:00:19.000Z',
      layouts: [...timelinizeLayouts, "[dd/mm/yyyy, HH:MM:SS] (24-hour; the connector's dateOrder setting (dmy))"], participants: 4,
      more: (items) => {
        timelinizeParts(items);
        expect(items[18]!.from!.id).toBe('Persona español');
        expect(items[18]!.meta.Poll).toBe('Una pregunta');
        expect(items[18]!.text).toContain('Poll: Una pregunta\n  • Opción A (0 votos)\n  • Opción B (1 voto)\n  • Opción C (2 votos)');
      },
    },
  ],
};

describe('whatsapp-chat conformance over ../shared/fixtures/whatsapp', () => {
  it('covers every sample file', () => {
    expect(listSamples()).toEqual(Object.keys(SAMPLES).sort());
  });

  for (const [file, runs] of Object.entries(SAMPLES)) {
    for (const exp of runs) {
      const label = exp.settings ? `${file} with ${JSON.stringify(exp.settings)}` : file;
      it(label, async () => {
        const settings = { path: path.join(dir, file), ...exp.settings };
        const check = await source.check(settings);
        expect(check.ok).toBe(!exp.bad);
        expect(check.message).toContain(`${exp.participants} participant${exp.participants === 1 ? '' : 's'}`);
        for (const l of exp.layouts) expect(check.message).toContain(l);
        if (exp.bad) expect(check.message).toMatch(AMBIGUOUS);

        const { items, bad, notices } = await collect(source, settings);
        expect(items).toHaveLength(exp.items);
        expect(eventCounts(items)).toEqual(exp.events);
        expect(bad.map((b) => b.origin.position)).toEqual((exp.bad ?? []).map(([p]) => p));
        (exp.bad ?? []).forEach(([, reason], n) => expect(bad[n]!.reason).toMatch(reason));
        if (exp.bad) expect(notices.join('\n')).toMatch(AMBIGUOUS);
        if (items.length) {
          expect(items[0]!.date!.toISOString()).toBe(exp.first);
          expect(items[items.length - 1]!.date!.toISOString()).toBe(exp.last);
        }
        expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
        for (const item of items) {
          expect(validateItem(item)).toBeNull();
          expect(item.source).toBe('WhatsApp');
        }
        exp.more?.(items);
        // Conversion: a sample of each file goes through MIME and back.
        for (const item of items.slice(0, 25)) {
          const p = await simpleParser((await convertItem(item)).mime);
          expect(p.date?.toISOString()).toBe(item.date!.toISOString());
          expect(p.headers.get('x-ferry-message-class')).toBe(`IPM.NOTE.WhatsApp.${item.event}`);
        }
      });
    }
  }
});
