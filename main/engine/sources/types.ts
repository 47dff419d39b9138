/**
 * The source interface (Airbyte-style): a spec that declares its settings, a check that says whether
 * an export is usable, and `read`, an async generator that pulls items one at a time so memory stays
 * flat however large the export. A source never knows about mapping or destinations.
 */
import type { SourceRecord } from '../item';

export type SettingType = 'path' | 'string' | 'number' | 'boolean' | 'select' | 'timezone' | 'secret' | 'json';

export interface SettingSpec {
  key: string;
  label: string;
  type: SettingType;
  required?: boolean;
  default?: string | number | boolean;
  /** For `select`. */
  options?: { value: string; label: string }[];
  /** For `path`: what may be chosen, and file extensions to offer. */
  pathKind?: 'file' | 'folder' | 'file-or-folder';
  extensions?: string[];
  help?: string;
}

export interface SourceSpec {
  /** The kind named on the command line: `twitter-archive`. */
  kind: string;
  /** Shown to admins: `Twitter/X archive`. */
  title: string;
  /** Source name in message classes: `Twitter`. */
  platform: string;
  description: string;
  /** Every source has a `path` setting; these are the rest. */
  settings: SettingSpec[];
}

export type SourceSettings = { path: string } & Record<string, unknown>;

export interface CheckResult {
  ok: boolean;
  /** What was found (`3 chats, 1,204 messages` or `account @bob`), or what is wrong. */
  message: string;
}

export interface ReadContext {
  signal?: AbortSignal;
  /** Non-fatal notes for the run log (an ambiguous date order, a skipped folder). */
  notice?(message: string): void;
  /** How far through the export the source is, 0..1 (bytes read / total bytes), for progress bars. */
  progress?(fraction: number): void;
}

export interface Source {
  spec: SourceSpec;
  /** Reads just enough to tell whether the export is usable. Never throws for bad input: returns ok=false. */
  check(settings: SourceSettings): Promise<CheckResult>;
  /**
   * Yields items and bad records in a deterministic order (resume after a crash relies on it).
   * Throws a FerryError('config' | 'data') when the export as a whole cannot be read.
   */
  read(settings: SourceSettings, ctx: ReadContext): AsyncGenerator<SourceRecord>;
  /**
   * The folder per source when the connector names none, where it depends on the settings (a custom
   * source's declared name); undefined for `<Platform> Archive`. See `default-folder.ts`.
   */
  defaultFolder?(settings: SourceSettings): string | undefined;
}
