/**
 * The checks main makes on every message from a renderer before relaying it to the engine: it must
 * come from the top frame of the app's own window showing the app's own page (not an iframe, not a
 * page that was navigated elsewhere, not another window), and match the contract.
 */
import type { Result } from '../../preload/contract';
import { parseRequest } from './dispatch';

export interface SenderInfo {
  /** The sending frame's URL (`event.senderFrame.url`); null when the frame is gone. */
  url: string | null;
  /** Whether the sender is the top frame of its page. */
  isMainFrame: boolean;
  /** `event.sender.id`. */
  webContentsId: number;
}

export interface TrustedPage {
  /** The app's page, e.g. `file:///opt/Ferry/resources/app.asar/dist/renderer/index.html`. */
  url: string;
  webContentsId: number;
}

/** Same page, ignoring the fragment and query the renderer may use for its own state. */
function samePage(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.protocol === y.protocol && x.host === y.host && decodeURIComponent(x.pathname) === decodeURIComponent(y.pathname);
  } catch {
    return false;
  }
}

function describeSender(sender: SenderInfo | null): string {
  if (!sender?.url) return 'an unknown sender';
  try {
    const u = new URL(sender.url);
    return `${u.protocol}//${u.host}${sender.isMainFrame ? '' : ' (a sub-frame)'}`;
  } catch {
    return 'an unparseable address';
  }
}

export function isTrustedSender(sender: SenderInfo | null, page: TrustedPage): boolean {
  if (!sender || sender.url === null || !sender.isMainFrame) return false;
  if (sender.webContentsId !== page.webContentsId) return false;
  return samePage(sender.url, page.url);
}

/** The relay's verdict on one invoke: refused (forbidden or invalid) or the validated channel and request. */
export function acceptInvoke(sender: SenderInfo | null, page: TrustedPage, channel: unknown, payload: unknown): Result<{ channel: string; request: unknown }> {
  if (!isTrustedSender(sender, page)) {
    return { ok: false, error: { class: 'forbidden', message: `refused a message from ${describeSender(sender)}: only Ferry's own window may call the engine` } };
  }
  return parseRequest(channel, payload);
}
