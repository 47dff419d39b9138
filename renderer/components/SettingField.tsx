/** One input built from a declared setting (a source's or a destination's). */
import { useId } from 'react';
import type { SettingSpecView } from '../../preload/contract';
import { call, errorText } from '../api';
import { useStore } from '../store';

export type FormValue = string | number | boolean | null;

export function SettingField({ spec, value, onChange, idPrefix }: { spec: SettingSpecView; value: FormValue | undefined; onChange: (v: FormValue) => void; idPrefix: string }) {
  const id = `${idPrefix}-${spec.key}`;
  const helpId = useId();
  const describedBy = spec.help ? helpId : undefined;
  const label = <label htmlFor={id}>{spec.label}{spec.required ? <span className="required" aria-hidden="true"> *</span> : null}</label>;
  const help = spec.help ? <p className="help" id={helpId}>{spec.help}</p> : null;
  const notify = useStore((s) => s.notify);

  if (spec.type === 'boolean') {
    return (
      <div className="field field-check">
        <input id={id} type="checkbox" checked={value === true || (value === undefined && spec.default === true)} onChange={(e) => onChange(e.target.checked)} aria-describedby={describedBy} />
        {label}
        {help}
      </div>
    );
  }
  if (spec.type === 'select') {
    return (
      <div className="field">
        {label}
        <select id={id} value={String(value ?? spec.default ?? '')} onChange={(e) => onChange(e.target.value)} aria-describedby={describedBy} required={spec.required}>
          {!spec.required && spec.default === undefined ? <option value="">(not set)</option> : null}
          {(spec.options ?? []).map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </select>
        {help}
      </div>
    );
  }
  if (spec.type === 'path') {
    const browse = async () => {
      try {
        const r = await call('dialog.choosePath', { pathKind: spec.pathKind ?? 'file-or-folder', ...(spec.extensions?.length ? { extensions: spec.extensions } : {}), title: spec.label });
        if (r.path) onChange(r.path);
      } catch (err) {
        notify('error', errorText(err));
      }
    };
    return (
      <div className="field">
        {label}
        <div className="input-row">
          <input id={id} type="text" value={String(value ?? '')} onChange={(e) => onChange(e.target.value)} aria-describedby={describedBy} required={spec.required} spellCheck={false} placeholder={spec.pathKind === 'folder' ? '/path/to/export-folder' : '/path/to/export'} />
          <button type="button" className="secondary" onClick={browse} aria-label={`Browse for ${spec.label}`}>Browse…</button>
        </div>
        {help}
      </div>
    );
  }
  const isNumber = spec.type === 'number';
  return (
    <div className="field">
      {label}
      {spec.type === 'json'
        ? <textarea id={id} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)} aria-describedby={describedBy} rows={4} spellCheck={false} />
        : <input id={id} type={isNumber ? 'number' : 'text'} value={value === null || value === undefined ? '' : String(value)}
            placeholder={spec.default !== undefined ? `default: ${String(spec.default)}` : spec.type === 'timezone' ? 'e.g. Europe/London' : undefined}
            onChange={(e) => onChange(isNumber ? (e.target.value === '' ? null : Number(e.target.value)) : e.target.value)} aria-describedby={describedBy} required={spec.required} />}
      {help}
    </div>
  );
}
