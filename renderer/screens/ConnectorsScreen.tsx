/** Connectors: the list (source, destination, status, last and next run) and the add/edit wizard. */
import { useState } from 'react';
import type { ConnectorView } from '../../preload/contract';
import { call, errorText } from '../api';
import { dateTime, num, relative } from '../format';
import { useStore } from '../store';
import { EmptyState, StatusBadge } from '../components/bits';
import { ConnectorWizard } from './ConnectorWizard';

export function ConnectorsScreen() {
  const connectors = useStore((s) => s.connectors);
  const active = useStore((s) => s.active);
  const go = useStore((s) => s.go);
  const notify = useStore((s) => s.notify);
  const [editing, setEditing] = useState<ConnectorView | 'new' | null>(null);

  if (editing) return <ConnectorWizard connector={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />;

  const remove = async (c: ConnectorView) => {
    if (!window.confirm(`Delete the connector "${c.name}"? Its run history stays. Its credentials are removed from the OS keychain.`)) return;
    try {
      await call('connectors.delete', { connectorId: c.id, deleteCredentials: true });
      notify('success', `Deleted "${c.name}".`);
    } catch (err) {
      notify('error', errorText(err));
    }
  };
  const run = async (c: ConnectorView) => {
    try {
      await call('runs.start', { connectorId: c.id, mode: 'import' });
      go('run', { connectorId: c.id });
    } catch (err) {
      notify('error', errorText(err));
    }
  };

  return (
    <section aria-labelledby="screen-title">
      <header className="screen-head">
        <div>
          <h1 id="screen-title" tabIndex={-1}>Connectors</h1>
          <p className="lede">Each connector reads one source export and delivers its items, as email messages, to a destination.</p>
        </div>
        <button type="button" onClick={() => setEditing('new')}>Add connector</button>
      </header>
      {connectors.length === 0
        ? <EmptyState title="No connectors yet">
            <p>Add a connector for a Twitter/X archive, a Telegram or Slack export, WhatsApp chats, or a mailbox file.</p>
            <button type="button" onClick={() => setEditing('new')}>Add your first connector</button>
          </EmptyState>
        : (
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Connectors table">
            <table className="data">
              <caption className="visually-hidden">Connectors</caption>
              <thead>
                <tr><th scope="col">Name</th><th scope="col">Source</th><th scope="col">Destination</th><th scope="col">Status</th><th scope="col">Last run</th><th scope="col">Next run</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr>
              </thead>
              <tbody>
                {connectors.map((c) => {
                  const a = active[c.id];
                  return (
                    <tr key={c.id}>
                      <th scope="row">{c.name}</th>
                      <td>{c.sourceTitle}<div className="sub mono" title={String(c.source.path)}>{String(c.source.path)}</div></td>
                      <td>{c.destinationLabel}</td>
                      <td><StatusBadge status={a ? 'running' : c.status} />{c.status === 'deferred' && !a ? <div className="sub">{num(c.processedToday)} of {num(c.dailyCap)} today</div> : null}</td>
                      <td>{c.lastRun
                        ? <><span>{dateTime(c.lastRun.startedAt)}</span><div className="sub">{num(c.lastRun.counts.imported)} imported, {num(c.lastRun.counts.failed)} failed</div></>
                        : '—'}</td>
                      <td>{c.nextRunAt ? <><span>{dateTime(c.nextRunAt)}</span><div className="sub">{relative(c.nextRunAt)}</div></> : <span className="muted">Manual</span>}</td>
                      <td className="actions">
                        <button type="button" className="secondary small" onClick={() => setEditing(c)} aria-label={`Edit ${c.name}`}>Edit</button>
                        <button type="button" className="secondary small" onClick={() => go('preview', { connectorId: c.id })} aria-label={`Preview ${c.name}`}>Preview</button>
                        <button type="button" className="small" onClick={() => run(c)} disabled={!!a} aria-label={`Run ${c.name} now`}>Run now</button>
                        <button type="button" className="danger small" onClick={() => remove(c)} disabled={!!a} aria-label={`Delete ${c.name}`}>Delete</button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
    </section>
  );
}
