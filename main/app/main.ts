/**
 * Ferry's Electron main process: one window (sandboxed, context-isolated, no Node), the engine in a
 * utility process, and a relay between them that lets through only validated requests from the
 * app's own page. `Ferry --run-due` runs the due connectors headless and exits, for the OS scheduler.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, Menu, app, dialog, ipcMain, nativeTheme, session, shell, type IpcMainInvokeEvent } from 'electron';
import { IPC_EVENT, IPC_INVOKE } from '../../preload/contract';
import { acceptInvoke } from '../ipc/gate';
import { allowedExternalUrl } from '../ipc/host';
import { EngineClient } from './engine-client';
import type { HostOp } from './engine-protocol';
import { hardenSession, hardenWebContents } from './security';

const runDue = process.argv.includes('--run-due');
const pageFile = path.join(__dirname, '..', 'renderer', 'index.html');
const pageUrl = pathToFileURL(pageFile).toString();
let win: BrowserWindow | undefined;
let engine: EngineClient | undefined;

app.enableSandbox();

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1280, height: 820, minWidth: 960, minHeight: 600, show: false, title: 'Ferry',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#15171a' : '#f6f7f9',
    webPreferences: {
      preload: path.join(__dirname, '..', 'preload', 'preload.cjs'),
      sandbox: true, contextIsolation: true, nodeIntegration: false, nodeIntegrationInSubFrames: false,
      webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, navigateOnDragDrop: false,
      spellcheck: false, devTools: !app.isPackaged,
    },
  });
  w.once('ready-to-show', () => w.show());
  void w.loadFile(pageFile);
  return w;
}

async function onHostCall(op: HostOp): Promise<unknown> {
  switch (op.op) {
    case 'choosePath': {
      const props: ('openFile' | 'openDirectory')[] = op.args.pathKind === 'folder' ? ['openDirectory'] : op.args.pathKind === 'file' ? ['openFile'] : ['openFile', 'openDirectory'];
      const o = { properties: props, ...(op.args.title ? { title: op.args.title } : {}), ...(op.args.extensions?.length ? { filters: [{ name: 'Exports', extensions: op.args.extensions }, { name: 'All files', extensions: ['*'] }] } : {}) };
      const r = win ? await dialog.showOpenDialog(win, o) : await dialog.showOpenDialog(o);
      return r.canceled ? null : r.filePaths[0] ?? null;
    }
    case 'chooseSavePath': {
      const o = { title: op.args.title, defaultPath: path.join(app.getPath('documents'), op.args.defaultName), filters: [{ name: 'CSV', extensions: op.args.extensions }] };
      const r = win ? await dialog.showSaveDialog(win, o) : await dialog.showSaveDialog(o);
      return r.canceled ? null : r.filePath ?? null;
    }
    case 'openExternal':
      if (allowedExternalUrl(op.args.url)) await shell.openExternal(op.args.url);
      return null;
  }
}

function relay(event: IpcMainInvokeEvent, channel: unknown, payload: unknown) {
  const frame = event.senderFrame;
  const verdict = acceptInvoke(
    frame ? { url: frame.url, isMainFrame: frame.parent === null, webContentsId: event.sender.id } : null,
    { url: pageUrl, webContentsId: win?.webContents.id ?? -1 }, channel, payload);
  if (!verdict.ok) return verdict;
  return engine!.invoke(verdict.value.channel, verdict.value.request);
}

function startEngine(mode: 'app' | 'run-due'): void {
  engine = new EngineClient({
    init: { configDir: app.getPath('userData'), appVersion: app.getVersion(), platform: process.platform, mode },
    onEvent: (e) => { if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT, e); },
    onHostCall,
    onRunDueFinished: (code, summary) => {
      process.stdout.write(`${summary}\n`);
      void engine!.shutdown().then(() => app.exit(code));
    },
    onFatal: (message) => {
      if (mode === 'run-due') { process.stderr.write(`Ferry: ${message}\n`); app.exit(2); return; }
      dialog.showErrorBox('Ferry cannot open its data', message);
    },
  });
  engine.start();
}

if (!runDue && !app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => { if (win) { if (win.isMinimized()) win.restore(); win.focus(); } });
  hardenWebContents(() => pageUrl);
  void app.whenReady().then(() => {
    if (runDue) { startEngine('run-due'); return; }
    hardenSession(session.defaultSession);
    Menu.setApplicationMenu(Menu.buildFromTemplate([
      ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
      { role: 'fileMenu' }, { role: 'editMenu' }, { role: 'windowMenu' },
    ]));
    ipcMain.handle(IPC_INVOKE, relay);
    startEngine('app');
    win = createWindow();
    win.on('closed', () => { win = undefined; });
  });
  app.on('window-all-closed', () => app.quit());
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !engine) return;
    // Let running imports stop cleanly (resumable) before the process goes.
    event.preventDefault();
    quitting = true;
    void engine.shutdown().then(() => app.quit());
  });
}
