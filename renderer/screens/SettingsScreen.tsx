/** Settings: the data folder, the organisation's domains, the catch-all mailbox, routing defaults, default destination. */
import { useEffect, useState } from 'react';
import type { AppSettingsView } from '../../preload/contract';
import { call, errorText } from '../api';
import { useStore } from '../store';

export function SettingsScreen() {
  const info = useStore((s) => s.info);
  const destinations = useStore((s) => s.destinations);
  const notify = useStore((s) => s.notify);
  const [settings, setSettings] = useState<AppSettingsView | null>(null);
  const [domains, setDomains] = useState('');
  const [catchAll, setCatchAll] = useState('');
  const [region, setRegion] = useState('');
  const [requireSender, setRequireSender] = useState(false);
  const [destKind, setDestKind] = useState('archive');
  const [error, setError] = useState<string | null>(null);
  const [restart, setRestart] = useState<string | null>(null);

  const apply = (s: AppSettingsView) => {
    setSettings(s);
    setDomains(s.orgDomains.join('\n'));
    setCatchAll(s.catchAll ?? '');
    setRegion(s.defaultRegion ?? '');
    setRequireSender(s.requireSenderMapping);
    setDestKind(s.defaultDestination.kind);
  };
  useEffect(() => { call('settings.get', {}).then(apply, (e: unknown) => setError(errorText(e))); }, []);

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      apply(await call('settings.save', { settings: {
        orgDomains: domains.split(/[\s,;]+/).map((d) => d.trim()).filter(Boolean), catchAll: catchAll.trim() || null,
        defaultRegion: region.trim().toUpperCase() || null, requireSenderMapping: requireSender,
        defaultDestination: { kind: destKind, settings: destKind === settings?.defaultDestination.kind ? settings.defaultDestination.settings : {} },
      } }));
      notify('success', 'Settings saved.');
    } catch (err) {
      setError(errorText(err));
    }
  };

  const chooseDataDir = async () => {
    try {
      const r = await call('settings.chooseDataDir', {});
      if (r.changed) setRestart(r.dataDir);
    } catch (err) {
      notify('error', errorText(err));
    }
  };

  return (
    <section aria-labelledby="screen-title">
      <header className="screen-head">
        <div>
          <h1 id="screen-title" tabIndex={-1}>Settings</h1>
          <p className="lede">Defaults for every connector.</p>
        </div>
      </header>
      <div className="card form">
        <h2>Data folder</h2>
        <p>Ferry keeps its archive, history and unmapped items in <span className="mono">{info?.dataDir ?? '…'}</span>.</p>
        <button type="button" className="secondary" onClick={chooseDataDir}>Change…</button>
        {restart ? <p className="warn-text" role="status">Ferry will use <span className="mono">{restart}</span> from its next start. The data already in the current folder stays there.</p> : null}
        <p className="help">Credentials: {info?.keychain.ok ? 'kept in the operating system’s keychain.' : `the keychain is not available (${info?.keychain.message ?? '…'}).`} Version {info?.version}.</p>
      </div>
      <form className="card form" onSubmit={save}>
        <h2>Routing</h2>
        <div className="field">
          <label htmlFor="set-domains">Organisation domains</label>
          <textarea id="set-domains" rows={3} value={domains} onChange={(e) => setDomains(e.target.value)} aria-describedby="set-domains-help" spellCheck={false} />
          <p className="help" id="set-domains-help">One per line. People whose own email address is in these domains map to their mailbox automatically.</p>
        </div>
        <div className="grid-2">
          <div className="field">
            <label htmlFor="set-catchall">Catch-all mailbox</label>
            <input id="set-catchall" type="email" value={catchAll} onChange={(e) => setCatchAll(e.target.value)} placeholder="third-party-data@contoso.com" aria-describedby="set-catchall-help" />
            <p className="help" id="set-catchall-help">Receives items whose participants map to nobody. They also stay in Unmapped.</p>
          </div>
          <div className="field">
            <label htmlFor="set-region">Default phone region</label>
            <input id="set-region" type="text" value={region} onChange={(e) => setRegion(e.target.value)} placeholder="GB" maxLength={2} aria-describedby="set-region-help" />
            <p className="help" id="set-region-help">Country of phone numbers written without a country code.</p>
          </div>
        </div>
        <div className="field field-check">
          <input id="set-require" type="checkbox" checked={requireSender} onChange={(e) => setRequireSender(e.target.checked)} />
          <label htmlFor="set-require">Do not import items whose sender maps to no mailbox</label>
        </div>
        <div className="field">
          <label htmlFor="set-dest">Default destination for new connectors</label>
          <select id="set-dest" value={destKind} onChange={(e) => setDestKind(e.target.value)}>
            {destinations.map((d) => <option key={d.kind} value={d.kind}>{d.title}</option>)}
          </select>
        </div>
        {error ? <p className="form-error" role="alert">{error}</p> : null}
        <div className="form-actions"><div className="spacer" /><button type="submit" disabled={!settings}>Save settings</button></div>
      </form>
    </section>
  );
}
