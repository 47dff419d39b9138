/**
 * Unmapped: the identities whose items reached no mailbox, with counts; add a mapping row in place,
 * see where their items would go now, and import them again (mailboxes that already have an item,
 * such as the catch-all, are skipped). A re-import shows its progress from main's `reimport-*`
 * events, also when the screen is opened while one is under way, and can be cancelled.
 */
import { Fragment, useEffect, useRef, useState } from 'react';
import type { ActiveReimportView, ReimportResultView, UnmappedIdentityView, UnmappedItemView, ReplyOf } from '../../preload/contract';
import { call, errorText, onEvent } from '../api';
import { dateTime, num } from '../format';
import { useStore } from '../store';
import { ConnectorPicker, Counts, EmptyState, Progress, StatusBadge } from '../components/bits';
import { Report } from './RunScreen';

function summary(r: ReimportResultView): string {
  if (!r.selected && !r.runs.length) return 'Nothing to re-import: no queued item maps to a mailbox yet.';
  const cancelled = r.runs.some((x) => x.status === 'cancelled');
  return `Re-import${cancelled ? ' cancelled' : ''}: ${num(r.counts.imported)} imported, ${num(r.counts.duplicate)} already there, ${num(r.counts.failed)} failed.${cancelled ? ' The next re-import resumes where it stopped.' : ''}`;
}

export function UnmappedScreen() {
  const connectors = useStore((s) => s.connectors);
  const connectorId = useStore((s) => s.connectorId);
  const notify = useStore((s) => s.notify);
  const refreshRuns = useStore((s) => s.refreshRuns);
  const [list, setList] = useState<ReplyOf<'unmapped.list'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState<string | null>(null);
  const [mailbox, setMailbox] = useState('');
  const [open, setOpen] = useState<Record<string, UnmappedItemView[]>>({});
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ReimportResultView | null>(null);
  const [active, setActive] = useState<ActiveReimportView | null>(null);
  /** This screen started the re-import and handles its reply itself. */
  const mine = useRef(false);
  const scope = connectorId !== null ? { connectorId } : {};

  const load = async () => {
    try {
      setList(await call('unmapped.list', scope));
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  };
  useEffect(() => { setOpen({}); void load(); }, [connectorId]);
  // The event listener lives as long as the screen; it reloads with the connector chosen now.
  const loadNow = useRef(load);
  loadNow.current = load;

  // The reply and the finished event both carry the result, in either order: it is announced once.
  const shown = useRef('');
  const showOnce = (r: ReplyOf<'unmapped.reimport'>): boolean => {
    const key = `${r.runs.map((x) => x.runId).join(',')}:${r.counts.imported}:${r.counts.duplicate}:${r.counts.failed}`;
    setResult(r);
    if (shown.current === key) return false;
    shown.current = key;
    notify('success', summary(r));
    return true;
  };

  useEffect(() => {
    let live = true;
    call('unmapped.reimportActive', {}).then((a) => { if (live && a) setActive(a); }, () => undefined);
    const off = onEvent((e) => {
      switch (e.type) {
        case 'reimport-started':
          setActive(e.reimport);
          break;
        case 'reimport-progress':
          setActive((a) => ({ connectorId: e.connectorId, startedAt: a?.startedAt ?? new Date().toISOString(), progress: e.progress, runsDone: e.runsDone }));
          break;
        case 'reimport-finished':
          setActive(null);
          if (!mine.current && showOnce(e.result)) void Promise.all([loadNow.current(), refreshRuns()]);
          break;
        case 'reimport-error':
          setActive(null);
          if (!mine.current) notify('error', e.error.message);
          break;
      }
    });
    return () => { live = false; off(); };
  }, []);

  const showItems = async (who: UnmappedIdentityView) => {
    if (open[who.key]) { const { [who.key]: _x, ...rest } = open; setOpen(rest); return; }
    try {
      setOpen({ ...open, [who.key]: await call('unmapped.items', { key: who.key, limit: 100, ...scope }) });
    } catch (err) {
      notify('error', errorText(err));
    }
  };

  const addMapping = async (e: React.FormEvent, who: UnmappedIdentityView) => {
    e.preventDefault();
    if (connectorId === null) return;
    try {
      const set = await call('unmapped.addMapping', { connectorId, externalId: who.id, mailbox: mailbox.trim() });
      notify('success', `${who.id} now maps to ${mailbox.trim()} (mapping version ${set.version}).`);
      setAdding(null);
      setMailbox('');
      await load();
      if (open[who.key]) setOpen({ ...open, [who.key]: await call('unmapped.items', { key: who.key, limit: 100, ...scope }) });
    } catch (err) {
      notify('error', errorText(err));
    }
  };

  const reimport = async (keys?: string[]) => {
    setBusy(true);
    mine.current = true;
    shown.current = '';
    try {
      const r: ReplyOf<'unmapped.reimport'> = await call('unmapped.reimport', { ...scope, ...(keys ? { keys } : {}) });
      showOnce(r);
      await Promise.all([load(), refreshRuns()]);
    } catch (err) {
      notify('error', errorText(err));
    } finally {
      mine.current = false;
      setBusy(false);
    }
  };

  const cancel = async () => {
    try {
      const r = await call('unmapped.cancelReimport', {});
      if (r.cancelled) notify('info', 'Cancelling the re-import after the current batch. The next re-import resumes where it stopped.');
    } catch (err) {
      notify('error', errorText(err));
    }
  };
  const running = busy || active !== null;

  const mappable = list?.filter((x) => x.wouldGoTo.length > 0) ?? [];

  return (
    <section aria-labelledby="screen-title">
      <header className="screen-head">
        <div>
          <h1 id="screen-title" tabIndex={-1}>Unmapped</h1>
          <p className="lede">People whose items reached no mailbox. Their items are kept here; map them and import them again.</p>
        </div>
        <ConnectorPicker id="unmapped-connector" label="Mapping of" />
      </header>
      <div className="toolbar">
        <p className="muted grow-text">“Would go to now” and re-imports use this connector's mapping, then the organisation's domains.</p>
        <button type="button" onClick={() => reimport()} disabled={running || mappable.length === 0}>
          {running ? 'Re-importing…' : `Re-import items that map now${mappable.length ? ` (${mappable.reduce((n, x) => n + x.items, 0)})` : ''}`}
        </button>
      </div>
      {error ? <p className="form-error" role="alert">{error}</p> : null}
      {active ? (
        <div className="card" aria-live="polite">
          <h2>Importing the items that map now</h2>
          <p><StatusBadge status="running" /> Started {dateTime(active.startedAt)} with the mapping of {connectors.find((c) => c.id === active.connectorId)?.name ?? 'the organisation'}{active.progress ? `; run ${active.progress.runId}` : ''}{active.runsDone ? ` (${num(active.runsDone)} run${active.runsDone === 1 ? '' : 's'} done)` : ''}.</p>
          <Progress progress={active.progress} label="Re-import progress" />
          {active.progress ? <Counts counts={active.progress.counts} mode="import" /> : null}
          <div className="form-actions"><div className="spacer" /><button type="button" className="danger" onClick={cancel}>Cancel re-import</button></div>
        </div>
      ) : null}
      {!active && result ? (
        <div className="card">
          <h2>Re-import</h2>
          <p>{num(result.selected)} item{result.selected === 1 ? '' : 's'} selected; {num(result.stillUnmapped)} still map to nobody{result.refused ? `; ${num(result.refused)} refused (sender not mapped)` : ''}.</p>
          {result.runs.map((r) => <Report key={r.runId} report={r} />)}
        </div>
      ) : null}
      {list && list.length === 0 ? <EmptyState title="Nothing unmapped">Every imported item reached at least one mailbox.</EmptyState> : null}
      {list && list.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Unmapped identities table">
          <table className="data">
            <caption className="visually-hidden">Unmapped identities</caption>
            <thead><tr><th scope="col">Identity</th><th scope="col">Kind</th><th scope="col" className="num">Items</th><th scope="col">Example</th><th scope="col">Would go to now</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              {list.map((who) => (
                <Fragment key={who.key}>
                  <tr>
                    <th scope="row"><span className="mono">{who.id}</span>{who.name ? <div className="sub">{who.name}</div> : null}</th>
                    <td>{who.kind} <span className="muted">({who.platform})</span></td>
                    <td className="num">{num(who.items)}</td>
                    <td>{who.sample ? <>{who.sample.subject ?? '(no subject)'}<div className="sub">{dateTime(who.sample.date)}</div></> : '—'}</td>
                    <td>{who.wouldGoTo.length ? who.wouldGoTo.join(', ') : <span className="muted">nowhere yet</span>}</td>
                    <td className="actions">
                      <button type="button" className="secondary small" onClick={() => { setAdding(adding === who.key ? null : who.key); setMailbox(''); }} aria-expanded={adding === who.key} aria-label={`Add a mapping for ${who.id}`}>Add mapping</button>
                      <button type="button" className="secondary small" onClick={() => showItems(who)} aria-expanded={!!open[who.key]} aria-label={`Items of ${who.id}`}>Items</button>
                      {who.wouldGoTo.length ? <button type="button" className="small" onClick={() => reimport([who.key])} disabled={running} aria-label={`Re-import the items of ${who.id}`}>Re-import</button> : null}
                    </td>
                  </tr>
                  {adding === who.key ? (
                    <tr className="inline-row">
                      <td colSpan={6}>
                        <form className="input-row" onSubmit={(e) => addMapping(e, who)}>
                          <div className="field grow">
                            <label htmlFor={`map-${who.key}`}>Mailbox for {who.id}</label>
                            <input id={`map-${who.key}`} type="email" value={mailbox} onChange={(e) => setMailbox(e.target.value)} required placeholder="name@contoso.com" autoFocus />
                          </div>
                          <p className="help align-end">Added to the mapping of {connectors.find((c) => c.id === connectorId)?.name ?? 'this connector'}.</p>
                          <button type="submit" className="align-end">Save mapping</button>
                          <button type="button" className="secondary align-end" onClick={() => setAdding(null)}>Cancel</button>
                        </form>
                      </td>
                    </tr>
                  ) : null}
                  {open[who.key] ? (
                    <tr className="inline-row">
                      <td colSpan={6}>
                        <ul className="unmapped-items">
                          {open[who.key]!.map((it) => (
                            <li key={it.queueId}>
                              <span>{it.subject ?? '(no subject)'}</span> <span className="muted">{dateTime(it.date)} · from {it.from ?? '—'}</span> →{' '}
                              {it.targets.length
                                ? it.targets.map((t, i) => <span key={i}>{i ? ', ' : ''}<strong>{t.mailbox}</strong>{t.newCopy ? '' : <span className="muted"> (already there)</span>}</span>)
                                : <span className="muted">nowhere yet</span>}
                            </li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
