/** Small shared pieces: status badges, the progress bar, the connector picker, the pager, the toasts. */
import type { ConnectorView, RunProgressView } from '../../preload/contract';
import { duration, num } from '../format';
import { useStore } from '../store';

const STATUS_TEXT: Record<string, string> = {
  idle: 'Never run', ok: 'OK', running: 'Running', deferred: 'Deferred (daily cap)', cancelled: 'Cancelled', interrupted: 'Interrupted', failed: 'Failed',
  completed: 'Completed', imported: 'Imported', partial: 'Partial', duplicate: 'Duplicate',
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{STATUS_TEXT[status] ?? status}</span>;
}

export function Progress({ progress, label }: { progress: RunProgressView | null; label: string }) {
  const pct = progress?.fraction !== undefined ? Math.round(progress.fraction * 100) : undefined;
  return (
    <div className="progress-block">
      <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100}
        {...(pct !== undefined ? { 'aria-valuenow': pct, 'aria-valuetext': `${pct}%` } : { 'aria-valuetext': 'starting' })}>
        <div className={`progress-fill${pct === undefined ? ' indeterminate' : ''}`} style={{ width: pct === undefined ? undefined : `${pct}%` }} />
      </div>
      <dl className="progress-stats">
        <div><dt>Done</dt><dd>{pct !== undefined ? `${pct}%` : '…'}</dd></div>
        <div><dt>Items</dt><dd>{num(progress?.done ?? 0)}</dd></div>
        <div><dt>Rate</dt><dd>{progress ? `${num(Math.round(progress.rate))}/s` : '—'}</dd></div>
        <div><dt>Time left</dt><dd>{duration(progress?.etaMs)}</dd></div>
        <div><dt>Elapsed</dt><dd>{duration(progress?.elapsedMs)}</dd></div>
      </dl>
    </div>
  );
}

export function Counts({ counts, mode }: { counts: { available: number; imported: number; partial: number; duplicate: number; failed: number; unmapped: number }; mode?: string }) {
  const items: [string, number, string][] = [
    ['Available', counts.available, 'available'], [mode === 'preview' ? 'Ready' : 'Imported', counts.imported, 'imported'], ['Partial', counts.partial, 'partial'],
    ['Duplicate', counts.duplicate, 'duplicate'], ['Failed', counts.failed, 'failed'], ['Unmapped', counts.unmapped, 'unmapped'],
  ];
  return (
    <dl className="counts">
      {items.map(([label, n, cls]) => <div key={label} className={`count count-${cls}`}><dt>{label}</dt><dd>{num(n)}</dd></div>)}
    </dl>
  );
}

export function ConnectorPicker({ id, label = 'Connector' }: { id: string; label?: string }) {
  const connectors = useStore((s) => s.connectors);
  const connectorId = useStore((s) => s.connectorId);
  const go = useStore((s) => s.go);
  const screen = useStore((s) => s.screen);
  if (!connectors.length) return null;
  return (
    <div className="field inline">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={connectorId ?? ''} onChange={(e) => go(screen, { connectorId: Number(e.target.value) })}>
        {connectors.map((c: ConnectorView) => <option key={c.id} value={c.id}>{c.name}</option>)}
      </select>
    </div>
  );
}

export function Toasts() {
  const toasts = useStore((s) => s.toasts);
  const dismiss = useStore((s) => s.dismiss);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`}>
          <span>{t.text}</span>
          <button type="button" className="link" onClick={() => dismiss(t.id)} aria-label="Dismiss notification">×</button>
        </div>
      ))}
    </div>
  );
}

/** Previous / Page n of m / Next, shown only when there is more than one page. */
export function Pager({ page, pages, setPage }: { page: number; pages: number; setPage: (p: number) => void }) {
  if (pages <= 1) return null;
  return (
    <div className="pager">
      <button type="button" className="secondary small" disabled={page === 0} onClick={() => setPage(page - 1)}>Previous</button>
      <span>Page {page + 1} of {pages}</span>
      <button type="button" className="secondary small" disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>Next</button>
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return <div className="empty"><p className="empty-title">{title}</p>{children}</div>;
}
