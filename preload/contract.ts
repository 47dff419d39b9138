/**
 * The one IPC contract between the renderer and the engine: every channel with the zod schema of its
 * request and of its reply, and the events pushed from main to the renderer. Main validates every
 * request against it (the renderer is untrusted) and parses every reply through it (object schemas
 * strip unknown keys, so a reply can only carry the fields declared here — never a secret).
 *
 * Requests use strict objects (unknown keys are refused); replies use plain objects.
 */
import { z } from 'zod';

// ---- results ---------------------------------------------------------------------------------

/** The engine's error classes, plus two that only the IPC layer gives: a request that does not match
 * the contract (`invalid`) and a sender that is not the app's own page (`forbidden`). */
export const ERROR_CLASSES = ['config', 'auth', 'transient', 'throttled', 'data', 'system', 'invalid', 'forbidden'] as const;
export const ErrorClassSchema = z.enum(ERROR_CLASSES);
export type IpcErrorClass = z.infer<typeof ErrorClassSchema>;

export const IpcErrorSchema = z.object({ class: ErrorClassSchema, message: z.string() });
export type IpcError = z.infer<typeof IpcErrorSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: IpcError };

// ---- shared shapes ---------------------------------------------------------------------------

const id = z.number().int().positive();
/** Text a person types: bounded so a hostile renderer cannot make main allocate gigabytes. */
const text = (max = 1000) => z.string().max(max);
const settingValue = z.union([z.string().max(10_000), z.number().finite(), z.boolean(), z.null()]);
const settingsRecord = z.record(z.string().max(100), settingValue);

export const SettingSpecSchema = z.object({
  key: z.string(),
  label: z.string(),
  type: z.enum(['path', 'string', 'number', 'boolean', 'select', 'timezone', 'secret', 'json']),
  required: z.boolean().optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  options: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
  pathKind: z.enum(['file', 'folder', 'file-or-folder']).optional(),
  extensions: z.array(z.string()).optional(),
  help: z.string().optional(),
});
export type SettingSpecView = z.infer<typeof SettingSpecSchema>;

export const SourceSpecSchema = z.object({
  kind: z.string(), title: z.string(), platform: z.string(), description: z.string(), settings: z.array(SettingSpecSchema),
});
export type SourceSpecView = z.infer<typeof SourceSpecSchema>;

export const DestinationSpecSchema = z.object({
  kind: z.string(), title: z.string(), description: z.string(), settings: z.array(SettingSpecSchema),
  /** Whether "Test connection" can check this destination. */
  testable: z.boolean(),
});
export type DestinationSpecView = z.infer<typeof DestinationSpecSchema>;

export const CountsSchema = z.object({
  available: z.number(), imported: z.number(), partial: z.number(), duplicate: z.number(), failed: z.number(), unmapped: z.number(),
});
export type CountsView = z.infer<typeof CountsSchema>;

const RunStatusSchema = z.enum(['running', 'completed', 'cancelled', 'interrupted', 'failed']);
/**
 * Why a run stopped before the end of its export when Ferry stopped it (the status stays 'cancelled'):
 * `daily-cap`, the connector's daily cap paused it and the next run resumes it. Null or absent otherwise.
 */
const StopReasonSchema = z.enum(['daily-cap']).nullable();
const RunModeSchema = z.enum(['import', 'preview']);
const ItemStatusSchema = z.enum(['imported', 'partial', 'duplicate', 'failed']);
export type ItemStatusView = z.infer<typeof ItemStatusSchema>;

export const ScheduleSchema = z.strictObject({
  enabled: z.boolean(),
  /** Hours between scheduled runs (default 24). */
  everyHours: z.number().min(1).max(24 * 31),
});

/** What the renderer sends to create or change a connector. Secret values never travel in it. */
export const ConnectorInputSchema = z.strictObject({
  id: id.optional(),
  name: z.string().trim().min(1, 'a connector needs a name').max(100),
  kind: z.string().min(1).max(100),
  /** Source settings (`path` is the export); `secret` settings are left out: they go to the keychain. */
  source: settingsRecord,
  destination: z.strictObject({ kind: z.string().min(1).max(100), settings: settingsRecord }),
  folder: text(200).optional(),
  maxItemMb: z.number().positive().max(150).optional(),
  oversize: z.enum(['partial', 'fail']).optional(),
  schedule: ScheduleSchema,
  dailyCap: z.number().int().min(1).max(100_000_000),
});
export type ConnectorInput = z.input<typeof ConnectorInputSchema>;

export const SecretSlotSchema = z.object({
  /** `source` or `destination` setting. */
  scope: z.enum(['source', 'destination']),
  key: z.string(),
  label: z.string(),
  /** The keychain entry's name (never its value). */
  ref: z.string(),
  set: z.boolean(),
});
export type SecretSlotView = z.infer<typeof SecretSlotSchema>;

export const RunSummarySchema = z.object({
  id: z.number(), connectorId: z.number().nullable(), connectorName: z.string().nullable(), kind: z.string(), input: z.string(),
  mode: RunModeSchema, destination: z.string(), status: RunStatusSchema, startedAt: z.string(), finishedAt: z.string().nullable(),
  error: z.string().nullable(), counts: CountsSchema,
  stopReason: StopReasonSchema,
  /** Set when the daily cap stopped the run (stopReason 'daily-cap'): the rest is deferred to the next run. */
  deferred: z.boolean(),
  /** An unmapped-queue re-import, not a connector run. */
  reimport: z.boolean(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

export const ConnectorViewSchema = z.object({
  id: z.number(), name: z.string(), kind: z.string(), sourceTitle: z.string(),
  source: z.record(z.string(), settingValue),
  destination: z.object({ kind: z.string(), settings: z.record(z.string(), settingValue) }),
  destinationLabel: z.string(),
  folder: z.string().nullable(), maxItemMb: z.number().nullable(), oversize: z.enum(['partial', 'fail']).nullable(),
  schedule: z.object({ enabled: z.boolean(), everyHours: z.number() }), dailyCap: z.number(),
  createdAt: z.string(), updatedAt: z.string(),
  /** idle (never run), ok, running, deferred (cap reached), cancelled, interrupted, failed. */
  status: z.enum(['idle', 'ok', 'running', 'deferred', 'cancelled', 'interrupted', 'failed']),
  lastRun: RunSummarySchema.nullable(),
  nextRunAt: z.string().nullable(),
  /** Items processed by this connector's imports today, against the daily cap. */
  processedToday: z.number(),
  secrets: z.array(SecretSlotSchema),
});
export type ConnectorView = z.infer<typeof ConnectorViewSchema>;

export const CheckSchema = z.object({ check: z.string(), ok: z.boolean(), message: z.string() });
export type CheckView = z.infer<typeof CheckSchema>;

export const RunProgressSchema = z.object({
  runId: z.number(), mode: RunModeSchema, done: z.number(), counts: CountsSchema, rate: z.number(),
  fraction: z.number().optional(), etaMs: z.number().optional(), elapsedMs: z.number(), finished: z.boolean(),
});
export type RunProgressView = z.infer<typeof RunProgressSchema>;

export const RunReportSchema = z.object({
  runId: z.number(), mode: RunModeSchema, kind: z.string(), input: z.string(), destination: z.string(), status: RunStatusSchema,
  error: z.string().optional(), resumed: z.boolean(), startedAt: z.string(), finishedAt: z.string().nullable(), elapsedMs: z.number(),
  counts: CountsSchema, failures: z.array(z.object({ item: z.string(), reason: z.string() })), failuresOmitted: z.number(),
  notices: z.array(z.string()),
  stopReason: StopReasonSchema.optional(),
});
export type RunReportView = z.infer<typeof RunReportSchema>;

export const ActiveRunSchema = z.object({
  connectorId: z.number(), mode: RunModeSchema, startedAt: z.string(), progress: RunProgressSchema.nullable(),
  trigger: z.enum(['manual', 'schedule']),
});
export type ActiveRunView = z.infer<typeof ActiveRunSchema>;

export const RunItemSchema = z.object({
  seq: z.number(), itemId: z.string().nullable(), messageId: z.string().nullable(), origin: z.string(), status: ItemStatusSchema,
  reason: z.string().nullable(), subject: z.string().nullable(), itemDate: z.string().nullable(), unmapped: z.boolean(),
  mailboxes: z.array(z.string()),
});
export type RunItemView = z.infer<typeof RunItemSchema>;

const TargetSchema = z.object({ mailbox: z.string(), folder: z.string() });

export const PreviewEntrySchema = z.object({
  seq: z.number(), origin: z.string(), itemId: z.string().optional(), error: z.string().optional(), messageId: z.string().optional(),
  messageClass: z.string().optional(), from: z.string().optional(), to: z.array(z.string()).optional(),
  cc: z.array(z.string()).optional(), bcc: z.array(z.string()).optional(), subject: z.string().optional(),
  date: z.string().optional(), text: z.string().optional(),
  /** Untrusted third-party HTML: the renderer sanitises it and shows it script-less. */
  html: z.string().optional(),
  attachments: z.array(z.object({ filename: z.string(), contentType: z.string(), size: z.number() })).optional(),
  omitted: z.array(z.object({ filename: z.string(), size: z.number() })).optional(),
  targets: z.array(TargetSchema).optional(), unmapped: z.boolean().optional(), unmappedIdentities: z.array(z.string()).optional(),
  /** Each participant (sender and recipients) and the mailbox their copy goes to, if any. */
  participants: z.array(z.object({
    role: z.enum(['from', 'to', 'cc', 'bcc']), id: z.string(), name: z.string().nullable(), mailbox: z.string().nullable(), via: z.enum(['mapping', 'automatic']).nullable(),
  })).optional(),
});
export type PreviewEntryView = z.infer<typeof PreviewEntrySchema>;

export const AppSettingsSchema = z.object({
  dataDir: z.string(),
  orgDomains: z.array(z.string()),
  catchAll: z.string().nullable(),
  defaultRegion: z.string().nullable(),
  requireSenderMapping: z.boolean(),
  defaultDestination: z.object({ kind: z.string(), settings: z.record(z.string(), settingValue) }),
});
export type AppSettingsView = z.infer<typeof AppSettingsSchema>;

const domain = z.string().trim().toLowerCase().regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'not a domain name (e.g. contoso.com)');
const mailbox = z.string().trim().max(320).regex(/^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/, 'not an email address');

export const AppSettingsInputSchema = z.strictObject({
  orgDomains: z.array(domain).max(500),
  catchAll: mailbox.nullable(),
  defaultRegion: z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code such as GB or US').nullable(),
  requireSenderMapping: z.boolean(),
  defaultDestination: z.strictObject({ kind: z.string().min(1).max(100), settings: settingsRecord }),
});
export type AppSettingsInput = z.input<typeof AppSettingsInputSchema>;

/** Keychain entries the renderer may touch: the ones Ferry derives for connectors and destination sign-ins. */
export const SecretRefSchema = z.string().max(256)
  .regex(/^(connector:\d{1,12}:(source|destination):[A-Za-z0-9_.-]{1,64}|(imap|graph|ews):[^\s:][^\s]{0,250})$/, 'not a Ferry credential name');

export const MappingRowSchema = z.object({
  line: z.number(), externalId: z.string(), kind: z.string(), normalized: z.string().nullable(), mailbox: z.string(),
  validFrom: z.string().nullable(), validTo: z.string().nullable(), error: z.string().nullable(),
});
export type MappingRowView = z.infer<typeof MappingRowSchema>;

export const MappingSetSchema = z.object({
  version: z.number(), connectorId: z.number().nullable(), name: z.string(), rows: z.number(), createdAt: z.string(), active: z.boolean(),
});
export type MappingSetView = z.infer<typeof MappingSetSchema>;

export const UnmappedIdentitySchema = z.object({
  key: z.string(), id: z.string(), kind: z.string(), platform: z.string(), name: z.string().nullable(), items: z.number(),
  sample: z.object({ subject: z.string().nullable(), date: z.string().nullable(), origin: z.string().nullable() }).nullable(),
  /** Where its items would go with the current mapping (empty: still nowhere). */
  wouldGoTo: z.array(z.string()),
});
export type UnmappedIdentityView = z.infer<typeof UnmappedIdentitySchema>;

export const UnmappedItemSchema = z.object({
  queueId: z.number(), itemId: z.string(), subject: z.string().nullable(), date: z.string().nullable(), from: z.string().nullable(),
  /** Mailboxes it would reach now (newCopy: it is not there yet); empty when it still maps to nobody. */
  targets: z.array(z.object({ mailbox: z.string(), newCopy: z.boolean() })),
  unmappedIdentities: z.array(z.string()),
});
export type UnmappedItemView = z.infer<typeof UnmappedItemSchema>;

export const ReimportResultSchema = z.object({
  /** One run per destination (an unfinished earlier re-import is resumed first). */
  runs: z.array(RunReportSchema),
  /** The runs' counts added up. */
  counts: CountsSchema,
  selected: z.number(), stillUnmapped: z.number(), refused: z.number(),
});
export type ReimportResultView = z.infer<typeof ReimportResultSchema>;

/** The re-import of unmapped items in progress (one at a time): whose mapping, and its current run's progress. */
export const ActiveReimportSchema = z.object({
  connectorId: z.number().nullable(), startedAt: z.string(),
  /** The current run's progress (each destination's run starts again from 0). */
  progress: RunProgressSchema.nullable(),
  /** Runs already finished in this re-import. */
  runsDone: z.number(),
});
export type ActiveReimportView = z.infer<typeof ActiveReimportSchema>;

// ---- channels --------------------------------------------------------------------------------

const empty = z.strictObject({});
const connectorRef = z.strictObject({ connectorId: id });

export const channels = {
  'app.info': {
    request: empty,
    reply: z.object({ version: z.string(), platform: z.string(), dataDir: z.string(), keychain: z.object({ ok: z.boolean(), message: z.string() }) }),
  },
  'sources.list': { request: empty, reply: z.array(SourceSpecSchema) },
  /** The folder a connector of this kind with these settings files items into when none is chosen. */
  'sources.defaultFolder': { request: z.strictObject({ kind: z.string().min(1).max(100), source: settingsRecord }), reply: z.object({ folder: z.string() }) },
  'destinations.list': { request: empty, reply: z.array(DestinationSpecSchema) },

  'connectors.list': { request: empty, reply: z.array(ConnectorViewSchema) },
  'connectors.get': { request: connectorRef, reply: ConnectorViewSchema },
  'connectors.save': { request: z.strictObject({ connector: ConnectorInputSchema }), reply: ConnectorViewSchema },
  'connectors.delete': {
    request: z.strictObject({ connectorId: id, deleteCredentials: z.boolean() }),
    reply: z.object({ deleted: z.boolean(), credentialsDeleted: z.number() }),
  },
  /**
   * Checks a (possibly unsaved) connector: the export, the destination and its credentials.
   * `credentials` (by `<scope>:<key>`) are typed in the form and not stored yet: they go to the OS
   * keychain first, as saving would put them there, and are never sent back.
   */
  'connectors.test': {
    request: z.strictObject({ connector: ConnectorInputSchema, credentials: z.record(z.string().max(400), z.string().min(1).max(16_384)).optional() }),
    reply: z.object({ ok: z.boolean(), checks: z.array(CheckSchema) }),
  },

  'secrets.status': { request: z.strictObject({ refs: z.array(SecretRefSchema).max(100) }), reply: z.array(z.object({ ref: z.string(), set: z.boolean() })) },
  /** Stores a credential in the OS keychain. Write-only: no channel ever returns a secret. */
  'secrets.set': { request: z.strictObject({ ref: SecretRefSchema, value: z.string().min(1, 'the credential is empty').max(16_384) }), reply: z.object({ ref: z.string(), set: z.boolean() }) },
  'secrets.delete': { request: z.strictObject({ ref: SecretRefSchema }), reply: z.object({ ref: z.string(), deleted: z.boolean() }) },

  'preview.page': {
    request: z.strictObject({ connectorId: id, path: text(4096).optional(), offset: z.number().int().min(0), limit: z.number().int().min(1).max(200) }),
    reply: z.object({ entries: z.array(PreviewEntrySchema), end: z.boolean() }),
  },
  'preview.mime': {
    request: z.strictObject({ connectorId: id, path: text(4096).optional(), seq: z.number().int().min(0) }),
    reply: z.object({ seq: z.number(), mime: z.string() }),
  },

  'runs.start': { request: z.strictObject({ connectorId: id, mode: RunModeSchema }), reply: ActiveRunSchema },
  'runs.cancel': { request: connectorRef, reply: z.object({ cancelled: z.boolean() }) },
  'runs.active': { request: empty, reply: z.array(ActiveRunSchema) },
  'runs.list': { request: z.strictObject({ connectorId: id.optional(), limit: z.number().int().min(1).max(1000).optional() }), reply: z.array(RunSummarySchema) },
  'runs.report': { request: z.strictObject({ runId: id }), reply: RunReportSchema },
  'runs.items': {
    request: z.strictObject({ runId: id, status: ItemStatusSchema.optional(), search: text(200).optional(), offset: z.number().int().min(0), limit: z.number().int().min(1).max(500) }),
    reply: z.object({ items: z.array(RunItemSchema), total: z.number() }),
  },
  /** Asks where to save (a dialog in main), then writes the run's per-item log there as CSV. */
  'runs.exportLog': {
    request: z.strictObject({ runId: id, status: ItemStatusSchema.optional(), search: text(200).optional() }),
    reply: z.object({ saved: z.boolean(), path: z.string().nullable(), rows: z.number() }),
  },

  'settings.get': { request: empty, reply: AppSettingsSchema },
  'settings.save': { request: z.strictObject({ settings: AppSettingsInputSchema }), reply: AppSettingsSchema },
  /** Asks for a folder (a dialog in main) and moves Ferry's data folder there at the next start. */
  'settings.chooseDataDir': { request: empty, reply: z.object({ dataDir: z.string(), changed: z.boolean(), restartNeeded: z.boolean() }) },

  /** A native open dialog; the renderer gets back only the path the admin chose. */
  'dialog.choosePath': {
    request: z.strictObject({ pathKind: z.enum(['file', 'folder', 'file-or-folder']), extensions: z.array(z.string().regex(/^[A-Za-z0-9]{1,10}$/)).max(20).optional(), title: text(200).optional() }),
    reply: z.object({ path: z.string().nullable() }),
  },
  /** Opens an https link in the system browser, only for hosts on the allow-list. */
  'shell.openExternal': { request: z.strictObject({ url: z.string().url().max(2048) }), reply: z.object({ opened: z.boolean() }) },

  'mapping.check': {
    request: z.strictObject({ fileName: text(260), csv: z.string().max(50 * 1024 * 1024) }),
    reply: z.object({ rows: z.array(MappingRowSchema), loaded: z.number(), errors: z.number(), delimiter: z.string().nullable() }),
  },
  'mapping.lookup': {
    request: z.strictObject({ connectorId: id.optional(), csv: z.string().max(50 * 1024 * 1024).optional(), id: text(320).min(1), date: z.string().max(40).optional() }),
    reply: z.object({ input: z.string(), kind: z.string(), normalized: z.string().nullable(), mailbox: z.string().nullable(), via: z.string(), line: z.number().nullable() }),
  },
  'mapping.save': {
    request: z.strictObject({ connectorId: id, fileName: text(260), csv: z.string().max(50 * 1024 * 1024) }),
    reply: MappingSetSchema,
  },
  'mapping.current': { request: connectorRef, reply: z.object({ set: MappingSetSchema.nullable(), rows: z.array(MappingRowSchema) }) },

  /** `connectorId`: whose mapping tells where the items would go now (default: the organisation's). */
  'unmapped.list': { request: z.strictObject({ connectorId: id.optional() }), reply: z.array(UnmappedIdentitySchema) },
  'unmapped.items': { request: z.strictObject({ key: text(400), connectorId: id.optional(), limit: z.number().int().min(1).max(500).optional() }), reply: z.array(UnmappedItemSchema) },
  /** Adds one row to the connector's mapping (a new mapping-set version) in place. */
  'unmapped.addMapping': {
    request: z.strictObject({ connectorId: id, externalId: text(320).min(1), mailbox }),
    reply: MappingSetSchema,
  },
  /**
   * Imports again the queued items (of these identities) that map now, with the connector's mapping;
   * one run per destination. Replies when it is done; meanwhile `reimport-*` events carry its progress.
   * One re-import at a time.
   */
  'unmapped.reimport': {
    request: z.strictObject({ connectorId: id.optional(), keys: z.array(text(400)).max(10_000).optional() }),
    reply: ReimportResultSchema,
  },
  /** The re-import in progress, if any (a screen opened mid-way picks up its progress). */
  'unmapped.reimportActive': { request: empty, reply: ActiveReimportSchema.nullable() },
  /** Stops the re-import after its current batch; the next re-import resumes it. */
  'unmapped.cancelReimport': { request: empty, reply: z.object({ cancelled: z.boolean() }) },
} as const;

export type Channel = keyof typeof channels;
export const CHANNELS = Object.keys(channels) as Channel[];
/** What the renderer sends (zod input: defaults may be omitted). */
export type RequestOf<C extends Channel> = z.input<(typeof channels)[C]['request']>;
/** What a handler receives once the request was validated. */
export type ParsedRequestOf<C extends Channel> = z.output<(typeof channels)[C]['request']>;
export type ReplyOf<C extends Channel> = z.output<(typeof channels)[C]['reply']>;

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}

// ---- events (main → renderer, one channel) ---------------------------------------------------

export const EventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run-started'), run: ActiveRunSchema }),
  z.object({ type: z.literal('run-progress'), connectorId: z.number(), progress: RunProgressSchema }),
  z.object({ type: z.literal('run-finished'), connectorId: z.number(), report: RunReportSchema }),
  z.object({ type: z.literal('run-error'), connectorId: z.number(), error: IpcErrorSchema }),
  z.object({ type: z.literal('reimport-started'), reimport: ActiveReimportSchema }),
  z.object({ type: z.literal('reimport-progress'), connectorId: z.number().nullable(), progress: RunProgressSchema, runsDone: z.number() }),
  z.object({ type: z.literal('reimport-finished'), connectorId: z.number().nullable(), result: ReimportResultSchema }),
  z.object({ type: z.literal('reimport-error'), connectorId: z.number().nullable(), error: IpcErrorSchema }),
  z.object({ type: z.literal('connectors-changed') }),
]);
export type FerryEvent = z.infer<typeof EventSchema>;

export { IPC_EVENT, IPC_INVOKE, type FerryBridge } from './bridge';
