/**
 * The renderer's state: a mirror of what the main process knows (connectors, active runs and their
 * progress, the history), refreshed on the events main pushes, plus which screen is open.
 */
import { create } from 'zustand';
import type { ActiveRunView, ConnectorView, DestinationSpecView, FerryEvent, ReplyOf, RunReportView, RunSummary, SourceSpecView } from '../preload/contract';
import { call, errorText, onEvent } from './api';

export const SCREENS = [
  { id: 'connectors', label: 'Connectors' },
  { id: 'mapping', label: 'Mapping' },
  { id: 'preview', label: 'Preview' },
  { id: 'run', label: 'Run' },
  { id: 'history', label: 'History' },
  { id: 'unmapped', label: 'Unmapped' },
  { id: 'settings', label: 'Settings' },
] as const;
export type ScreenId = (typeof SCREENS)[number]['id'];

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error';
  text: string;
}

interface State {
  screen: ScreenId;
  /** The connector the Mapping, Preview and Run screens work on. */
  connectorId: number | null;
  /** The run the History screen shows. */
  runId: number | null;
  info: ReplyOf<'app.info'> | null;
  sources: SourceSpecView[];
  destinations: DestinationSpecView[];
  connectors: ConnectorView[];
  active: Record<number, ActiveRunView>;
  /** The last report per connector, from run-finished events. */
  reports: Record<number, RunReportView>;
  runs: RunSummary[];
  toasts: Toast[];
  loadError: string | null;

  init(): Promise<void>;
  go(screen: ScreenId, opts?: { connectorId?: number | null; runId?: number | null }): void;
  refreshConnectors(): Promise<void>;
  refreshRuns(): Promise<void>;
  notify(kind: Toast['kind'], text: string): void;
  dismiss(id: number): void;
}

let toastId = 1;
let unsubscribe: (() => void) | undefined;

export const useStore = create<State>()((set, get) => ({
  screen: 'connectors',
  connectorId: null,
  runId: null,
  info: null,
  sources: [],
  destinations: [],
  connectors: [],
  active: {},
  reports: {},
  runs: [],
  toasts: [],
  loadError: null,

  async init() {
    unsubscribe?.();
    unsubscribe = onEvent((e) => handleEvent(e));
    try {
      const [info, sources, destinations, active] = await Promise.all([
        call('app.info', {}), call('sources.list', {}), call('destinations.list', {}), call('runs.active', {}),
      ]);
      set({ info, sources, destinations, active: Object.fromEntries(active.map((a) => [a.connectorId, a])) });
      await Promise.all([get().refreshConnectors(), get().refreshRuns()]);
    } catch (err) {
      set({ loadError: errorText(err) });
    }
  },

  go(screen, opts = {}) {
    set({
      screen,
      ...(opts.connectorId !== undefined ? { connectorId: opts.connectorId } : {}),
      ...(opts.runId !== undefined ? { runId: opts.runId } : {}),
    });
  },

  async refreshConnectors() {
    const connectors = await call('connectors.list', {});
    const cur = get().connectorId;
    set({ connectors, connectorId: cur !== null && connectors.some((c) => c.id === cur) ? cur : connectors[0]?.id ?? null });
  },

  async refreshRuns() {
    set({ runs: await call('runs.list', { limit: 500 }) });
  },

  notify(kind, text) {
    const t = { id: toastId++, kind, text };
    set({ toasts: [...get().toasts.slice(-4), t] });
    if (kind !== 'error') setTimeout(() => get().dismiss(t.id), 6000);
  },

  dismiss(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
}));

function handleEvent(e: FerryEvent): void {
  const { getState: get, setState: set } = useStore;
  switch (e.type) {
    case 'run-started':
      set({ active: { ...get().active, [e.run.connectorId]: e.run } });
      break;
    case 'run-progress': {
      const a = get().active[e.connectorId];
      if (a) set({ active: { ...get().active, [e.connectorId]: { ...a, progress: e.progress } } });
      break;
    }
    case 'run-finished': {
      const { [e.connectorId]: _done, ...rest } = get().active;
      set({ active: rest, reports: { ...get().reports, [e.connectorId]: e.report } });
      const name = get().connectors.find((c) => c.id === e.connectorId)?.name ?? `Connector ${e.connectorId}`;
      const c = e.report.counts;
      get().notify(e.report.status === 'failed' ? 'error' : 'success',
        `${name}: ${e.report.mode} ${e.report.stopReason === 'daily-cap' ? 'paused by the daily cap' : e.report.status} — ${c.imported} ${e.report.mode === 'preview' ? 'ready' : 'imported'}, ${c.duplicate} duplicate, ${c.failed} failed`);
      void get().refreshRuns();
      break;
    }
    case 'run-error': {
      const { [e.connectorId]: _gone, ...rest } = get().active;
      set({ active: rest });
      get().notify('error', e.error.message);
      break;
    }
    case 'connectors-changed':
      void get().refreshConnectors();
      break;
  }
}
