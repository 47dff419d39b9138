/** Settings both mail sources share. */
import type { SettingSpec, SourceSettings } from '../types';
import { configError } from '../../errors';

/** A Gmail Takeout mbox can hold messages of hundreds of MB; beyond this one is reported, not read into memory. */
export const DEFAULT_MAX_MESSAGE_MB = 200;

export const maxMessageSetting: SettingSpec = {
  key: 'maxMessageMB', label: 'Largest message read (MB)', type: 'number', default: DEFAULT_MAX_MESSAGE_MB,
  help: 'A larger message is reported as failed, with its place in the file, instead of being read into memory.',
};

export function maxMessageBytes(settings: SourceSettings): number {
  const v = settings.maxMessageMB ?? DEFAULT_MAX_MESSAGE_MB;
  const mb = typeof v === 'string' ? Number(v) : v;
  if (typeof mb !== 'number' || !(mb > 0)) throw configError(`setting maxMessageMB must be a positive number of MB, got "${String(v)}"`);
  return Math.floor(mb * 1024 * 1024);
}

export function sizeText(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return n >= 1024 ? `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB` : `${n} bytes`;
}
