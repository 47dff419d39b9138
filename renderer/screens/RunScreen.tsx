/** Run: start an import (or a recorded preview run), follow its progress, cancel it, read its report. */
import { useEffect, useRef, useState } from 'react';
import type { RunReportView } from '../../preload/contract';
import { call, errorText } from '../api';
import { dateTime, duration, num } from '../format';
import { useStore } from '../store';
import { ConnectorPicker, Counts, EmptyState, Progress, StatusBadge } from '../components/bits';
import { RunStatusBadge } from '../components/RunStatus';

export function Report({ report }: { report: RunReportView }) {
  return (
    <div className="report">
      <p>
        Run {report.runId} — {report.mode} <RunStatusBadge status={report.status} stopReason={report.stopReason} />{report.resumed ? ' (resumed)' : ''}, started {dateTime(report.startedAt)}, took {duration(report.elapsedMs)}.
        {report.error ? <span className="error-text"> {report.error}</span> : null}
      </p>
      <Counts counts={report.counts} mode={report.mode} />
      {report.failures.length ? (
        <details>
          <summary>{num(report.failures.length + report.failuresOmitted)} failed item{report.failures.length + report.failuresOmitted === 1 ? '' : 's'}</summary>
          <ul className="failures">{report.failures.slice(0, 50).map((f, i) => <li key={i}><span className="mono">{f.item}</span>: {f.reason}</li>)}</ul>
          {report.failures.length > 50 || report.failuresOmitted ? <p className="muted">The full list is in the run's log (History).</p> : null}
        </details>
      ) : null}
      {report.notices.length ? <ul className="notices">{report.notices.map((n, i) => <li key={i}>{n}</li>)}</ul> : null}
    </div>
  );
}

export function RunScreen() {
  const connectorId = useStore((s) => s.connectorId);
  const connector = useStore((s) => s.connectors.find((c) => c.id === s.connectorId));
  const active = useStore((s) => (s.connectorId !== null ? s.active[s.connectorId] : undefined));
  const report = useStore((s) => (s.connectorId !== null ? s.reports[s.connectorId] : undefined));
  const notify = useStore((s) => s.notify);
  const go = useStore((s) => s.go);
  const [cancelling, setCancelling] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const lastRunRef = useRef<HTMLHeadingElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  const wasActive = useRef(active !== undefined);

  // Starting or ending a run swaps the buttons: the one that had the keyboard focus is gone, so the
  // focus goes where the work continues (Cancel while it runs, then the report) instead of the page.
  useEffect(() => {
    const now = active !== undefined;
    if (now === wasActive.current) return;
    wasActive.current = now;
    if (!now) setCancelling(false);
    const el = document.activeElement;
    if (el && el !== document.body) return;
    (now ? cancelRef.current : lastRunRef.current ?? startRef.current)?.focus();
  }, [active]);

  const start = async (mode: 'import' | 'preview') => {
    if (connectorId === null) return;
    try {
      await call('runs.start', { connectorId, mode });
    } catch (err) {
      notify('error', errorText(err));
    }
  };
  const cancel = async () => {
    if (connectorId === null) return;
    try {
      const r = await call('runs.cancel', { connectorId });
      if (r.cancelled) {
        setCancelling(true);
        notify('info', 'Cancelling after the current batch. The next run resumes where this one stopped.');
      }
    } catch (err) {
      notify('error', errorText(err));
    }
  };

  return (
    <section aria-labelledby="screen-title">
      <header className="screen-head">
        <div>
          <h1 id="screen-title" tabIndex={-1}>Run</h1>
          <p className="lede">An import resumes an interrupted or cancelled import of the same export, and never delivers an item twice.</p>
        </div>
        <ConnectorPicker id="run-connector" />
      </header>
      {!connector ? <EmptyState title="Add a connector first" /> : (
        <div className="card">
          <h2>{connector.name}</h2>
          <p className="muted">{connector.sourceTitle} <span className="mono">{String(connector.source.path)}</span> → {connector.destinationLabel}. Daily cap {num(connector.dailyCap)} items; {num(connector.processedToday)} imported today.</p>
          {active ? (
            <div aria-live="polite">
              <p><StatusBadge status="running" /> {active.mode === 'preview' ? 'Preview run' : 'Import'} started {dateTime(active.startedAt)}{active.trigger === 'schedule' ? ' by the schedule' : ''}.</p>
              <Progress progress={active.progress} label={`${connector.name} ${active.mode} progress`} />
              {active.progress ? <Counts counts={active.progress.counts} mode={active.mode} /> : null}
              <div className="form-actions"><div className="spacer" /><button type="button" ref={cancelRef} className="danger" onClick={cancel} aria-disabled={cancelling}>{cancelling ? 'Cancelling…' : 'Cancel run'}</button></div>
            </div>
          ) : (
            <div className="form-actions">
              <button type="button" ref={startRef} onClick={() => start('import')}>Start import</button>
              <button type="button" className="secondary" onClick={() => start('preview')}>Preview run (record, don't deliver)</button>
              <div className="spacer" />
              {report ? <button type="button" className="secondary" onClick={() => go('history', { runId: report.runId })}>Open in History</button> : null}
            </div>
          )}
          {!active && report ? <><h3 ref={lastRunRef} tabIndex={-1}>Last run</h3><Report report={report} /></> : null}
        </div>
      )}
    </section>
  );
}
