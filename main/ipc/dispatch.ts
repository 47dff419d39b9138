/**
 * The typed handler registry (GitHub Desktop style): one function per contract channel, called only
 * with a request that passed the channel's schema, its reply parsed through the reply schema (which
 * drops any field the contract does not declare), and every outcome shaped as a `Result` with a
 * classified error. Plain Node: the Electron engine host and the browser tests call the same code.
 */
import { z } from 'zod';
import { type Channel, type ParsedRequestOf, type ReplyOf, type Result, type IpcError, channels, isChannel } from '../../preload/contract';
import { FerryError, classify } from '../engine/errors';

export type Handlers = { [C in Channel]: (request: ParsedRequestOf<C>) => Promise<ReplyOf<C>> | ReplyOf<C> };

/** An invalid request: names the channel and each field that is wrong. */
export function invalidRequest(channel: string, error: z.ZodError): IpcError {
  const detail = error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'request'}: ${i.message}`).join('; ');
  return { class: 'invalid', message: `invalid request for ${channel}: ${detail}` };
}

export function toIpcError(err: unknown): IpcError {
  const e = err instanceof FerryError ? err : classify(err);
  return { class: e.errorClass, message: e.message };
}

/** Validates the channel and its request (the same check main's relay makes). */
export function parseRequest(channel: unknown, payload: unknown): Result<{ channel: Channel; request: unknown }> {
  if (!isChannel(channel)) return { ok: false, error: { class: 'invalid', message: `unknown channel ${JSON.stringify(String(channel)).slice(0, 120)}` } };
  const parsed = channels[channel].request.safeParse(payload);
  if (!parsed.success) return { ok: false, error: invalidRequest(channel, parsed.error) };
  return { ok: true, value: { channel, request: parsed.data } };
}

export async function dispatch(handlers: Handlers, channel: unknown, payload: unknown): Promise<Result<unknown>> {
  const req = parseRequest(channel, payload);
  if (!req.ok) return req;
  const c = req.value.channel;
  let value: unknown;
  try {
    value = await (handlers[c] as (r: unknown) => unknown)(req.value.request);
  } catch (err) {
    return { ok: false, error: toIpcError(err) };
  }
  const reply = channels[c].reply.safeParse(value);
  if (!reply.success) {
    return { ok: false, error: { class: 'system', message: `the reply of ${c} does not match the contract (${reply.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 500)})` } };
  }
  return { ok: true, value: reply.data };
}
