/** Reading converted messages back with mailparser, to check what a source's items become. */
import { expect } from 'vitest';
import { simpleParser, type AddressObject, type EmailAddress, type ParsedMail } from 'mailparser';
import type { Identity, Item } from '../../main/engine/item';
import { validateItem } from '../../main/engine/validate';
import { convertItem } from '../../main/engine/convert/convert';
import { messageIdFor } from '../../main/engine/convert/message-id';

/** The addresses of a parsed From/To/Cc header, groups flattened. */
export const addressesOf = (a: AddressObject | AddressObject[] | undefined): EmailAddress[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value);

/** How FROM or TO must come back: as these addresses, or only as many as the item has. */
export type AddressCheck = 'count' | ((who: Identity) => string | undefined);

export interface RoundTripChecks {
  /** Source name in the Message-ID and message class (default: the item's own). */
  source?: string;
  from?: AddressCheck;
  to?: AddressCheck;
  /** Compare addresses case-insensitively (the MIME writer lower-cases domains). */
  ignoreCase?: boolean;
  /** The Date header has whole seconds while the item keeps milliseconds; without this, equal to the millisecond. */
  wholeSeconds?: boolean;
  /** In-Reply-To: on every item (absent when it replies to nothing), or looked at on replies only. */
  inReplyTo?: 'always' | 'replies';
  /** X-Ferry-Message-Class is IPM.NOTE.<source>.<event>. */
  messageClass?: boolean;
}

/**
 * Converts an item and reads the message back: it validates, and its Message-ID, subject and date
 * (and what `checks` asks) are the item's. Returns both for the caller's own checks.
 */
export async function expectRoundTrip(item: Item, checks: RoundTripChecks = {}): Promise<{ parsed: ParsedMail; message: Awaited<ReturnType<typeof convertItem>> }> {
  const source = checks.source ?? item.source;
  expect(validateItem(item), item.id).toBeNull();
  const message = await convertItem(item);
  const parsed = await simpleParser(message.mime);
  expect(parsed.messageId).toBe(messageIdFor(source, item.id));
  const fold = (s: string | undefined) => (checks.ignoreCase ? s?.toLowerCase() : s);
  const expectAddresses = (header: AddressObject | AddressObject[] | undefined, who: Identity[], check: AddressCheck | undefined) => {
    if (check === 'count') expect(addressesOf(header)).toHaveLength(who.length);
    else if (check) expect(addressesOf(header).map((a) => fold(a.address))).toEqual(who.map((w) => fold(check(w))));
  };
  expectAddresses(parsed.from, [item.from!], checks.from);
  expectAddresses(parsed.to, item.to, checks.to);
  expectAddresses(parsed.cc, item.cc ?? [], checks.to);
  expectAddresses(parsed.bcc, item.bcc ?? [], checks.to);
  expect(parsed.subject).toBe(item.subject);
  if (checks.wholeSeconds) expect(parsed.date?.getTime()).toBe(Math.floor(item.date!.getTime() / 1000) * 1000);
  else expect(parsed.date?.toISOString()).toBe(item.date!.toISOString());
  if (checks.messageClass) expect(parsed.headers.get('x-ferry-message-class')).toBe(`IPM.NOTE.${source}.${item.event}`);
  if (checks.inReplyTo === 'always') expect(parsed.inReplyTo).toBe(item.replyTo ? messageIdFor(source, item.replyTo) : undefined);
  else if (checks.inReplyTo === 'replies' && item.replyTo) expect(parsed.inReplyTo).toBe(messageIdFor(source, item.replyTo));
  return { parsed, message };
}

/** A small plain-text message as a mail file holds it, CRLF unless told otherwise. */
export function plainMessage(o: { from?: string; to?: string; subject?: string; date?: string; messageId?: string; body?: string; extra?: string[]; eol?: string } = {}): string {
  const eol = o.eol ?? '\r\n';
  const headers = [
    ...(o.from !== undefined ? [`From: ${o.from}`] : []),
    ...(o.to !== undefined ? [`To: ${o.to}`] : []),
    ...(o.subject !== undefined ? [`Subject: ${o.subject}`] : []),
    ...(o.date !== undefined ? [`Date: ${o.date}`] : []),
    ...(o.messageId !== undefined ? [`Message-ID: ${o.messageId}`] : []),
    ...(o.extra ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
  ];
  return `${headers.join(eol)}${eol}${eol}${(o.body ?? 'Hello.').split('\n').join(eol)}${eol}`;
}

/**
 * A mail source's item converts to its original bytes unchanged, behind only Ferry's headers (and
 * a Message-ID when the original has none). Returns the converted message.
 */
export async function expectPassedThrough(item: Item, original: Buffer): Promise<Awaited<ReturnType<typeof convertItem>>> {
  const m = await convertItem(item);
  const eol = original.includes('\r\n') ? '\r\n' : '\n';
  const hasId = /^Message-ID:/im.test(original.toString('latin1').split(`${eol}${eol}`)[0]!);
  const prefix = [...(hasId ? [] : [`Message-ID: ${m.messageId}`]), 'X-Ferry-Message-Class: IPM.NOTE.Mail.Message', 'X-Ferry-Source: Mail'].join(eol) + eol;
  expect(m.mime.subarray(0, prefix.length).toString('latin1')).toBe(prefix);
  expect(m.mime.subarray(prefix.length).equals(original)).toBe(true);
  return m;
}
