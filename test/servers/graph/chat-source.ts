/**
 * A small synthetic chat export and a router for runs into the loopback Graph server: item i is
 * written by one of four people and read by two others; a copy goes to every participant whose
 * address is one of the given mailboxes (Dave is outside the organisation). Every `badEvery`-th
 * record is unreadable. Shared by the run tests and the child process of the crash test.
 */
import { defaultResolver } from '../../../main/engine/convert/addresses';
import type { SourceRecord } from '../../../main/engine/item';
import type { Router } from '../../../main/engine/routing/types';
import type { Source } from '../../../main/engine/sources/types';

export const PEOPLE = [
  { id: 'U1', name: 'Ann Lee', email: 'ann@contoso.com' },
  { id: 'U2', name: 'Bob Stone', email: 'bob@contoso.com' },
  { id: 'U3', name: 'Chloé Dubois', email: 'carol@contoso.com' },
  { id: 'U4', name: 'Dave Ng', email: 'dave@fabrikam.com' },
];

export const chatParticipants = (i: number) => {
  const from = PEOPLE[i % PEOPLE.length]!;
  const to = [PEOPLE[(i + 1) % PEOPLE.length]!, PEOPLE[(i + 2) % PEOPLE.length]!];
  return { from, to };
};

export function chatSource(count: number, badEvery = 0): Source {
  return {
    spec: { kind: 'chat', title: 'Synthetic chat', platform: 'Chat', description: 'test items', settings: [] },
    async check() { return { ok: true, message: `${count} records` }; },
    async *read(_settings, ctx): AsyncGenerator<SourceRecord> {
      for (let i = 0; i < count; i++) {
        ctx.progress?.(i / count);
        if (badEvery && i % badEvery === badEvery - 1) {
          yield { bad: true, origin: { file: 'chat.json', position: `message ${i}` }, reason: 'message has no timestamp' };
          continue;
        }
        const { from, to } = chatParticipants(i);
        const identity = (p: typeof from) => ({ id: p.id, kind: 'user-id' as const, platform: 'chat', name: p.name, email: p.email });
        yield {
          source: 'Chat', event: 'Message', id: `general/${i}`, origin: { file: 'chat.json', position: `message ${i}` },
          from: identity(from), to: to.map(identity), subject: `General: message ${i}`,
          date: new Date(Date.UTC(2024, 2, 1) + i * 60_000), text: `Message ${i} from ${from.name}`, html: `<p>Message ${i} from <b>${from.name}</b></p>`,
          attachments: [], conversation: { id: 'general', name: 'General' }, meta: { 'Chat-Id': 'general' },
        };
      }
    },
  };
}

/** A copy per participant whose address is one of `mailboxes`. */
export function mailboxRouter(mailboxes: string[]): Router {
  const boxes = new Set(mailboxes.map((m) => m.toLowerCase()));
  return {
    mappingVersion: null,
    route: (item, folder) => {
      const emails = [item.from!, ...item.to].map((p) => p.email!.toLowerCase());
      const targets = [...new Set(emails.filter((e) => boxes.has(e)))].map((mailbox) => ({ mailbox, folder }));
      return { resolve: defaultResolver, targets, unmappedIdentities: [], unmapped: targets.length === 0 };
    },
  };
}

/** The mailboxes item i is delivered to. */
export function expectedMailboxes(i: number, mailboxes: string[]): string[] {
  const { from, to } = chatParticipants(i);
  const boxes = new Set(mailboxes.map((m) => m.toLowerCase()));
  return [...new Set([from, ...to].map((p) => p.email.toLowerCase()).filter((e) => boxes.has(e)))];
}
