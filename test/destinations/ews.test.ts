/**
 * The Exchange (EWS) destination against the loopback EWS server (HTTPS, self-signed), with its
 * credentials in the real OS keychain (Secret Service, started by `npm test`): Basic and OAuth,
 * impersonation and delegate access, the stored MIME and properties, folders, throttling answers,
 * per-item errors, uncertain sends, resumes, and whole runs through executeRun.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EwsDestination } from '../../main/engine/destinations/ews/ews-destination';
import { ewsCredentialRef, resolveEwsSettings } from '../../main/engine/destinations/ews/settings';
import { testEwsConnection } from '../../main/engine/destinations/ews/test-connection';
import { createDestination } from '../../main/engine/destinations/registry';
import { testDestination } from '../../main/engine/destinations/test-connection';
import { KeychainSecretStore } from '../../main/engine/secrets/secret-store';
import { executeRun } from '../../main/engine/runs/run';
import { openStore, type Db } from '../../main/engine/store/db';
import { Ledger } from '../../main/engine/store/ledger';
import { convertItem, type ConvertedMessage } from '../../main/engine/convert/convert';
import { FerryError } from '../../main/engine/errors';
import { isBadRecord, type Item } from '../../main/engine/item';
import { syntheticSource } from '../helpers/synthetic-source';
import { toMailboxes } from '../helpers/routers';
import { tempDir } from '../helpers/engine';
import { SERVICE_ACCOUNT, startEwsHarness, type EwsHarness } from '../servers/ews/harness';

const MAILBOXES = ['ann@contoso.com', 'bob@contoso.com', 'carol@contoso.com'];
let h: EwsHarness;
let items: Item[];

beforeAll(async () => {
  h = await startEwsHarness({ mailboxes: MAILBOXES, correlationIds: true });
  items = [];
  for await (const r of syntheticSource({ count: 30, attachEvery: 4 }).read({ path: 'x' }, {})) if (!isBadRecord(r)) items.push(r);
});

afterAll(async () => { await h?.stop(); });

function store(): Db { return openStore(tempDir()); }
const message = (i: number): Promise<ConvertedMessage> => convertItem(items[i]!);
const fast = { retryBaseMs: 20, retryMaxMs: 200 };

/** How many copies of each Message-ID a mailbox folder holds. */
function copies(mailbox: string, folder: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const it of h.server.items(mailbox, folder)) out.set(it.internetMessageId, (out.get(it.internetMessageId) ?? 0) + 1);
  return out;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - t0 };
}

describe('EWS destination: what is stored', () => {
  it('saves the MIME byte for byte with the item class, PR_MESSAGE_FLAGS = 1 and the item date, into a folder per source made once (Basic, impersonation)', async () => {
    const dest = h.destination(h.settings(fast));
    try {
      const sent: ConvertedMessage[] = [];
      for (let i = 0; i < 4; i++) {
        const m = await message(i);
        sent.push(m);
        // Deliveries to one mailbox in parallel share one folder lookup.
        await Promise.all(['ann@contoso.com', 'bob@contoso.com'].map((mb) => dest.deliver(m, { mailbox: mb, folder: 'Synth Archive' })));
      }
      for (const mb of ['ann@contoso.com', 'bob@contoso.com']) {
        const stored = h.server.items(mb, 'Synth Archive');
        expect(stored).toHaveLength(4);
        for (const m of sent) {
          const it = stored.find((x) => x.internetMessageId === m.messageId)!;
          expect(it.mime.equals(m.mime)).toBe(true);
          expect(it.itemClass).toBe(m.messageClass);
          expect(it.itemClass).toMatch(/^IPM\.NOTE\.Synth\.(Message|Reply)$/);
          expect(it.props.get('0x0e07')).toEqual({ tag: '0x0E07', type: 'Integer', value: '1' });
          expect(it.props.get('0x0e06')).toEqual({ tag: '0x0E06', type: 'SystemTime', value: m.date.toISOString() });
          expect(it.characterSet).toBe('UTF-8');
        }
        expect(h.server.createdFolders(mb).map((f) => [f.displayName, f.folderClass])).toEqual([['Synth Archive', 'IPF.Note']]);
      }
      expect(h.server.log.filter((r) => r.op === 'CreateFolder')).toHaveLength(2);
      // Impersonation: every mailbox request names the mailbox in ExchangeImpersonation and X-AnchorMailbox.
      const creates = h.server.log.filter((r) => r.op === 'CreateItem' && r.account === SERVICE_ACCOUNT);
      expect(creates.length).toBeGreaterThanOrEqual(8);
      for (const r of creates) {
        expect(r.impersonated).toBe(r.mailbox);
        expect(r.anchorMailbox).toBe(r.mailbox);
        expect(r.auth).toBe('basic');
        expect(r.version).toBe('Exchange2013');
        expect(r.soapAction).toBe('"http://schemas.microsoft.com/exchange/services/2006/messages/CreateItem"');
      }
      // The catch-all's Inbox is the well-known inbox, whatever its display name.
      const d = await dest.deliver(sent[0]!, { mailbox: 'carol@contoso.com', folder: 'Inbox' });
      expect(h.server.items('carol@contoso.com', 'inbox').map((x) => x.id)).toEqual([d.remoteId]);
      expect(h.server.createdFolders('carol@contoso.com')).toHaveLength(0);
    } finally {
      await dest.close();
    }
  });

  it('signs in with an OAuth bearer token, as a delegate into recoverableitemspurges, returning the item id and x-IngestionCorrelationID', async () => {
    const dest = h.destination(h.oauthSettings({ impersonation: false, folder: 'recoverableitemspurges' }));
    // The OAuth app has impersonation rights only; as a delegate it must be given Full Access: use the delegate account for the write.
    const delegate = h.destination(h.delegateSettings({ folder: 'recoverableitemspurges' }));
    try {
      const m = await message(5);
      await expect(dest.deliver(m, { mailbox: 'bob@contoso.com', folder: 'Synth Archive' })).rejects.toMatchObject({
        errorClass: 'auth', message: expect.stringMatching(/denied the OAuth application access to mailbox bob@contoso\.com .*needs Full Access to it \(Add-MailboxPermission/),
      });
      const d = await delegate.deliver(m, { mailbox: 'bob@contoso.com', folder: 'Synth Archive' });
      const purges = h.server.items('bob@contoso.com', 'recoverableitemspurges');
      expect(purges.map((x) => x.id)).toEqual([d.remoteId]);
      expect(d.correlationId).toBe(h.server.correlationIds.get(d.remoteId!));
      expect(h.server.createdFolders('bob@contoso.com').some((f) => f.displayName === 'Synth Archive')).toBe(true); // from the first test only
      const last = h.server.log.filter((r) => r.op === 'CreateItem').at(-1)!;
      expect(last).toMatchObject({ auth: 'basic', mailbox: 'bob@contoso.com' });
      expect(last.impersonated).toBeUndefined();
      expect(last.anchorMailbox).toBeUndefined();

      const oauth = h.destination(h.oauthSettings({ folder: 'recoverableitemspurges' }));
      const d2 = await oauth.deliver(await message(6), { mailbox: 'carol@contoso.com', folder: 'ignored' });
      await oauth.close();
      expect(h.server.log.filter((r) => r.op === 'CreateItem').at(-1)).toMatchObject({ auth: 'bearer', impersonated: 'carol@contoso.com', anchorMailbox: 'carol@contoso.com', status: 200 });
      expect(h.server.items('carol@contoso.com', 'recoverableitemspurges').map((x) => x.id)).toContain(d2.remoteId);
      // find() looks in the same well-known folder.
      expect(await delegate.find(m.messageId, { mailbox: 'bob@contoso.com', folder: 'Synth Archive' })).toEqual({ remoteId: d.remoteId });
      expect(await delegate.find(m.messageId, { mailbox: 'ann@contoso.com', folder: 'Synth Archive' })).toBeNull();
    } finally {
      await dest.close();
      await delegate.close();
    }
  });
});
