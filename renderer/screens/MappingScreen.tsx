/**
 * Mapping: drop or pick a CSV (source user id → mailbox, optional validity dates), see every row and
 * the reason for each bad one, try a lookup, and save it as the connector's mapping (a new version).
 */
import { useEffect, useId, useState } from 'react';
import type { MappingRowView, ReplyOf } from '../../preload/contract';
import { call, errorText } from '../api';
import { dateTime, num } from '../format';
import { useStore } from '../store';
import { ConnectorPicker, EmptyState, Pager } from '../components/bits';

const PAGE = 200;

function RowsTable({ rows, caption }: { rows: MappingRowView[]; caption: string }) {
  const [onlyErrors, setOnlyErrors] = useState(false);
  const [page, setPage] = useState(0);
  const checkId = useId();
  const shown = onlyErrors ? rows.filter((r) => r.error) : rows;
  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  useEffect(() => setPage(0), [rows, onlyErrors]);
  return (
    <>
      <div className="toolbar">
        <div className="field-check">
          <input id={checkId} type="checkbox" checked={onlyErrors} onChange={(e) => setOnlyErrors(e.target.checked)} />
          <label htmlFor={checkId}>Only rows with errors</label>
        </div>
        <Pager page={page} pages={pages} setPage={setPage} />
      </div>
      <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
        <table className="data compact">
          <caption className="visually-hidden">{caption}</caption>
          <thead><tr><th scope="col">Line</th><th scope="col">Source user id</th><th scope="col">Kind</th><th scope="col">Compared as</th><th scope="col">Mailbox</th><th scope="col">Valid from</th><th scope="col">Valid to</th><th scope="col">Problem</th></tr></thead>
          <tbody>
            {shown.slice(page * PAGE, (page + 1) * PAGE).map((r) => (
              <tr key={r.line} className={r.error ? 'row-error' : ''}>
                <td className="num">{r.line}</td><td className="mono">{r.externalId}</td><td>{r.kind}</td><td className="mono">{r.normalized ?? '—'}</td>
                <td>{r.mailbox}</td><td>{r.validFrom ?? ''}</td><td>{r.validTo ?? ''}</td><td className="error-text">{r.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function MappingScreen() {
  const connectorId = useStore((s) => s.connectorId);
  const connectors = useStore((s) => s.connectors);
  const notify = useStore((s) => s.notify);
  const [current, setCurrent] = useState<ReplyOf<'mapping.current'> | null>(null);
  const [file, setFile] = useState<{ name: string; csv: string } | null>(null);
  const [checked, setChecked] = useState<ReplyOf<'mapping.check'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [lookupId, setLookupId] = useState('');
  const [lookupDate, setLookupDate] = useState('');
  const [lookup, setLookup] = useState<ReplyOf<'mapping.lookup'> | null>(null);
  const [lookupError, setLookupError] = useState<string | null>(null);

  const loadCurrent = async () => {
    if (connectorId === null) return;
    try {
      setCurrent(await call('mapping.current', { connectorId }));
    } catch (err) {
      setCurrent(null);
      setError(errorText(err));
    }
  };
  useEffect(() => { void loadCurrent(); setFile(null); setChecked(null); setLookup(null); }, [connectorId]);

  const read = async (f: File) => {
    setError(null);
    setLookup(null);
    try {
      const csv = await f.text();
      setFile({ name: f.name, csv });
      setChecked(await call('mapping.check', { fileName: f.name, csv }));
    } catch (err) {
      setChecked(null);
      setError(errorText(err));
    }
  };

  const save = async () => {
    if (!file || connectorId === null) return;
    try {
      const set = await call('mapping.save', { connectorId, fileName: file.name, csv: file.csv });
      notify('success', `Saved mapping version ${set.version} (${num(set.rows)} rows) for this connector.`);
      setFile(null);
      setChecked(null);
      await loadCurrent();
    } catch (err) {
      setError(errorText(err));
    }
  };

  const tryLookup = async (e: React.FormEvent) => {
    e.preventDefault();
    setLookupError(null);
    try {
      setLookup(await call('mapping.lookup', {
        ...(connectorId !== null ? { connectorId } : {}), ...(file ? { csv: file.csv } : {}), id: lookupId, ...(lookupDate ? { date: lookupDate } : {}),
      }));
    } catch (err) {
      setLookup(null);
      setLookupError(errorText(err));
    }
  };

  return (
    <section aria-labelledby="screen-title">
      <header className="screen-head">
        <div>
          <h1 id="screen-title" tabIndex={-1}>Mapping</h1>
          <p className="lede">A CSV file maps each source user id — a handle, a phone number, a user id or an email — to a mailbox. It is looked up first; then people whose own address is in your organisation's domains map automatically.</p>
        </div>
        <ConnectorPicker id="mapping-connector" />
      </header>
      {connectors.length === 0 ? <EmptyState title="Add a connector first" /> : (
        <>
          <div className="card">
            <h2>Load a mapping file</h2>
            <label className={`dropzone${dragging ? ' dragging' : ''}`} htmlFor="mapping-file"
              onDragOver={(e) => { e.preventDefault(); setDragging(true); }} onDragLeave={() => setDragging(false)}
              onDrop={(e) => { e.preventDefault(); setDragging(false); const f = e.dataTransfer.files[0]; if (f) void read(f); }}>
              <span className="dropzone-title">Drop a CSV file here, or choose one</span>
              <span className="help">Columns: source user id, mailbox, and optionally valid from / valid to. Comma or semicolon; Excel files saved as CSV work.</span>
              <input id="mapping-file" type="file" accept=".csv,text/csv,text/plain" onChange={(e) => { const f = e.target.files?.[0]; if (f) void read(f); e.target.value = ''; }} />
            </label>
            {error ? <p className="form-error" role="alert">{error}</p> : null}
            {checked && file ? (
              <>
                <p className="summary" role="status">
                  <strong>{file.name}</strong>: {num(checked.loaded)} rows loaded, <span className={checked.errors ? 'error-text' : ''}>{num(checked.errors)} with errors</span>
                  {checked.delimiter ? <> (separator “{checked.delimiter}”)</> : null}. Rows with errors are left out; fix them in the file and load it again.
                </p>
                <RowsTable rows={checked.rows} caption={`Rows of ${file.name}`} />
                <div className="form-actions">
                  <button type="button" className="secondary" onClick={() => { setFile(null); setChecked(null); }}>Discard</button>
                  <div className="spacer" />
                  <button type="button" onClick={save} disabled={checked.loaded === 0}>Save as this connector's mapping</button>
                </div>
              </>
            ) : null}
          </div>

          <form className="card" onSubmit={tryLookup}>
            <h2>Try a lookup</h2>
            <p className="help">{file ? `Looks up in ${file.name} (not saved yet), then automatic mapping.` : 'Looks up in the saved mapping, then automatic mapping.'}</p>
            <div className="input-row">
              <div className="field grow">
                <label htmlFor="lookup-id">Source user id</label>
                <input id="lookup-id" type="text" value={lookupId} onChange={(e) => setLookupId(e.target.value)} placeholder="@handle, +44 7911 123456, U024BE7LH, bob@contoso.com" required />
              </div>
              <div className="field">
                <label htmlFor="lookup-date">On date</label>
                <input id="lookup-date" type="date" value={lookupDate} onChange={(e) => setLookupDate(e.target.value)} />
              </div>
              <button type="submit" className="align-end">Look up</button>
            </div>
            <div aria-live="polite">
              {lookupError ? <p className="form-error">{lookupError}</p> : null}
              {lookup ? (
                <p className="lookup-result">
                  <span className="mono">{lookup.input}</span> ({lookup.kind}, compared as <span className="mono">{lookup.normalized ?? '—'}</span>) →{' '}
                  {lookup.mailbox ? <strong>{lookup.mailbox}</strong> : <strong className="error-text">no mailbox</strong>} <span className="muted">({lookup.via}{lookup.line ? `, line ${lookup.line}` : ''})</span>
                </p>
              ) : null}
            </div>
          </form>

          <div className="card">
            <h2>Saved mapping</h2>
            {current?.set
              ? <>
                  <p>Version {current.set.version}: {current.set.name}, {num(current.set.rows)} rows, saved {dateTime(current.set.createdAt)}.</p>
                  <RowsTable rows={current.rows} caption="Saved mapping rows" />
                </>
              : <p className="muted">No mapping saved for this connector: only automatic mapping by organisation domain applies.</p>}
          </div>
        </>
      )}
    </section>
  );
}
