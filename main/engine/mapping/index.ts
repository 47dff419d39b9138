/**
 * Mapping and routing, as the rest of Ferry uses them: `engine.mapping` (a `MappingService`) for
 * the command line and the desktop app's Mapping, Unmapped and Settings screens; the types their
 * IPC payloads carry.
 */
export { MappingService } from './service';
export type { LookupRequest, LookupResult, ReimportRequest, ReimportResult, RoutingRequest, RunRouting } from './service';
export type { MappingCheck, MappingColumns, MappingParseOptions, MappingRowError } from './csv';
export type { MappingRow } from './mapping-table';
export type { MappingSetInfo, SaveResult } from './sets';
export type { RoutingDefaults, SettingKey, SettingValue } from './app-settings';
export type { IdentityMatch, RoutingConfig } from './router';
export type { QueueFilter, QueueIdentity, QueueItem, QueuePreviewEntry, QueueStatus, UnmappedIdentitySummary } from './queue';
export type { DateOrder } from './dates';
export { REIMPORT_KIND } from './queue-source';
