/**
 * The preload: a sandboxed CommonJS bundle that exposes `window.ferry` through contextBridge — two
 * functions, nothing of ipcRenderer itself. Main validates everything that comes through.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { FerryEvent } from './contract';
import { type FerryBridge, IPC_EVENT, IPC_INVOKE } from './bridge';

const bridge: FerryBridge = {
  invoke: (channel, request) => ipcRenderer.invoke(IPC_INVOKE, channel, request),
  onEvent(listener) {
    const wrapped = (_e: IpcRendererEvent, event: FerryEvent) => listener(event);
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => { ipcRenderer.removeListener(IPC_EVENT, wrapped); };
  },
};

contextBridge.exposeInMainWorld('ferry', bridge);
