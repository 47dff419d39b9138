/**
 * Hardening that applies to every web contents the app creates (Electron's security checklist):
 * no navigation away from the app's page, no new windows (allow-listed https links open in the
 * system browser instead), no webviews, no permissions, and no network requests from renderers at
 * all — the renderer talks to the engine over IPC only, so remote content (images in a previewed
 * message, say) can never load.
 */
import { type Session, type WebContents, app, shell } from 'electron';
import { allowedExternalUrl } from '../ipc/host';

const samePage = (url: string, pageUrl: string) => {
  try {
    const a = new URL(url);
    const b = new URL(pageUrl);
    return a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname;
  } catch {
    return false;
  }
};

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'ftp://*/*'] }, (_details, callback) => callback({ cancel: true }));
}

export function hardenWebContents(pageUrl: () => string): void {
  app.on('web-contents-created', (_e, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => { if (!samePage(url, pageUrl())) event.preventDefault(); });
    contents.on('will-frame-navigate', (event) => {
      // Frames (the message preview's sandboxed iframe) may only show their srcdoc.
      if (!event.isMainFrame && event.url !== 'about:srcdoc' && event.url !== 'about:blank') event.preventDefault();
    });
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (allowedExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}
