/**
 * The shape of `window.ferry` and the two Electron IPC channel names. Kept apart from the zod
 * schemas so the sandboxed preload bundle stays a few lines.
 */
import type { Channel, FerryEvent, ReplyOf, RequestOf, Result } from './contract';

export const IPC_INVOKE = 'ferry:invoke';
export const IPC_EVENT = 'ferry:event';

/** What the preload exposes as `window.ferry`. */
export interface FerryBridge {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ReplyOf<C>>>;
  /** Subscribes to pushed events; returns the unsubscribe function. */
  onEvent(listener: (event: FerryEvent) => void): () => void;
}
