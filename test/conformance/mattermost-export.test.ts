/** Every Mattermost sample in ../shared/fixtures/mattermost, read in place. */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { mattermostExportSource as source } from '../../main/engine/sources/mattermost-export';
import { validateItem } from '../../main/engine/validate';
import { convertItem } from '../../main/engine/convert/convert';
import { messageIdFor } from '../../main/engine/convert/message-id';
import { sharedSamples } from '../helpers/samples';
import { collect, eventCounts } from '../helpers/source';

const { root: MATTERMOST, cover, files: sampleFiles, covered } = sharedSamples('mattermost');

describe('conformance: mattermost samples', () => {
  afterAll(() => {
    expect(covered()).toEqual(sampleFiles());
  });

  it('zulip/mattermost_fixtures/export.json: teams, channels, users, posts with replies and reactions, custom emoji', async () => {
    const file = path.join(MATTERMOST, 'zulip/mattermost_fixtures/export.json');
    // The folder holds only this file: choosing the folder or the file reads the same export.
    for (const p of [file, path.dirname(file)]) {
      expect(await source.check({ path: p })).toEqual({
        ok: true, message: 'Mattermost bulk export: 2 teams, 5 channels, 5 users, 0 direct channels, 20 posts, 0 direct posts',
      });
    }
    const r = await collect(source, { path: file });
    expect(r.bad).toEqual([]);
    expect(r.notices).toEqual([
      `${file}: channel "slytherin-quidditch-team" of team "gryffindor" is not defined in the export (first used at line 33); its members are unknown`,
    ]);
    expect(eventCounts(r.items)).toEqual({ Message: 20, Reply: 1 });
    expect(new Set(r.items.map((i) => i.id)).size).toBe(21);
    // Every participant has an email address, so mapping works by address.
    for (const i of r.items) {
      expect(i.from!.kind).toBe('email');
      expect(i.to.every((t) => t.email?.endsWith('@zulip.com'))).toBe(true);
    }
    const slytherin = r.items.find((i) => i.id === 'slytherin/slytherin-quidditch-team/1553166916448/malfoy')!;
    expect(slytherin.to.map((t) => t.id)).toEqual(['pansy@zulip.com']);
    expect(slytherin.meta.Reactions).toBe('peerdium=1 (harry)');
    // Snape posts into a channel his team does not have: nobody else is known there, so he receives it.
    const snape = r.items.find((i) => i.from!.id === 'snape@zulip.com')!;
    expect(snape.to.map((t) => t.id)).toEqual(['snape@zulip.com']);
    const reply = r.items.find((i) => i.event === 'Reply')!;
    expect([reply.from!.id, reply.replyTo, reply.date!.toISOString()])
      .toEqual(['ron@zulip.com', 'gryffindor/dumbledores-army/1553166657086/harry', '2019-03-21T11:09:44.976Z']);
    for (const item of r.items) {
      expect(validateItem(item)).toBeNull();
      const parsed = await simpleParser((await convertItem(item)).mime);
      expect(parsed.messageId).toBe(messageIdFor('Mattermost', item.id));
      expect(parsed.headers.get('x-ferry-message-class')).toBe(`IPM.NOTE.Mattermost.${item.event}`);
    }
    cover('zulip/mattermost_fixtures/export.json');
  });
});
