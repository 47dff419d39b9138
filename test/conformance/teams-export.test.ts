/**
 * Every sample in ../shared/fixtures/msteams/, read in place: each converts with asserted counts and
 * fields.
 */
import { describe, expect, it } from 'vitest';
import { teamsExportSource as source } from '../../main/engine/sources/teams-export';
import type { Item } from '../../main/engine/item';
import { sharedSamples } from '../helpers/samples';
import { collect } from '../helpers/source';
import { expectRoundTrip } from '../helpers/mail';

const { root, sample, files: sampleFiles, uncovered } = sharedSamples('msteams');
const TEAM = 'zulip/TeamsDataExport/teams/4707a9cc-9fe0-4bc2-980a-cd722ffbff06/messages_4707a9cc-9fe0-4bc2-980a-cd722ffbff06.json';
const DM = 'zulip/TeamsData_ZulipChat/users/5dbe468a-1e96-4aaa-856d-cdf825081e11/messages_5dbe468a-1e96-4aaa-856d-cdf825081e11.json';
const USERS = 'zulip/TeamsData_ZulipChat/users/usersList.json';

async function convertsCleanly(items: Item[]): Promise<void> {
  for (const item of items) await expectRoundTrip(item, { source: 'Teams', from: 'count', to: 'count', wholeSeconds: true });
}

describe('conformance: shared Microsoft Teams samples', () => {
  it('zulip team channel messages (Apache-2.0): a post with a Subject and two system events, one by an application', async () => {
    const file = sample(TEAM);
    const { items, bad, notices } = await collect(source, { path: file });
    expect(bad).toEqual([]);
    expect(notices).toEqual([`${file}: no usersList.json found; people are known by their Teams ids and display names only, without email addresses`]);
    expect(items.map((i) => [i.event, i.from?.id, i.to.map((t) => t.id), i.date?.toISOString(), i.subject])).toEqual([
      ['Message', '28cc9dbd-07ba-458c-9cf7-c95745618966', ['62b732f7-fc71-40bc-b27d-35efcb0509de'], '2025-09-25T14:30:13.079Z', 'Teams channel: hello! this is a channel message'],
      ['System', '28cc9dbd-07ba-458c-9cf7-c95745618966', ['62b732f7-fc71-40bc-b27d-35efcb0509de'], '2025-09-25T14:29:52.135Z', 'Teams channel: Will Begon: system event'],
      ['System', '62b732f7-fc71-40bc-b27d-35efcb0509de', ['28cc9dbd-07ba-458c-9cf7-c95745618966'], '2025-09-26T14:14:57.283Z', 'Teams channel: Application 62b732f7-fc71-40bc-b27d-35efcb0509de: system event'],
    ]);
    expect(items[0]!.text).toContain('asdad');
    expect(items[0]!.meta['Web-Url']).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/message\//);
    await convertsCleanly(items);
  });

  it('zulip per-user chats with usersList.json (Apache-2.0): the DM\'s user is TO with her email', async () => {
    const { items, bad } = await collect(source, { path: sample(DM) });
    sample(USERS);
    expect(bad).toEqual([]);
    expect(items.map((i) => [i.event, i.from?.name, i.to.map((t) => t.email)])).toEqual([
      ['Message', 'Will Begon', ['zoe@ZulipChat.onmicrosoft.com']],
      ['System', 'Will Begon', ['zoe@ZulipChat.onmicrosoft.com']],
    ]);
    expect(items[0]!.subject).toBe('Teams chat: Will Begon, zoe: DM from deactivated user');
    await convertsCleanly(items);
  });

  it('the whole folder reads as one export', async () => {
    expect(await source.check({ path: root })).toEqual({ ok: true, message: '2 message files, 2 conversations, 5 messages, 6 users in usersList.json' });
    const { items, bad } = await collect(source, { path: root });
    expect(bad).toEqual([]);
    expect(items).toHaveLength(5);
  });

  it('covers every sample file', () => {
    expect(sampleFiles()).toHaveLength(3);
    expect(uncovered()).toEqual([]);
  });
});
