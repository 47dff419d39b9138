/**
 * Every Slack sample in ../shared/fixtures/slack, read in place (the slackdump ones are AGPL-3.0 and
 * never copied). Whole exports go through the source; the loose slackdump samples (a single message
 * object, a channel file and its thread file outside any export layout) are refused by the source
 * with a reason, and their messages are converted through the same message mapping.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { slackExportSource as source } from '../../main/engine/sources/slack-export';
import { readArrayFile } from '../../main/engine/sources/slack-export/array-file';
import { FileLocator } from '../../main/engine/sources/slack-export/files';
import { messageRecord } from '../../main/engine/sources/slack-export/message';
import { Workspace } from '../../main/engine/sources/slack-export/workspace';
import { type ExportTree, openExportTree } from '../../main/engine/sources/shared/export-tree';
import { type Item, type SourceRecord, isBadRecord } from '../../main/engine/item';
import { validateItem } from '../../main/engine/validate';
import { convertItem } from '../../main/engine/convert/convert';
import { messageIdFor } from '../../main/engine/convert/message-id';
import { sharedSamples } from '../helpers/samples';
import { collect, eventCounts } from '../helpers/source';

const { root: SLACK, cover, files: sampleFiles, covered } = sharedSamples('slack');

async function convertsAndParses(items: Item[]): Promise<void> {
  for (const item of items) {
    expect(validateItem(item)).toBeNull();
    const parsed = await simpleParser((await convertItem(item)).mime);
    expect(parsed.messageId).toBe(messageIdFor('Slack', item.id));
    expect(parsed.headers.get('x-ferry-message-class')).toBe(`IPM.NOTE.Slack.${item.event}`);
  }
}

/** Messages outside an export layout, mapped as if they were in a conversation `C1` nobody else is known in. */
async function looseMessages(dir: string, values: { value: unknown; file: string; position: string }[], tree: ExportTree): Promise<SourceRecord[]> {
  const conv = { id: 'C1', title: '#sample', dir: '', audience: [] };
  return values.map((v) => messageRecord(v.value, { ws: new Workspace(), conv, files: new FileLocator(tree, ''),
    origin: { file: path.join(dir, v.file), position: v.position } }));
}

describe('conformance: slack samples', () => {
  afterAll(() => {
    // Every sample file must have been exercised by a test above.
    expect(covered()).toEqual(sampleFiles());
  });

  it('hfaran-slack-export-viewer/testarchive.zip: a real 2016 export converts whole', async () => {
    const zip = path.join(SLACK, 'hfaran-slack-export-viewer/testarchive.zip');
    expect((await source.check({ path: zip })).ok).toBe(true);
    const r = await collect(source, { path: zip });
    expect(r.bad).toEqual([]);
    expect(eventCounts(r.items)).toEqual({ ChannelJoin: 8, Message: 50, BotMessage: 94, FileShare: 3, System: 3 });
    expect(r.items.filter((i) => i.from!.email).length).toBe(0);
    expect(r.items.find((i) => i.id === 'C0JGLMMNX/1452845865.000008')!.from!.name).toBe('Harry Potter');
    await convertsAndParses(r.items);
    cover('hfaran-slack-export-viewer/testarchive.zip');
  });

  it('rusq-slackdump/source_export_dir: a slackdump export tree with threads, a tombstone, files, an edited bot post', async () => {
    const dir = path.join(SLACK, 'rusq-slackdump/source_export_dir');
    expect(await source.check({ path: dir })).toEqual({
      ok: true, message: 'Slack export: 1 channel, 0 private channels, 0 DMs, 0 group DMs, 10 users, 4 day files in 1 conversation folder',
    });
    const r = await collect(source, { path: dir });
    expect(r.bad).toEqual([]);
    expect(r.notices).toEqual([]);
    expect(eventCounts(r.items)).toEqual({ Message: 7, ChannelJoin: 1, ThreadReply: 4, System: 1, FileShare: 2, BotMessage: 1 });
    const ids = new Set(r.items.map((i) => i.id));
    // Each reply's parent is in the export.
    for (const reply of r.items.filter((i) => i.event === 'ThreadReply')) expect(ids.has(reply.replyTo!)).toBe(true);
    expect(r.items.filter((i) => i.replyTo === 'CO69735E8A/1736478630.905399').length).toBe(2);
    const tombstone = r.items.find((i) => i.event === 'System')!;
    expect(tombstone.meta['Slack-Subtype']).toBe('tombstone');
    const bot = r.items.find((i) => i.event === 'BotMessage')!;
    expect([bot.from!.id, bot.meta['Slack-Bot-Id'], bot.meta['Edited-At']]).toEqual(['UO0EC43A4792', 'B089LPE68BB', '2025-01-18T00:32:51.000Z']);
    const shares = r.items.filter((i) => i.event === 'FileShare');
    expect(shares.map((i) => i.attachments.length)).toEqual([0, 0]);
    expect(shares[0]!.text).toMatch(/Shared external Google Docs not in the export: UYt6OUsnR7j1/);
    // Channel members minus the sender.
    expect(r.items[0]!.to.map((t) => t.id)).toEqual(['UO9EBC728B', 'UOB5F987BF17']);
    await convertsAndParses(r.items);
    cover(...['B75B4C7/2025-01-10.json', 'B75B4C7/2025-01-11.json', 'B75B4C7/2025-01-18.json', 'B75B4C7/2025-01-24.json',
      'channels.json', 'dms.json', 'groups.json', 'mpims.json', 'users.json'].map((f) => `rusq-slackdump/source_export_dir/${f}`));
  });

  it('rusq-slackdump/export: conversation lists without day files are refused, with what was found', async () => {
    const dir = path.join(SLACK, 'rusq-slackdump/export');
    expect(await source.check({ path: dir })).toEqual({
      ok: false,
      message: `${dir}: this Slack export has no conversation folders (no <channel>/YYYY-MM-DD.json day files); found 2 channels, 0 private channels, 8 DMs, 2 group DMs, 8 users, 0 day files in 0 conversation folders`,
    });
    await expect(collect(source, { path: dir })).rejects.toMatchObject({ errorClass: 'config' });
    cover(...['channels.json', 'dms.json', 'mpims.json', 'users.json'].map((f) => `rusq-slackdump/export/${f}`));
  });

  it('rusq-slackdump/messages/bot_message.json: a lone message object; the source refuses it, its message maps to a BotMessage', async () => {
    const dir = path.join(SLACK, 'rusq-slackdump/messages');
    const file = path.join(dir, 'bot_message.json');
    expect(await source.check({ path: file })).toEqual({ ok: false, message: `${file}: not a Slack workspace export (no users.json or channels.json found)` });
    const tree = await openExportTree(dir);
    try {
      const [rec] = await looseMessages(dir, [{ value: JSON.parse(fs.readFileSync(file, 'utf8')), file: 'bot_message.json', position: 'message 0' }], tree);
      expect(isBadRecord(rec!)).toBe(false);
      const item = rec as Item;
      expect(item.event).toBe('BotMessage');
      expect(item.from).toEqual({ id: 'BUEBX9AUR', kind: 'user-id', platform: 'slack', name: 'BUEBX9AUR' });
      expect(item.to).toEqual([item.from]);
      expect(item.date!.toISOString()).toBe('2023-02-22T01:33:51.029Z');
      expect(item.text).toContain('Some question?');
      expect(item.meta['Edited-At']).toBe('2023-02-22T08:23:56.000Z');
      await convertsAndParses([item]);
    } finally {
      await tree.close();
    }
    cover('rusq-slackdump/messages/bot_message.json');
  });

  it('rusq-slackdump/converter: a channel file and its thread file outside an export layout', async () => {
    const dir = path.join(SLACK, 'rusq-slackdump/converter');
    expect((await source.check({ path: dir })).message).toBe(`${dir}: not a Slack workspace export (no users.json or channels.json found)`);
    const tree = await openExportTree(dir);
    try {
      const values: { value: unknown; file: string; position: string }[] = [];
      for (const file of ['chan1.json', 'chan1_thread_1736478630.905399.json']) {
        for await (const e of readArrayFile(tree, file)) {
          expect(e.kind).toBe('element');
          if (e.kind === 'element') values.push({ value: e.value, file, position: `message ${e.index}` });
        }
      }
      const items = (await looseMessages(dir, values, tree)) as Item[];
      expect(items.map((i) => [i.id, i.event, i.replyTo ?? null])).toEqual([
        ['C1/1736478514.897649', 'Message', null],
        ['C1/1736478630.905399', 'Message', null],
        ['C1/1736554746.482349', 'ThreadReply', 'C1/1736478630.905399'],
        ['C1/1736554783.040199', 'ThreadReply', 'C1/1736478630.905399'],
      ]);
      expect(items[2]!.text!.split('\n').includes('A message from a deactivated account')).toBe(true);
      await convertsAndParses(items);
    } finally {
      await tree.close();
    }
    cover('rusq-slackdump/converter/chan1.json', 'rusq-slackdump/converter/chan1_thread_1736478630.905399.json');
  });
});
