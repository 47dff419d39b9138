/**
 * Preview: the converted messages of a connector's export (or another export chosen here), in a
 * virtualised list; for each, its headers, the sanitised body, attachments, where each copy would be
 * delivered, any validation error, and the raw MIME. Nothing is recorded or delivered.
 */
import { useEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { PreviewEntryView } from '../../preload/contract';
import { call, errorText } from '../api';
import { dateTime, size } from '../format';
import { useStore } from '../store';
import { ConnectorPicker, EmptyState } from '../components/bits';
import { MessageBody } from '../components/MessageBody';

const PAGE = 50;
const ROLE = { from: 'From', to: 'To', cc: 'Cc', bcc: 'Bcc' } as const;
/** Rows PageUp and PageDown move through the list. */
const LIST_PAGE = 10;

export function PreviewScreen() {
  const connectorId = useStore((s) => s.connectorId);
  const connectors = useStore((s) => s.connectors);
  const [pathOverride, setPathOverride] = useState('');
  const [applied, setApplied] = useState('');
  const [entries, setEntries] = useState<PreviewEntryView[]>([]);
  const [end, setEnd] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState(0);
  const [view, setView] = useState<'message' | 'mime'>('message');
  const [mime, setMime] = useState<{ seq: number; text: string } | null>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const generation = useRef(0);

  const load = async (offset: number, reset: boolean) => {
    if (connectorId === null) return;
    const gen = reset ? ++generation.current : generation.current;
    setLoading(true);
    setError(null);
    try {
      const page = await call('preview.page', { connectorId, offset, limit: PAGE, ...(applied ? { path: applied } : {}) });
      if (gen !== generation.current) return;
      setEntries((prev) => (reset ? page.entries : [...prev, ...page.entries]));
      setEnd(page.end);
    } catch (err) {
      if (gen === generation.current) { setError(errorText(err)); setEnd(true); }
    } finally {
      if (gen === generation.current) setLoading(false);
    }
  };

  useEffect(() => {
    setEntries([]); setEnd(false); setSelected(0); setMime(null); setView('message');
    void load(0, true);
  }, [connectorId, applied]);

  const virtualizer = useVirtualizer({ count: entries.length + (end ? 0 : 1), getScrollElement: () => listRef.current, estimateSize: () => 64, overscan: 8 });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];
  useEffect(() => {
    if (last && last.index >= entries.length - 1 && !end && !loading && entries.length > 0) void load(entries.length, false);
  }, [last?.index, entries.length, end, loading]);

  const entry = entries[selected];
  useEffect(() => {
    if (view !== 'mime' || !entry || connectorId === null || entry.error || mime?.seq === entry.seq) return;
    call('preview.mime', { connectorId, seq: entry.seq, ...(applied ? { path: applied } : {}) })
      .then((r) => setMime({ seq: r.seq, text: r.mime }), (err: unknown) => setMime({ seq: entry.seq, text: errorText(err) }));
  }, [view, entry?.seq, connectorId]);

  const onListKey = (e: React.KeyboardEvent) => {
    const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: LIST_PAGE, PageUp: -LIST_PAGE };
    const next = e.key in step ? selected + step[e.key]! : e.key === 'Home' ? 0 : e.key === 'End' ? entries.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const n = Math.max(0, Math.min(entries.length - 1, next));
    setSelected(n);
    setMime(null);
    virtualizer.scrollToIndex(n);
  };

  if (!connectors.length) return <section aria-labelledby="screen-title"><h1 id="screen-title" tabIndex={-1}>Preview</h1><EmptyState title="Add a connector first" /></section>;

  return (
    <section aria-labelledby="screen-title" className="preview-screen">
      <header className="screen-head">
        <div>
          <h1 id="screen-title" tabIndex={-1}>Preview</h1>
          <p className="lede">The messages as they would be delivered. Nothing is imported from here.</p>
        </div>
        <ConnectorPicker id="preview-connector" />
      </header>
      <form className="toolbar" onSubmit={(e) => { e.preventDefault(); setApplied(pathOverride.trim()); }}>
        <div className="field grow inline">
          <label htmlFor="preview-path">Another export</label>
          <input id="preview-path" type="text" value={pathOverride} onChange={(e) => setPathOverride(e.target.value)} placeholder="(the connector's export)" spellCheck={false} />
        </div>
        <button type="button" className="secondary" onClick={async () => { const r = await call('dialog.choosePath', { pathKind: 'file-or-folder', title: 'Export to preview' }); if (r.path) { setPathOverride(r.path); setApplied(r.path); } }}>Browse…</button>
        <button type="submit" className="secondary">Show</button>
      </form>
      {error ? <p className="form-error" role="alert">{error}</p> : null}
      <div className="split">
        <div className="message-list" ref={listRef} tabIndex={0} role="listbox" aria-label="Converted messages" aria-activedescendant={entry ? `msg-${entry.seq}` : undefined} onKeyDown={onListKey}>
          <div className="virtual-space" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((vi) => {
              const e = entries[vi.index];
              return (
                <div key={vi.key} className="virtual-row" style={{ transform: `translateY(${vi.start}px)`, height: vi.size }}>
                  {e ? (
                    <div id={`msg-${e.seq}`} role="option" aria-selected={vi.index === selected} className={`message-row${vi.index === selected ? ' selected' : ''}${e.error ? ' has-error' : ''}`}
                      onClick={() => { setSelected(vi.index); setMime(null); }}>
                      <span className="row-subject">{e.subject || '(no subject)'}</span>
                      <span className="row-meta">{e.error ? <span className="badge badge-failed">Error</span> : null}{e.unmapped ? <span className="badge badge-deferred">Unmapped</span> : null}<span>{e.from ?? e.origin}</span> · <span>{dateTime(e.date)}</span></span>
                    </div>
                  ) : <div className="message-row muted" role="option" aria-selected={false}>{loading ? 'Loading…' : ''}</div>}
                </div>
              );
            })}
          </div>
          {end && entries.length === 0 && !error ? <p className="muted pad">The export has no items.</p> : null}
        </div>
        <div className="message-detail">
          {entry ? <Detail entry={entry} view={view} setView={setView} mime={mime?.seq === entry.seq ? mime.text : null} /> : <p className="muted pad">{loading ? 'Reading the export…' : 'Choose a message.'}</p>}
        </div>
      </div>
      <p className="muted small-print" role="status">{entries.length} message{entries.length === 1 ? '' : 's'} loaded{end ? '' : ', more as you scroll'}.</p>
    </section>
  );
}

function Detail({ entry, view, setView, mime }: { entry: PreviewEntryView; view: 'message' | 'mime'; setView: (v: 'message' | 'mime') => void; mime: string | null }) {
  return (
    <article aria-label="Message details">
      <div className="tabs" role="tablist" aria-label="Message view">
        <button type="button" role="tab" id="tab-message" aria-selected={view === 'message'} aria-controls="panel-message" onClick={() => setView('message')}>Message</button>
        <button type="button" role="tab" id="tab-mime" aria-selected={view === 'mime'} aria-controls="panel-mime" onClick={() => setView('mime')} disabled={!!entry.error && !entry.messageId}>Raw MIME</button>
      </div>
      {view === 'message' ? (
        <div role="tabpanel" id="panel-message" aria-labelledby="tab-message">
          {entry.error ? <p className="form-error" role="alert"><strong>Would fail:</strong> {entry.error}</p> : null}
          <h2 className="message-subject">{entry.subject || '(no subject)'}</h2>
          <table className="headers">
            <caption className="visually-hidden">Headers</caption>
            <tbody>
              <tr><th scope="row">From</th><td>{entry.from ?? '—'}</td></tr>
              <tr><th scope="row">To</th><td>{entry.to?.join(', ') || '—'}</td></tr>
              {entry.cc?.length ? <tr><th scope="row">Cc</th><td>{entry.cc.join(', ')}</td></tr> : null}
              {entry.bcc?.length ? <tr><th scope="row">Bcc</th><td>{entry.bcc.join(', ')}</td></tr> : null}
              <tr><th scope="row">Date</th><td>{entry.date ? `${dateTime(entry.date)} (${entry.date})` : '—'}</td></tr>
              <tr><th scope="row">Class</th><td className="mono">{entry.messageClass ?? '—'}</td></tr>
              <tr><th scope="row">Message-ID</th><td className="mono">{entry.messageId ?? '—'}</td></tr>
              <tr><th scope="row">Source</th><td className="mono">{entry.origin}</td></tr>
            </tbody>
          </table>
          <h3>Delivered to</h3>
          {entry.participants?.length ? (
            <table className="participants">
              <caption className="visually-hidden">Where each participant's copy goes</caption>
              <thead><tr><th scope="col">Participant</th><th scope="col">Mailbox</th></tr></thead>
              <tbody>
                {entry.participants.map((p, i) => (
                  <tr key={i}>
                    <td><span className="muted">{ROLE[p.role]}</span> <span className="mono">{p.id}</span>{p.name ? ` (${p.name})` : ''}</td>
                    <td>{p.mailbox ? <><strong>{p.mailbox}</strong> <span className="muted">({p.via === 'automatic' ? 'organisation domain' : 'mapping'})</span></> : <span className="warn-text">not mapped</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {entry.targets?.length
            ? <p className="targets">Copies: {entry.targets.map((t, i) => <span key={i}>{i ? ', ' : ''}<strong>{t.mailbox || '(local archive, no mailbox)'}</strong> <span className="muted">→ {t.folder}</span></span>)}</p>
            : <p className="muted">No mailbox.</p>}
          {entry.unmapped ? <p className="warn-text">No participant maps to a mailbox: the item is kept in Unmapped{entry.targets?.some((t) => t.mailbox) ? ' and goes to the catch-all mailbox' : ''}.</p> : null}
          {entry.attachments?.length || entry.omitted?.length ? (
            <>
              <h3>Attachments</h3>
              <ul className="attachments">
                {(entry.attachments ?? []).map((a, i) => <li key={i}><span className="mono">{a.filename}</span> <span className="muted">{a.contentType}, {size(a.size)}</span></li>)}
                {(entry.omitted ?? []).map((a, i) => <li key={`o${i}`} className="warn-text"><span className="mono">{a.filename}</span> left out ({size(a.size)}, over the size limit)</li>)}
              </ul>
            </>
          ) : null}
          <h3>Body</h3>
          <MessageBody html={entry.html} text={entry.text} title={`Body of “${entry.subject ?? 'message'}”`} />
        </div>
      ) : (
        <div role="tabpanel" id="panel-mime" aria-labelledby="tab-mime">
          <pre className="mime" tabIndex={0} aria-label="Raw MIME">{mime ?? 'Loading…'}</pre>
        </div>
      )}
    </article>
  );
}
