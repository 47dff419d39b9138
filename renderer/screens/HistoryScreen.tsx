/** History: every run with its counts; a run's report and per-item log with filters; export as CSV. */
import { useEffect, useState } from 'react';
import type { ItemStatusView, ReplyOf, RunReportView } from '../../preload/contract';
import { call, errorText } from '../api';
import { dateTime, num } from '../format';
import { useStore } from '../store';
import { EmptyState, Pager, StatusBadge } from '../components/bits';
import { RunStatusBadge } from '../components/RunStatus';
import { Report } from './RunScreen';

const PAGE = 100;
const STATUSES: ItemStatusView[] = ['imported', 'partial', 'duplicate', 'failed'];

function RunLog({ runId }: { runId: number }) {
  const notify = useStore((s) => s.notify);
  const [report, setReport] = useState<RunReportView | null>(null);
  const [status, setStatus] = useState<ItemStatusView | ''>('');
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(0);
  const [data, setData] = useState<ReplyOf<'runs.items'> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => { setPage(0); setStatus(''); setSearch(''); setQuery(''); call('runs.report', { runId }).then(setReport, (e: unknown) => setError(errorText(e))); }, [runId]);
  useEffect(() => {
    call('runs.items', { runId, offset: page * PAGE, limit: PAGE, ...(status ? { status } : {}), ...(query ? { search: query } : {}) })
      .then(setData, (e: unknown) => setError(errorText(e)));
  }, [runId, page, status, query]);

  const exportCsv = async () => {
    try {
      const r = await call('runs.exportLog', { runId, ...(status ? { status } : {}), ...(query ? { search: query } : {}) });
      if (r.saved) notify('success', `Exported ${num(r.rows)} row${r.rows === 1 ? '' : 's'} to ${r.path}.`);
    } catch (err) {
      notify('error', errorText(err));
    }
  };
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE)) : 1;

  return (
    <div className="card" aria-labelledby="run-log-title">
      <h2 id="run-log-title">Run {runId}</h2>
      {error ? <p className="form-error" role="alert">{error}</p> : null}
      {report?.stopReason === 'daily-cap' ? (
        <p role="note"><RunStatusBadge status={report.status} stopReason={report.stopReason} /> The connector's daily cap stopped this run. The remaining items continue at the next scheduled run, which resumes it; nothing is imported twice.</p>
      ) : null}
      {report ? <Report report={report} /> : null}
      <form className="toolbar" onSubmit={(e) => { e.preventDefault(); setPage(0); setQuery(search.trim()); }}>
        <div className="field inline">
          <label htmlFor="log-status">Outcome</label>
          <select id="log-status" value={status} onChange={(e) => { setPage(0); setStatus(e.target.value as ItemStatusView | ''); }}>
            <option value="">All</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s[0]!.toUpperCase() + s.slice(1)}</option>)}
          </select>
        </div>
        <div className="field inline grow">
          <label htmlFor="log-search">Search</label>
          <input id="log-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="subject, reason, item id, file" />
        </div>
        <button type="submit" className="secondary">Filter</button>
        <button type="button" onClick={exportCsv}>Export CSV</button>
      </form>
      {data ? (
        <>
          <p className="muted" role="status">{num(data.total)} item{data.total === 1 ? '' : 's'}{status || query ? ' match' : ''}.</p>
          <div className="table-wrap" tabIndex={0} role="region" aria-label={`Items of run ${runId}`}>
            <table className="data compact">
              <caption className="visually-hidden">Items of run {runId}</caption>
              <thead><tr><th scope="col">#</th><th scope="col">Outcome</th><th scope="col">Subject</th><th scope="col">Date</th><th scope="col">Mailboxes</th><th scope="col">Reason</th></tr></thead>
              <tbody>
                {data.items.map((it) => (
                  <tr key={it.seq}>
                    <td className="num">{it.seq + 1}</td>
                    <td><StatusBadge status={it.status} />{it.unmapped ? <span className="badge badge-deferred">Unmapped</span> : null}</td>
                    <td>{it.subject ?? <span className="muted">{it.origin}</span>}</td>
                    <td>{dateTime(it.itemDate)}</td>
                    <td>{it.mailboxes.join(', ')}</td>
                    <td className={`reason ${it.status === 'failed' ? 'error-text' : 'muted'}`}>{it.reason ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pages={pages} setPage={setPage} />
        </>
      ) : null}
    </div>
  );
}

export function HistoryScreen() {
  const runs = useStore((s) => s.runs);
  const runId = useStore((s) => s.runId);
  const go = useStore((s) => s.go);
  const refreshRuns = useStore((s) => s.refreshRuns);
  const [filter, setFilter] = useState<string>('');
  useEffect(() => { void refreshRuns(); }, []);
  const shown = filter ? runs.filter((r) => String(r.connectorId ?? '') === filter || (filter === 'reimport' && r.reimport)) : runs;
  const names = [...new Map(runs.filter((r) => r.connectorId !== null).map((r) => [r.connectorId!, r.connectorName ?? `Connector ${r.connectorId}`])).entries()];

  return (
    <section aria-labelledby="screen-title">
      <header className="screen-head">
        <div>
          <h1 id="screen-title" tabIndex={-1}>History</h1>
          <p className="lede">Every run is kept, with the outcome of every item.</p>
        </div>
        <div className="field inline">
          <label htmlFor="history-filter">Show</label>
          <select id="history-filter" value={filter} onChange={(e) => setFilter(e.target.value)}>
            <option value="">All runs</option>
            {names.map(([id, name]) => <option key={id} value={String(id)}>{name}</option>)}
            <option value="reimport">Re-imports of unmapped items</option>
          </select>
        </div>
      </header>
      {shown.length === 0 ? <EmptyState title="No runs yet" /> : (
        <div className="table-wrap history-table" tabIndex={0} role="region" aria-label="Runs">
          <table className="data">
            <caption className="visually-hidden">Runs, newest first</caption>
            <thead><tr><th scope="col">Run</th><th scope="col">Started</th><th scope="col">Connector</th><th scope="col">Mode</th><th scope="col">Status</th>
              <th scope="col" className="num">Available</th><th scope="col" className="num">Imported</th><th scope="col" className="num">Partial</th><th scope="col" className="num">Duplicate</th><th scope="col" className="num">Failed</th><th scope="col" className="num">Unmapped</th></tr></thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.id} className={r.id === runId ? 'selected' : ''}>
                  <td><button type="button" className="link" onClick={() => go('history', { runId: r.id })} aria-label={`Open run ${r.id}`} aria-pressed={r.id === runId}>#{r.id}</button></td>
                  <td>{dateTime(r.startedAt)}</td>
                  <td>{r.reimport ? 'Unmapped re-import' : r.connectorName ?? <span className="muted">{r.kind}</span>}</td>
                  <td>{r.mode}</td>
                  <td><RunStatusBadge status={r.status} stopReason={r.stopReason} /></td>
                  <td className="num">{num(r.counts.available)}</td><td className="num">{num(r.counts.imported)}</td><td className="num">{num(r.counts.partial)}</td>
                  <td className="num">{num(r.counts.duplicate)}</td><td className="num">{num(r.counts.failed)}</td><td className="num">{num(r.counts.unmapped)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {runId !== null ? <RunLog runId={runId} /> : null}
    </section>
  );
}
