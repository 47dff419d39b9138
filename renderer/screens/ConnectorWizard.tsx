/**
 * Adding or editing a connector, in four steps: the source kind, its settings (a form built from the
 * source's declared settings), the destination and its credentials (which go straight to the OS
 * keychain and are never shown again), then name, schedule and limits — with "Test connection".
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CheckView, ConnectorInput, ConnectorView, SettingSpecView } from '../../preload/contract';
import { call, errorText } from '../api';
import { useStore } from '../store';
import { type FormValue, SettingField } from '../components/SettingField';

const STEPS = ['Source', 'Export', 'Destination', 'Schedule and limits'] as const;

type Values = Record<string, FormValue>;

function initialValues(specs: SettingSpecView[], existing?: Record<string, FormValue>): Values {
  const v: Values = {};
  for (const s of specs) if (s.type !== 'secret') v[s.key] = existing?.[s.key] ?? null;
  return v;
}

/** Only what the admin filled in; blanks take the declared defaults in main. */
function filled(v: Values): Record<string, string | number | boolean | null> {
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null && x !== ''));
}

export function ConnectorWizard({ connector, onDone }: { connector: ConnectorView | null; onDone: () => void }) {
  const sources = useStore((s) => s.sources);
  const destinations = useStore((s) => s.destinations);
  const notify = useStore((s) => s.notify);
  const [step, setStep] = useState(connector ? 1 : 0);
  const [kind, setKind] = useState(connector?.kind ?? '');
  const spec = sources.find((s) => s.kind === kind);
  const [sourceValues, setSourceValues] = useState<Values>(() => ({ path: connector?.source.path ?? '', ...(spec ? initialValues(spec.settings, connector?.source) : {}) }));
  const [destKind, setDestKind] = useState(connector?.destination.kind ?? destinations[0]?.kind ?? 'archive');
  const destSpec = destinations.find((d) => d.kind === destKind);
  const [destValues, setDestValues] = useState<Values>(() => initialValues(destSpec?.settings ?? [], connector?.destination.settings));
  /** Credentials typed in this session: written to the keychain on save, then forgotten. */
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [name, setName] = useState(connector?.name ?? '');
  const [folder, setFolder] = useState(connector?.folder ?? '');
  const [scheduled, setScheduled] = useState(connector?.schedule.enabled ?? false);
  const [everyHours, setEveryHours] = useState(connector?.schedule.everyHours ?? 24);
  const [dailyCap, setDailyCap] = useState(connector?.dailyCap ?? 200_000);
  const [maxItemMb, setMaxItemMb] = useState<number | ''>(connector?.maxItemMb ?? '');
  const [oversize, setOversize] = useState<'partial' | 'fail'>(connector?.oversize ?? 'partial');
  const [checks, setChecks] = useState<CheckView[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const headRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => { headRef.current?.focus(); }, [step]);
  // A new connector starts with the default destination from Settings.
  useEffect(() => {
    if (connector) return;
    call('settings.get', {}).then((s) => {
      if (!destinations.some((d) => d.kind === s.defaultDestination.kind)) return;
      setDestKind(s.defaultDestination.kind);
      setDestValues({ ...initialValues(destinations.find((d) => d.kind === s.defaultDestination.kind)?.settings ?? []), ...s.defaultDestination.settings });
    }, () => undefined);
  }, []);

  const pickKind = (k: string) => {
    setKind(k);
    const s = sources.find((x) => x.kind === k);
    setSourceValues({ path: sourceValues.path ?? '', ...initialValues(s?.settings ?? []) });
    if (!name) setName(s ? `${s.title}` : '');
  };
  const pickDest = (k: string) => {
    setDestKind(k);
    setDestValues(initialValues(destinations.find((d) => d.kind === k)?.settings ?? []));
  };

  // The folder used when none is typed: the engine knows (a custom source's declared name, else "<Platform> Archive").
  const [folderDefault, setFolderDefault] = useState('');
  useEffect(() => {
    if (step !== 3 || !kind) return;
    let live = true;
    call('sources.defaultFolder', { kind, source: { ...filled(sourceValues), path: String(sourceValues.path ?? '') } })
      .then((r) => { if (live) setFolderDefault(r.folder); }, () => undefined);
    return () => { live = false; };
  }, [step, kind, sourceValues]);

  const input = useMemo((): ConnectorInput => ({
    ...(connector ? { id: connector.id } : {}), name, kind, source: { ...filled(sourceValues), path: String(sourceValues.path ?? '') },
    destination: { kind: destKind, settings: filled(destValues) }, ...(folder.trim() ? { folder: folder.trim() } : {}),
    ...(maxItemMb !== '' ? { maxItemMb: Number(maxItemMb) } : {}), oversize,
    schedule: { enabled: scheduled, everyHours: Number(everyHours) }, dailyCap: Number(dailyCap),
  }), [connector, name, kind, sourceValues, destKind, destValues, folder, maxItemMb, oversize, scheduled, everyHours, dailyCap]);

  const declared = [
    ...(spec?.settings ?? []).filter((s) => s.type === 'secret').map((s) => ({ scope: 'source' as const, spec: s })),
    ...(destSpec?.settings ?? []).filter((s) => s.type === 'secret').map((s) => ({ scope: 'destination' as const, spec: s })),
  ];
  // Entries known only once saved (an IMAP password per mailbox), for the destination kind it was saved with.
  const extra = (connector && connector.destination.kind === destKind ? connector.secrets : [])
    .filter((x) => !declared.some((d) => d.scope === x.scope && d.spec.key === x.key))
    .map((x) => ({ scope: x.scope, spec: { key: x.key, label: x.label, type: 'secret' as const } }));
  const secretSpecs = [...declared, ...extra];
  const stored = (scope: string, key: string) => connector?.secrets.find((x) => x.scope === scope && x.key === key);

  const test = async () => {
    setBusy(true);
    setError(null);
    try {
      const typed = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v));
      const r = await call('connectors.test', { connector: input, ...(Object.keys(typed).length ? { credentials: typed } : {}) });
      setChecks(r.checks);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const saved = await call('connectors.save', { connector: input });
      let stored = 0;
      for (const [slotKey, value] of Object.entries(secrets)) {
        if (!value) continue;
        const [scope, key] = slotKey.split(':') as ['source' | 'destination', string];
        const slot = saved.secrets.find((x) => x.scope === scope && x.key === key);
        if (slot) { await call('secrets.set', { ref: slot.ref, value }); stored++; }
      }
      setSecrets({});
      notify('success', `Saved "${saved.name}"${stored ? `; ${stored} credential(s) stored in the OS keychain` : ''}.`);
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const removeSecret = async (ref: string) => {
    try {
      await call('secrets.delete', { ref });
      notify('success', 'Credential removed from the OS keychain.');
      await useStore.getState().refreshConnectors();
    } catch (err) {
      notify('error', errorText(err));
    }
  };

  const canNext = step === 0 ? !!kind : step === 1 ? String(sourceValues.path ?? '').trim() !== '' : true;

  return (
    <section aria-labelledby="wizard-title" className="wizard">
      <header className="screen-head">
        <div>
          <h1 id="wizard-title" ref={headRef} tabIndex={-1}>{connector ? `Edit “${connector.name}”` : 'Add a connector'}: {STEPS[step]}</h1>
          <ol className="steps" aria-label="Steps">
            {STEPS.map((s, i) => <li key={s} aria-current={i === step ? 'step' : undefined} className={i < step ? 'done' : ''}>{s}</li>)}
          </ol>
        </div>
        <button type="button" className="secondary" onClick={onDone}>Cancel</button>
      </header>

      <form className="card form" onSubmit={(e) => { e.preventDefault(); if (step < STEPS.length - 1) { if (canNext) setStep(step + 1); } else void save(); }}>
        {step === 0 && (
          <fieldset>
            <legend>What does this connector import?</legend>
            <div className="kind-grid">
              {sources.map((s) => (
                <label key={s.kind} className={`kind-card${kind === s.kind ? ' selected' : ''}`}>
                  <input type="radio" name="kind" value={s.kind} checked={kind === s.kind} onChange={() => pickKind(s.kind)} />
                  <span className="kind-title">{s.title}</span>
                  <span className="kind-desc">{s.description}</span>
                </label>
              ))}
            </div>
          </fieldset>
        )}

        {step === 1 && spec && (
          <fieldset>
            <legend>{spec.title}: where the export is and how to read it</legend>
            <SettingField idPrefix="src" spec={{ key: 'path', label: 'Export (file or folder)', type: 'path', required: true, pathKind: 'file-or-folder', help: 'A folder, a ZIP file or a single file, as the service exported it. Ferry reads it in place.' }}
              value={sourceValues.path} onChange={(v) => setSourceValues({ ...sourceValues, path: v })} />
            {spec.settings.filter((s) => s.type !== 'secret').map((s) => (
              <SettingField key={s.key} idPrefix="src" spec={s} value={sourceValues[s.key]} onChange={(v) => setSourceValues({ ...sourceValues, [s.key]: v })} />
            ))}
          </fieldset>
        )}

        {step === 2 && (
          <fieldset>
            <legend>Where the messages go</legend>
            <div className="field">
              <label htmlFor="dest-kind">Destination</label>
              <select id="dest-kind" value={destKind} onChange={(e) => pickDest(e.target.value)}>
                {destinations.map((d) => <option key={d.kind} value={d.kind}>{d.title}</option>)}
              </select>
              {destSpec ? <p className="help">{destSpec.description}</p> : null}
            </div>
            {(destSpec?.settings ?? []).filter((s) => s.type !== 'secret').map((s) => (
              <SettingField key={s.key} idPrefix="dest" spec={s} value={destValues[s.key]} onChange={(v) => setDestValues({ ...destValues, [s.key]: v })} />
            ))}
          </fieldset>
        )}

        {step >= 2 && secretSpecs.length > 0 && step === 2 && (
          <fieldset>
            <legend>Credentials</legend>
            <p className="help">Credentials are stored in the operating system's keychain. Ferry never shows them again.</p>
            {secretSpecs.map(({ scope, spec: s }) => {
              const slot = stored(scope, s.key);
              const id = `secret-${scope}-${s.key}`;
              return (
                <div className="field" key={id}>
                  <label htmlFor={id}>{s.label}</label>
                  {slot?.set ? <p className="help ok-text">Stored in the OS keychain. Type a new value to replace it.</p> : null}
                  <div className="input-row">
                    <input id={id} type="password" autoComplete="off" value={secrets[`${scope}:${s.key}`] ?? ''} onChange={(e) => setSecrets({ ...secrets, [`${scope}:${s.key}`]: e.target.value })} />
                    {slot?.set ? <button type="button" className="danger" onClick={() => removeSecret(slot.ref)}>Remove</button> : null}
                  </div>
                </div>
              );
            })}
          </fieldset>
        )}

        {step === 3 && (
          <fieldset>
            <legend>Name, schedule and limits</legend>
            <div className="field">
              <label htmlFor="c-name">Connector name<span className="required" aria-hidden="true"> *</span></label>
              <input id="c-name" type="text" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
            </div>
            <div className="field">
              <label htmlFor="c-folder">Folder in each mailbox</label>
              <input id="c-folder" type="text" value={folder} onChange={(e) => setFolder(e.target.value)} placeholder={folderDefault || (spec ? `${spec.platform} Archive` : '')} />
            </div>
            <div className="field field-check">
              <input id="c-scheduled" type="checkbox" checked={scheduled} onChange={(e) => setScheduled(e.target.checked)} />
              <label htmlFor="c-scheduled">Run on a schedule while Ferry is open (and with <code>Ferry --run-due</code> from the OS scheduler)</label>
            </div>
            <div className="grid-2">
              <div className="field">
                <label htmlFor="c-every">Every (hours)</label>
                <input id="c-every" type="number" min={1} max={744} value={everyHours} onChange={(e) => setEveryHours(Number(e.target.value))} disabled={!scheduled} />
              </div>
              <div className="field">
                <label htmlFor="c-cap">Daily cap (items)</label>
                <input id="c-cap" type="number" min={1} value={dailyCap} onChange={(e) => setDailyCap(Number(e.target.value))} aria-describedby="c-cap-help" />
                <p className="help" id="c-cap-help">Items over the cap wait for the next run; none are dropped.</p>
              </div>
              <div className="field">
                <label htmlFor="c-max">Largest item (MB)</label>
                <input id="c-max" type="number" min={1} max={150} value={maxItemMb} placeholder="10" onChange={(e) => setMaxItemMb(e.target.value === '' ? '' : Number(e.target.value))} />
              </div>
              <div className="field">
                <label htmlFor="c-oversize">Items over that size</label>
                <select id="c-oversize" value={oversize} onChange={(e) => setOversize(e.target.value as 'partial' | 'fail')}>
                  <option value="partial">Import without the largest attachments (partially imported)</option>
                  <option value="fail">Do not import; report them as failed</option>
                </select>
              </div>
            </div>
          </fieldset>
        )}

        {error ? <p className="form-error" role="alert">{error}</p> : null}

        {checks && (
          <div className="checks" aria-live="polite">
            <h2>Connection test</h2>
            <ul>
              {checks.map((c, i) => <li key={i} className={c.ok ? 'check-ok' : 'check-bad'}><span className="check-mark" aria-hidden="true">{c.ok ? '✓' : '✗'}</span><span className="visually-hidden">{c.ok ? 'Passed: ' : 'Failed: '}</span><strong>{c.check}</strong> — {c.message}</li>)}
            </ul>
          </div>
        )}

        <div className="form-actions">
          {step > (connector ? 1 : 0) ? <button type="button" className="secondary" onClick={() => setStep(step - 1)}>Back</button> : <span />}
          <div className="spacer" />
          {step >= 1 ? <button type="button" className="secondary" onClick={test} disabled={busy || !kind}>Test connection</button> : null}
          {step < STEPS.length - 1
            ? <button type="submit" disabled={!canNext}>Next</button>
            : <button type="submit" disabled={busy}>{connector ? 'Save changes' : 'Save connector'}</button>}
        </div>
      </form>
    </section>
  );
}
