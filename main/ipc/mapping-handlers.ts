/**
 * The Mapping, Unmapped and Settings screens' channels, over the mapping engine
 * (`engine/mapping/`): CSV mapping sets, lookups, the unmapped queue and the app-wide routing settings.
 */
import type { ParsedRequestOf, ReplyOf } from '../../preload/contract';
import { configError } from '../engine/errors';

type Fn<C extends Parameters<typeof unavailable>[0]> = (r: ParsedRequestOf<C>) => Promise<ReplyOf<C>> | ReplyOf<C>;

export interface MappingHandlers {
  getSettings(): Promise<ReplyOf<'settings.get'>> | ReplyOf<'settings.get'>;
  saveSettings(s: ParsedRequestOf<'settings.save'>['settings']): Promise<ReplyOf<'settings.save'>> | ReplyOf<'settings.save'>;
  check: Fn<'mapping.check'>;
  lookup: Fn<'mapping.lookup'>;
  save: Fn<'mapping.save'>;
  current: Fn<'mapping.current'>;
  unmappedList: Fn<'unmapped.list'>;
  unmappedItems: Fn<'unmapped.items'>;
  addMapping: Fn<'unmapped.addMapping'>;
  reimport: Fn<'unmapped.reimport'>;
}

function unavailable(channel: 'settings.get' | 'settings.save' | 'mapping.check' | 'mapping.lookup' | 'mapping.save' | 'mapping.current' | 'unmapped.list' | 'unmapped.items' | 'unmapped.addMapping' | 'unmapped.reimport'): never {
  throw configError(`${channel}: the mapping engine is not part of this build`);
}

/** Used while the mapping engine is missing: every call says so. */
export const noMapping: MappingHandlers = {
  getSettings: () => unavailable('settings.get'),
  saveSettings: () => unavailable('settings.save'),
  check: () => unavailable('mapping.check'),
  lookup: () => unavailable('mapping.lookup'),
  save: () => unavailable('mapping.save'),
  current: () => unavailable('mapping.current'),
  unmappedList: () => unavailable('unmapped.list'),
  unmappedItems: () => unavailable('unmapped.items'),
  addMapping: () => unavailable('unmapped.addMapping'),
  reimport: () => unavailable('unmapped.reimport'),
};
