/**
 * A deterministic in-memory source for engine tests: n chat messages between a few people, with a
 * bad record every `badEvery` records and an attachment every `attachEvery` items.
 */
import type { SourceRecord } from '../../main/engine/item';
import type { Source } from '../../main/engine/sources/types';

export interface SyntheticOptions {
  count: number;
  badEvery?: number;
  attachEvery?: number;
  attachmentBytes?: number;
  /** Items whose mandatory TO is missing, every n. */
  missingToEvery?: number;
}

const PEOPLE = [
  { id: 'U1', name: 'Ann Lee', email: 'ann@contoso.com' },
  { id: 'U2', name: 'Bob Stone' },
  { id: 'U3', name: 'Chloé Dubois' },
  { id: 'U4', name: '山田太郎' },
];

export function syntheticSource(o: SyntheticOptions): Source {
  return {
    spec: { kind: 'synthetic', title: 'Synthetic', platform: 'Synth', description: 'test items', settings: [] },
    async check() { return { ok: true, message: `${o.count} records` }; },
    async *read(_settings, ctx): AsyncGenerator<SourceRecord> {
      for (let i = 0; i < o.count; i++) {
        ctx.progress?.(i / o.count);
        if (o.badEvery && i % o.badEvery === o.badEvery - 1) {
          yield { bad: true, origin: { file: 'synthetic.json', position: `record ${i}` }, reason: 'record has no timestamp' };
          continue;
        }
        const from = PEOPLE[i % PEOPLE.length]!;
        const to = PEOPLE.filter((p) => p !== from).slice(0, 2);
        const attach = o.attachEvery && i % o.attachEvery === 0;
        const size = o.attachmentBytes ?? 64;
        yield {
          source: 'Synth', event: i % 10 === 0 ? 'Reply' : 'Message', id: `c1/${i}`,
          origin: { file: 'synthetic.json', position: `record ${i}` },
          from: { id: from.id, kind: 'user-id', platform: 'synth', name: from.name, ...(from.email ? { email: from.email } : {}) },
          to: o.missingToEvery && i % o.missingToEvery === 0 ? [] : to.map((p) => ({ id: p.id, kind: 'user-id' as const, platform: 'synth', name: p.name, ...(p.email ? { email: p.email } : {}) })),
          subject: `General: message number ${i} — café`,
          date: new Date(Date.UTC(2024, 0, 1) + i * 60_000),
          text: `Hello from ${from.name}, message ${i}. Überweisung bestätigt.`,
          html: `<p>Hello from <b>${from.name}</b>, message ${i}.</p>`,
          attachments: attach ? [{ filename: `file-${i}.bin`, contentType: 'application/octet-stream', size,
            read: async () => Buffer.alloc(size, i % 251) }] : [],
          ...(i % 10 === 0 && i > 0 ? { replyTo: `c1/${i - 1}` } : {}),
          conversation: { id: 'c1', name: 'General' },
          meta: { 'Chat-Id': 'c1' },
        };
      }
    },
  };
}
