/** The window: a skip link, the navigation, the open screen, and the notifications. */
import { useEffect, useRef } from 'react';
import { SCREENS, type ScreenId, useStore } from './store';
import { Toasts } from './components/bits';
import { ConnectorsScreen } from './screens/ConnectorsScreen';
import { MappingScreen } from './screens/MappingScreen';
import { PreviewScreen } from './screens/PreviewScreen';
import { RunScreen } from './screens/RunScreen';
import { HistoryScreen } from './screens/HistoryScreen';
import { UnmappedScreen } from './screens/UnmappedScreen';
import { SettingsScreen } from './screens/SettingsScreen';

const VIEWS: Record<ScreenId, () => React.JSX.Element> = {
  connectors: ConnectorsScreen, mapping: MappingScreen, preview: PreviewScreen, run: RunScreen,
  history: HistoryScreen, unmapped: UnmappedScreen, settings: SettingsScreen,
};

/** The app's mark (the ferry of the app icon), drawn inline so it needs no font or request. */
function FerryMark() {
  return (
    <svg className="brand-mark" width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <rect x="1" y="1" width="22" height="22" rx="5" fill="#1f5fbf" />
      <path d="M5 13.2h14l-2.4 3.3H7.2z M7.3 10.4h9v2.4h-9z M11.6 8.4h3.8v1.8h-3.8z" fill="#fff" />
      <path d="M12.5 6.6h1.4v1.6h-1.4z" fill="#ffc400" />
      <path d="M3 18.4c1.5-.9 3-.9 4.5 0s3 .9 4.5 0 3-.9 4.5 0 3 .9 4.5 0" stroke="#7fb0ff" strokeWidth="1.4" fill="none" />
    </svg>
  );
}

export function App() {
  const screen = useStore((s) => s.screen);
  const go = useStore((s) => s.go);
  const active = useStore((s) => Object.keys(s.active).length);
  const info = useStore((s) => s.info);
  const loadError = useStore((s) => s.loadError);
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);

  useEffect(() => { void useStore.getState().init(); }, []);
  // Moving to another screen puts the keyboard focus on its title, as a page load would.
  useEffect(() => {
    if (first.current) { first.current = false; return; }
    mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [screen]);

  const View = VIEWS[screen];
  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); mainRef.current?.querySelector<HTMLElement>('h1')?.focus(); }}>Skip to content</a>
      <aside className="sidebar">
        <div className="brand"><FerryMark /> Ferry</div>
        <nav aria-label="Main">
          <ul>
            {SCREENS.map((s) => (
              <li key={s.id}>
                <button type="button" className={`nav-item${screen === s.id ? ' current' : ''}`} aria-current={screen === s.id ? 'page' : undefined} onClick={() => go(s.id)}>
                  {s.label}{s.id === 'run' && active ? <span className="nav-count" aria-label={`${active} running`}>{active}</span> : null}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <div className="sidebar-foot">
          {info ? <span className={info.keychain.ok ? 'ok-text' : 'warn-text'}>{info.keychain.ok ? 'Keychain ready' : 'Keychain unavailable'}</span> : null}
          {info ? <span className="muted">v{info.version}</span> : null}
        </div>
      </aside>
      <main id="main" ref={mainRef} className="content">
        {loadError ? <p className="form-error" role="alert">Ferry could not start its engine: {loadError}</p> : <View />}
      </main>
      <Toasts />
    </div>
  );
}
