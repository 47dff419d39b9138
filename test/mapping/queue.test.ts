import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Db } from '../../main/engine/store/db';
import { executeRun } from '../../main/engine/runs/run';
import { ArchiveDestination } from '../../main/engine/destinations/archive/archive-destination';
import { RunStore } from '../../main/engine/store/runs';
import { MappingService, type RoutingRequest } from '../../main/engine/mapping/service';
import { convertItem } from '../../main/engine/convert/convert';
import type { Item } from '../../main/engine/item';
import { tempDir } from '../helpers/engine';
import { chat, email, file, listSource, phone } from './helpers';

const dbs: Db[] = [];
afterEach(() => { while (dbs.length) dbs.pop()!.close(); });

function setup() {
  const db = openStore(tempDir());
  dbs.push(db);
  return { db, mapping: new MappingService(db) };
}

const ANN = '+44 7911 123456';
const CAROL = '+44 7911 222333';
const DAVE = '+33 6 12 34 56 78';

/** Ann maps by phone, Erin by her organisation address; Carol, Dave and Frank map to nobody (yet). */
function items(): Item[] {
  return [
    chat('1', phone(ANN, 'Ann'), [phone(CAROL, 'Carol')], '2024-05-01T09:00:00Z'),
    chat('2', phone(CAROL, 'Carol'), [phone(DAVE, 'Dave')], '2024-05-01T09:01:00Z'),
    chat('3', phone(CAROL), [phone(ANN), phone('07911 123456')], '2024-05-01T09:02:00Z'),
    chat('4', email('erin@contoso.com', 'Erin'), [phone(CAROL)], '2024-05-01T09:03:00Z'),
    chat('5', phone(DAVE, 'Dave'), [phone(CAROL, 'Carol')], '2024-05-01T09:04:00Z', { attachments: [file('minutes.txt', 'Minutes of the call: café ☕'), file('b.txt', 'second')] }),
    chat('6', phone(CAROL), [email('frank@partner.example')], '2024-05-01T09:05:00Z'),
    chat('7', phone(DAVE), [email('frank@partner.example')], '2024-05-01T09:06:00Z'),
  ];
}

const ROUTING: RoutingRequest = { orgDomains: ['contoso.com'], catchAll: 'third-party@contoso.com', defaultRegion: 'GB' };

function save(mapping: MappingService, lines: string[]) {
  const check = mapping.checkContents(['External User ID,Microsoft 365 User Mailbox,Valid From,Valid To', ...lines].join('\r\n'), { fileName: 'map.csv', defaultRegion: 'GB' });
  expect(check.errors).toEqual([]);
  return mapping.save(check).set.version;
}

async function importItems(db: Db, mapping: MappingService, list: Item[], routing: RoutingRequest = ROUTING, extra: { keepUnassigned?: boolean } = {}) {
  const destination = new ArchiveDestination(db);
  const config = { ...mapping.routingConfig(routing, 'archive'), ...extra };
  const plumbing = mapping.forRun({ kind: 'chat-list', mode: 'import', destination, destinationConfig: { kind: 'archive' }, folder: 'Chat Archive', routing: config });
  return executeRun(db, {
    kind: 'chat-list', source: listSource(list), settings: { path: '/exports/chat.json' }, mode: 'import', destination,
    router: plumbing.router, afterItem: plumbing.afterItem, folder: 'Chat Archive', batchSize: 3,
  });
}

const copies = (db: Db) => db.prepare(`SELECT c.mailbox, c.folder, m.subject FROM archive_copies c JOIN messages m ON m.id = c.message ORDER BY c.mailbox, m.subject`).all()
  .map((r) => { const x = r as { mailbox: string; folder: string; subject: string }; return `${x.mailbox}|${x.folder}|${x.subject.replace('Chat: message ', '#')}`; });

describe('routing in a run into the local archive', () => {
  it('archives a copy per mapped mailbox, unmapped items to the catch-all, and counts them', async () => {
    const { db, mapping } = setup();
    const v = save(mapping, [`${ANN},ann.lee@contoso.com,,`]);
    const r = await importItems(db, mapping, items());
    expect(r.status).toBe('completed');
    expect(r.counts).toEqual({ available: 7, imported: 7, partial: 0, duplicate: 0, failed: 0, unmapped: 4 });
    expect(copies(db)).toEqual([
      'ann.lee@contoso.com|Chat Archive|#1', 'ann.lee@contoso.com|Chat Archive|#3',
      'erin@contoso.com|Chat Archive|#4',
      'third-party@contoso.com|Inbox|#2', 'third-party@contoso.com|Inbox|#5', 'third-party@contoso.com|Inbox|#6', 'third-party@contoso.com|Inbox|#7',
    ]);
    // The run recorded the mapping version and the whole routing it used.
    const run = new RunStore(db).get(r.runId)!;
    expect(run.options.mappingVersion).toBe(v);
    expect(mapping.recordedRouting(r.runId)).toEqual({
      mappingSet: v, orgDomains: ['contoso.com'], catchAll: 'third-party@contoso.com', defaultRegion: 'GB', requireSenderMapping: false, keepUnassigned: true,
    });
    expect(new RunStore(db).items(r.runId).filter((i) => i.unmapped).map((i) => i.itemId)).toEqual(['2', '5', '6', '7']);
  });

  it('sends the items of a reassigned number to the mailbox valid at each item date', async () => {
    const { db, mapping } = setup();
    save(mapping, [`${CAROL},bob.stone@contoso.com,01/01/2023,31/12/2023`, `${CAROL},chloe.dubois@contoso.com,01/01/2024,`]);
    const r = await importItems(db, mapping, [
      chat('a', phone(CAROL), [phone(DAVE)], '2023-12-31T23:59:00Z'),
      chat('b', phone(DAVE), [phone('07911 222333')], '2024-01-01T00:01:00Z'),
      chat('c', phone(CAROL), [phone(DAVE)], '2022-06-01T12:00:00Z'),
    ]);
    expect(r.counts).toMatchObject({ available: 3, imported: 3, unmapped: 1 });
    expect(copies(db)).toEqual(['bob.stone@contoso.com|Chat Archive|#a', 'chloe.dubois@contoso.com|Chat Archive|#b', 'third-party@contoso.com|Inbox|#c']);
  });

  it('keeps an item that maps to nobody unassigned in the archive when there is no catch-all', async () => {
    const { db, mapping } = setup();
    save(mapping, [`${ANN},ann.lee@contoso.com,,`]);
    const r = await importItems(db, mapping, items().slice(0, 2), { ...ROUTING, catchAll: null });
    expect(r.counts).toMatchObject({ imported: 2, failed: 0, unmapped: 1 });
    expect(copies(db)).toEqual(['|Chat Archive|#2', 'ann.lee@contoso.com|Chat Archive|#1']);
    expect(mapping.queue.counts()).toEqual({ open: 1, resolved: 0 });
  });

  it('fails an unmapped item with the reason where no unassigned copy is possible, and still queues it', async () => {
    const { db, mapping } = setup();
    const r = await importItems(db, mapping, items().slice(1, 2), { ...ROUTING, catchAll: null }, { keepUnassigned: false });
    expect(r.counts).toMatchObject({ available: 1, imported: 0, failed: 1, unmapped: 1 });
    expect(r.failures[0]!.reason).toBe(`item 2 (chat.json (message 2)): unmapped — no participant (${CAROL}, ${DAVE}) maps to a mailbox and no catch-all mailbox is set; kept in the unmapped queue`);
    const [q] = mapping.queue.items();
    expect(q).toMatchObject({ itemId: '2', reason: 'unmapped', status: 'open' });
    // Nothing is in the archive, so the queue kept the converted message itself.
    expect((await mapping.queue.restore(q!.queueId)).id).toBe('2');
  });

  it('refuses items whose sender does not map when required, and queues them as refused', async () => {
    const { db, mapping } = setup();
    save(mapping, [`${ANN},ann.lee@contoso.com,,`]);
    const r = await importItems(db, mapping, items().slice(0, 3), { ...ROUTING, requireSenderMapping: true });
    expect(r.counts).toMatchObject({ available: 3, imported: 1, failed: 2, unmapped: 1 });
    expect(r.failures.map((f) => f.item)).toEqual(['2', '3']);
    expect(r.failures[1]!.reason).toMatch(/^item 3 \(chat\.json \(message 3\)\): refused — the sender \+44 7911 222333 maps to no mailbox/);
    expect(mapping.queue.items().map((q) => [q.itemId, q.reason])).toEqual([['2', 'refused'], ['3', 'refused']]);
    expect(copies(db)).toEqual(['ann.lee@contoso.com|Chat Archive|#1']);
  });
});

describe('the unmapped queue', () => {
  it('lists the identities that failed to map, with item counts and a sample, and the items of one identity', async () => {
    const { db, mapping } = setup();
    save(mapping, [`${ANN},ann.lee@contoso.com,,`]);
    await importItems(db, mapping, items());
    const ids = mapping.queue.identities();
    expect(ids.map((i) => [i.key, i.kind, i.items, i.name])).toEqual([
      ['phone:+33612345678', 'phone', 3, 'Dave'],
      ['phone:+447911222333', 'phone', 3, 'Carol'],
      ['email:frank@partner.example', 'email', 2, null],
    ]);
    expect(ids[1]!.sample).toMatchObject({ itemId: '2', subject: 'Chat: message 2', reason: 'unmapped', status: 'open', destination: 'archive' });
    expect(ids[1]!.sample.identities.map((i) => [i.id, i.sender])).toEqual([[CAROL, true], [DAVE, false]]);
    expect(ids[1]).toMatchObject({ firstDate: '2024-05-01T09:01:00.000Z', lastDate: '2024-05-01T09:05:00.000Z' });
    expect(mapping.queue.items({ identity: 'phone:+447911222333' }).map((q) => q.itemId)).toEqual(['2', '5', '6']);
    // An admin may type the id as written anywhere.
    expect(mapping.queue.findIdentity('07911 222333', 'GB')).toEqual(['phone:+447911222333']);
    expect(mapping.queue.findIdentity('Frank@Partner.example')).toEqual(['email:frank@partner.example']);
    expect(mapping.queue.counts()).toEqual({ open: 4, resolved: 0 });
  });

  it('keeps what a re-import needs without the export: the item converts again to the same message', async () => {
    const { db, mapping } = setup();
    const original = items()[4]!;
    // Not delivered anywhere (no catch-all, no unassigned copy): the queue keeps the whole item and its message.
    const r = await importItems(db, mapping, [original], { ...ROUTING, catchAll: null }, { keepUnassigned: false });
    expect(r.counts.failed).toBe(1);
    const [q] = mapping.queue.items();
    const restored = await mapping.queue.restore(q!.queueId);
    const router = mapping.router(mapping.routingConfig(ROUTING));
    const a = await convertItem(original, { resolve: router.route(original, 'x').resolve });
    const b = await convertItem(restored, { resolve: router.route(restored, 'x').resolve });
    expect(b.mime.equals(a.mime)).toBe(true);
    expect(b.attachmentNames).toEqual(['minutes.txt', 'b.txt']);
    expect((await restored.attachments[0]!.read()).toString()).toBe('Minutes of the call: café ☕');
  });

  it('does not keep a second copy of what the local archive holds, and reads it back from there', async () => {
    const { db, mapping } = setup();
    const original = items()[4]!;
    await importItems(db, mapping, [original]);
    const raw = db.prepare('SELECT item, mime FROM unmapped_items').get() as { item: string; mime: Buffer | null };
    expect(raw.mime).toBeNull();
    expect(JSON.parse(raw.item)).toMatchObject({ bodyInMessage: true });
    expect(JSON.parse(raw.item).text).toBeUndefined();
    const restored = await mapping.queue.restore(mapping.queue.items()[0]!.queueId);
    expect(restored.text?.trim()).toBe(original.text);
    expect((await restored.attachments[1]!.read()).toString()).toBe('second');
  });

  it('previews where the items would go after a mapping change, then re-imports only those, never duplicating the catch-all copy', async () => {
    const { db, mapping } = setup();
    save(mapping, [`${ANN},ann.lee@contoso.com,,`]);
    const first = await importItems(db, mapping, items());
    expect(first.counts.unmapped).toBe(4);
    const catchAllBefore = copies(db).filter((c) => c.startsWith('third-party'));

    // Preview with rows not saved yet (the app's "what if"), then save them as a new version.
    const rows = mapping.checkContents(`id,mailbox\n${ANN},ann.lee@contoso.com\n${CAROL},carol.white@contoso.com\n`, { fileName: 'v2.csv', defaultRegion: 'GB' }).rows;
    const whatIf = mapping.previewUnmapped({ routing: ROUTING, rows });
    expect(whatIf.map((p) => [p.itemId, p.mailboxes.map((m) => m.mailbox), p.newCopies, p.stillUnmapped])).toEqual([
      ['2', ['carol.white@contoso.com'], ['carol.white@contoso.com'], false],
      ['5', ['carol.white@contoso.com'], ['carol.white@contoso.com'], false],
      ['6', ['carol.white@contoso.com'], ['carol.white@contoso.com'], false],
      ['7', [], [], true],
    ]);
    expect(whatIf[0]!.mailboxes[0]).toEqual({ mailbox: 'carol.white@contoso.com', participants: [CAROL], via: ['mapping'] });
    expect(whatIf[3]!.unmappedIdentities).toEqual(['phone:+33612345678', 'email:frank@partner.example']);
    // Nothing changed yet: the saved mapping still maps Carol to nobody.
    expect(mapping.previewUnmapped({ routing: ROUTING }).every((p) => p.stillUnmapped)).toBe(true);

    const v2 = save(mapping, [`${ANN},ann.lee@contoso.com,,`, `${CAROL},carol.white@contoso.com,,`]);
    expect(mapping.previewUnmapped({ routing: ROUTING, identity: 'phone:+447911222333' }).map((p) => p.itemId)).toEqual(['2', '5', '6']);

    const re = await mapping.reimport({ routing: ROUTING });
    expect(re).toMatchObject({ selected: 3, stillUnmapped: 1, refused: 0 });
    expect(re.runs).toHaveLength(1);
    const run = re.runs[0]!;
    expect(run).toMatchObject({ kind: 'unmapped-reimport', mode: 'import', status: 'completed' });
    expect(run.counts).toEqual({ available: 3, imported: 3, partial: 0, duplicate: 0, failed: 0, unmapped: 0 });
    expect(new RunStore(db).get(run.runId)!.options.mappingVersion).toBe(v2);
    // Carol's mailbox got her three items in the source folder; the catch-all kept exactly what it had.
    expect(copies(db).filter((c) => c.startsWith('carol'))).toEqual([
      'carol.white@contoso.com|Chat Archive|#2', 'carol.white@contoso.com|Chat Archive|#5', 'carol.white@contoso.com|Chat Archive|#6',
    ]);
    expect(copies(db).filter((c) => c.startsWith('third-party'))).toEqual(catchAllBefore);
    expect((db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE mailbox = 'third-party@contoso.com'").get() as { n: number }).n).toBe(4);
    expect(mapping.queue.counts()).toEqual({ open: 1, resolved: 3 });
    expect(mapping.queue.identities().map((i) => [i.key, i.items])).toEqual([['email:frank@partner.example', 1], ['phone:+33612345678', 1]]);

    // Again: nothing left that maps, so no run at all.
    const again = await mapping.reimport({ routing: ROUTING });
    expect(again).toEqual({ runs: [], selected: 0, stillUnmapped: 1, refused: 0 });
  });

  it('re-imports only the items of one identity when asked', async () => {
    const { db, mapping } = setup();
    await importItems(db, mapping, items());
    save(mapping, [`${CAROL},carol.white@contoso.com,,`, `${DAVE},dave.roy@contoso.com,,`]);
    const re = await mapping.reimport({ routing: ROUTING, identity: 'email:frank@partner.example' });
    // Frank appears in 6 (with Carol) and 7 (with Dave): both map now; item 2 and 5 wait for their own re-import.
    expect(re.selected).toBe(2);
    expect(re.runs[0]!.counts).toMatchObject({ available: 2, imported: 2 });
    // Nothing was mapped at the first import, so 1 and 3 (Ann) were queued too; 4 mapped automatically.
    expect(mapping.queue.items().map((q) => q.itemId)).toEqual(['1', '2', '3', '5']);
  });

  it('resolves a queued item when a later import of the export maps it, and re-opens nothing that maps', async () => {
    const { db, mapping } = setup();
    await importItems(db, mapping, items().slice(1, 2));
    expect(mapping.queue.counts()).toEqual({ open: 1, resolved: 0 });
    save(mapping, [`${DAVE},dave.roy@contoso.com,,`]);
    const again = await importItems(db, mapping, items().slice(1, 2));
    expect(again.counts).toMatchObject({ imported: 1, unmapped: 0 });
    expect(mapping.queue.counts()).toEqual({ open: 0, resolved: 1 });
    expect(mapping.queue.items({ status: 'resolved' })[0]!.resolvedRunId).toBe(again.runId);
  });

  it('resumes a cancelled re-import instead of starting over, and it is a run in the history', async () => {
    const { db, mapping } = setup();
    await importItems(db, mapping, items());
    save(mapping, [`${CAROL},carol.white@contoso.com,,`, `${DAVE},dave.roy@contoso.com,,`]);
    const ac = new AbortController();
    const first = await mapping.reimport({ routing: ROUTING, signal: ac.signal, batchSize: 1, progressIntervalMs: 0, onProgress: (p) => { if (p.done >= 2) ac.abort(); } });
    expect(first.runs[0]!.status).toBe('cancelled');
    const doneBefore = first.runs[0]!.counts.available;
    expect(doneBefore).toBeGreaterThanOrEqual(2);
    expect(doneBefore).toBeLessThan(6);
    const second = await mapping.reimport({ routing: ROUTING });
    expect(second.runs[0]).toMatchObject({ runId: first.runs[0]!.runId, resumed: true, status: 'completed' });
    // Everything queued maps now (Ann's items through Carol): 1, 2, 3, 5, 6, 7.
    expect(second.runs[0]!.counts).toMatchObject({ available: 6, imported: 6, duplicate: 0 });
    // The resumed run covered everything: no second run was needed.
    expect(second.runs).toHaveLength(1);
    expect(mapping.queue.counts()).toEqual({ open: 0, resolved: 6 });
    expect(new RunStore(db).list().map((r) => r.kind)).toEqual(['unmapped-reimport', 'chat-list']);
  });
});
