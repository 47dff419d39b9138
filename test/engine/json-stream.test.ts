import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { locateJsonError, streamJson } from '../../main/engine/sources/shared/json-stream';

/** Feeds `text` in chunks of `size` bytes (1 splits every token and every UTF-8 sequence). */
async function collect(text: string, paths: string[], size = 1 << 20): Promise<{ got: [unknown, unknown, unknown][]; error?: string }> {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  const got: [unknown, unknown, unknown][] = [];
  try {
    for await (const v of streamJson(Readable.from(chunks), { paths, describe: 'f.json' })) got.push([v.path, v.key, v.value]);
    return { got };
  } catch (err) {
    return { got, error: (err as Error).message };
  }
}

const DOC = JSON.stringify({
  name: 'Deals 🚀', type: 'group', id: 7,
  messages: [{ id: 1, text: 'a "quoted" \\ back\\slash ]}', n: -1.5e3 }, { id: 2, text: ['x', { type: 'bold', text: 'é' }] }, 'plain', null, true],
  chats: { list: [{ name: 'c1', messages: [{ id: 9 }] }, { name: 'c2', messages: [] }] },
}, null, 1);
const PATHS = ['$.name', '$.messages.*', '$.chats.list.*.name', '$.chats.list.*.messages.*'];

describe('streamJson', () => {
  it('yields the selected values with their keys and paths, the same however the bytes are split', async () => {
    const whole = await collect(DOC, PATHS);
    expect(whole.error).toBeUndefined();
    const parsed = JSON.parse(DOC) as { messages: unknown[] };
    expect(whole.got).toEqual([
      [[], 'name', 'Deals 🚀'],
      ...parsed.messages.map((m, i) => [['messages'], i, m]),
      [['chats', 'list', 0], 'name', 'c1'],
      [['chats', 'list', 0, 'messages'], 0, { id: 9 }],
      [['chats', 'list', 1], 'name', 'c2'],
    ]);
    for (const size of [1, 2, 3, 5, 64]) expect(await collect(DOC, PATHS, size)).toEqual(whole);
  });

  it('yields a selected container after its selected members', async () => {
    const r = await collect('{"messages":{"x":1,"y":[2]},"z":3}', ['$.*', '$.messages.*']);
    expect(r.got).toEqual([[['messages'], 'x', 1], [['messages'], 'y', [2]], [[], 'messages', { x: 1, y: [2] }], [[], 'z', 3]]);
  });

  it('names the exact byte of a syntax error, after every value before it', async () => {
    const cases: [string, number, RegExp, number][] = [
      ['[{"a":1},{"c":x}]', 14, /expected a value, found "x"/, 1],
      ['[{"a":1}}]', 8, /expected "," or "]" after an array element, found "}"/, 1],
      ['[{"a":1} {"b":2}]', 9, /expected "," or "]"/, 1],
      ['[1,2,]', 5, /expected a value, found "]"/, 2],
      ['{"messages":[1],}', 16, /expected a "quoted" member name/, 2],
      ['[1] x', 4, /after the end of the JSON document/, 1],
      ['[{"a":"b\u0001"}]', 8, /control character/, 0],
    ];
    for (const [text, at, why, before] of cases) {
      for (const size of [1, 4, 1 << 20]) {
        const r = await collect(text, ['$.*', '$.messages.*'], size);
        expect(r.error, text).toMatch(new RegExp(`^f\\.json: not valid JSON at byte ${at} \\(`));
        expect(r.error).toMatch(why);
        expect(r.got.length, text).toBe(before);
      }
    }
  });

  it('reports a truncated document with the byte it ends at, after every complete value', async () => {
    for (const text of ['[{"a":1},{"b":"x', '[{"a":1},{"b":2}', '[{"a":1},22', '[{"a":1},']) {
      const r = await collect(text, ['$.*'], 3);
      expect(r.error).toBe(`f.json: truncated JSON, it ends at byte ${Buffer.byteLength(text)} in the middle of a value`);
      // A complete element before the cut is yielded; a number at the very end may be cut short, so it is not.
      expect(r.got).toEqual(text.endsWith('2}') ? [[[], 0, { a: 1 }], [[], 1, { b: 2 }]] : [[[], 0, { a: 1 }]]);
    }
  });

  it('counts the skipped window.YTD prefix and a BOM in byte positions', async () => {
    const text = '\uFEFFwindow.YTD.tweets.part0 = [{"a":1},{"c":x}]';
    const r = await collect(text, ['$.*'], 7);
    const at = Buffer.from(text).indexOf('x');
    const got: unknown[] = [];
    await expect((async () => {
      for await (const v of streamJson(Readable.from([Buffer.from(text)]), { paths: ['$.*'], assignmentPrefix: true, describe: 'tweets.js' })) got.push(v.value);
    })()).rejects.toThrow(new RegExp(`tweets\\.js: not valid JSON at byte ${at} `));
    expect(got).toEqual([{ a: 1 }]);
    expect(r.error).toMatch(/not valid JSON at byte 3 /); // without the prefix option, "window" is not JSON
  });

  it('accepts an empty document and a scalar one, selecting nothing', async () => {
    expect(await collect('', ['$.*'])).toEqual({ got: [] });
    expect(await collect(' 5 ', ['$.*'])).toEqual({ got: [] });
  });
});

describe('locateJsonError', () => {
  it('finds the first byte that breaks the grammar, or null for valid JSON', () => {
    const at = (s: string) => locateJsonError(Buffer.from(s), 0, Buffer.byteLength(s));
    expect(at('{"a":[1,2,{"b":null}],"c":"\\u00e9"}')).toBeNull();
    expect(at('{"a":01}')).toMatchObject({ at: 6, atEnd: false });
    expect(at('{"a":tru}')).toMatchObject({ at: 8, atEnd: false });
    expect(at('{"a":"\\x"}')).toMatchObject({ at: 7, reason: 'bad escape \\x' });
    expect(at('{"a":[1,')).toMatchObject({ at: 8, atEnd: true });
  });
});
