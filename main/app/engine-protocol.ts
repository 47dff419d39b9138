/**
 * Messages between Electron's main process and the engine host (a utility process). Both ends are
 * Ferry's own code; the renderer's requests reach the host only after main's gate validated them.
 */
import type { FerryEvent, Result } from '../../preload/contract';

export type HostOp =
  | { op: 'choosePath'; args: { pathKind: 'file' | 'folder' | 'file-or-folder'; extensions?: string[]; title?: string } }
  | { op: 'chooseSavePath'; args: { defaultName: string; extensions: string[]; title: string } }
  | { op: 'openExternal'; args: { url: string } };

export type ToEngine =
  | { type: 'init'; configDir: string; appVersion: string; platform: string; mode: 'app' | 'run-due' }
  | { type: 'invoke'; id: number; channel: string; request: unknown }
  | { type: 'host-reply'; id: number; value: unknown; error?: string }
  | { type: 'shutdown' };

export type FromEngine =
  | { type: 'ready'; dataDir: string }
  | { type: 'reply'; id: number; result: Result<unknown> }
  | { type: 'event'; event: FerryEvent }
  | ({ type: 'host-call'; id: number } & HostOp)
  | { type: 'run-due-finished'; exitCode: number; summary: string }
  | { type: 'fatal'; message: string }
  | { type: 'closed' };
