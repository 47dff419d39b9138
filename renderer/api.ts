/**
 * The renderer's typed side of the contract: `call` unwraps a Result or throws an ApiError that keeps
 * the error class, so screens show the engine's own message.
 */
import type { Channel, FerryEvent, IpcErrorClass, ReplyOf, RequestOf } from '../preload/contract';
import type { FerryBridge } from '../preload/bridge';

declare global {
  interface Window {
    ferry: FerryBridge;
  }
}

export class ApiError extends Error {
  constructor(readonly errorClass: IpcErrorClass, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ReplyOf<C>> {
  const r = await window.ferry.invoke(channel, request);
  if (!r.ok) throw new ApiError(r.error.class, r.error.message);
  return r.value;
}

export function onEvent(listener: (e: FerryEvent) => void): () => void {
  return window.ferry.onEvent(listener);
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
