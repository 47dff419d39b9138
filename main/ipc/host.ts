/**
 * What the engine's handlers ask of the app around them: native dialogs and the system browser.
 * Electron implements it in the main process (the engine host forwards the calls there); the browser
 * tests implement it with fixed answers. Paths reach the engine only from here, never from the renderer.
 */
export interface Host {
  readonly appVersion: string;
  readonly platform: string;
  /** Where the app keeps its own small files (the data-folder pointer): Electron's userData. */
  readonly configDir: string;
  choosePath(o: { pathKind: 'file' | 'folder' | 'file-or-folder'; extensions?: string[]; title?: string }): Promise<string | null>;
  chooseSavePath(o: { defaultName: string; extensions: string[]; title: string }): Promise<string | null>;
  /** Opens an https URL that passed `allowedExternalUrl`. */
  openExternal(url: string): Promise<void>;
}

/** Hosts whose pages the app links to (help on exporting data, Microsoft 365 admin pages). */
export const EXTERNAL_HOSTS = [
  'learn.microsoft.com', 'admin.microsoft.com', 'entra.microsoft.com', 'portal.azure.com',
  'help.x.com', 'help.twitter.com', 'telegram.org', 'slack.com', 'faq.whatsapp.com', 'github.com',
];

export function allowedExternalUrl(raw: string): boolean {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  return u.protocol === 'https:' && !u.username && !u.password && (u.port === '' || u.port === '443')
    && EXTERNAL_HOSTS.some((h) => u.hostname === h || u.hostname.endsWith(`.${h}`));
}
