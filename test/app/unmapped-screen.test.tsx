// @vitest-environment jsdom
/**
 * The Unmapped screen follows a re-import from main's events: a progress bar with the counts while it
 * runs (the Run screen's Progress and Counts), then the result. The real screen in jsdom, its
 * `window.ferry` bridged to the real IPC handlers; the test only decides when events and the reply
 * are delivered, so each state can be looked at.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { FerryEvent } from '../../preload/contract';
import type { FerryBridge } from '../../preload/bridge';
import type { FerryService } from '../../main/ipc/service';
import { UnmappedScreen } from '../../renderer/screens/UnmappedScreen';
import { useStore } from '../../renderer/store';
import { serviceWithQueue } from './helpers/unmapped';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

/** Bridges window.ferry to the service; events and the re-import's reply wait until the test lets them through. */
function bridge(svc: FerryService, events: FerryEvent[]) {
  const listeners = new Set<(e: FerryEvent) => void>();
  let delivered = 0;
  let releaseReply = () => {};
  const replyHeld = new Promise<void>((resolve) => { releaseReply = resolve; });
  const ferry: FerryBridge = {
    invoke: (async (channel: string, request: unknown) => {
      const r = await svc.invoke(channel, request);
      if (channel === 'unmapped.reimport') await replyHeld;
      return r;
    }) as FerryBridge['invoke'],
    onEvent(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
  };
  (window as unknown as { ferry: FerryBridge }).ferry = ferry;
  return {
    /** Delivers the pending events up to and including the first that matches. */
    async deliverUntil(match: (e: FerryEvent) => boolean): Promise<void> {
      await act(async () => {
        while (delivered < events.length) {
          const e = events[delivered++]!;
          for (const l of listeners) l(e);
          if (match(e)) break;
        }
      });
    },
    async releaseReply(): Promise<void> {
      await act(async () => { releaseReply(); await new Promise((r) => setTimeout(r, 20)); });
    },
  };
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await act(async () => { await new Promise((r) => setTimeout(r, 25)); });
  expect(check(), what).toBe(true);
}

const button = (text: string) => [...document.querySelectorAll('button')].find((b) => b.textContent?.includes(text));

/** The store mirrors the service and shows the Unmapped screen of the connector; no notifications yet. */
async function openUnmapped(svc: FerryService, events: FerryEvent[], connectorId: number) {
  cleanups.push(() => svc.close());
  const io = bridge(svc, events);
  await useStore.getState().init();
  useStore.setState({ toasts: [] });
  useStore.getState().go('unmapped', { connectorId });
  return io;
}

/** One Unmapped screen rendered into its own element, unmounted after the test. */
async function mountScreen(): Promise<HTMLElement> {
  const host = document.createElement('div');
  document.body.append(host);
  let root: Root | undefined;
  await act(async () => { root = createRoot(host); root.render(<UnmappedScreen />); });
  cleanups.push(() => { act(() => root!.unmount()); host.remove(); });
  return host;
}

describe('Unmapped screen', () => {
  it('shows the re-import progress bar and counts from the events, then the result', async () => {
    const { svc, events, id } = await serviceWithQueue(12);
    const io = await openUnmapped(svc, events, id);
    // Two screens (as in two windows): the second did not start the re-import and follows it only by its events.
    const [host, other] = [await mountScreen(), await mountScreen()];
    await until('the identities are listed', () => button('Re-import items that map now (12)') !== undefined);

    await act(async () => { host.querySelector('.toolbar button')!.dispatchEvent(new MouseEvent('click', { bubbles: true })); });
    await until('the re-import ran in main', () => events.some((e) => e.type === 'reimport-finished'));
    expect(button('Re-importing…')?.disabled).toBe(true);

    // Started, then the run's first progress: the progress card.
    await io.deliverUntil((e) => e.type === 'reimport-progress');
    const progress = events.find((e): e is Extract<FerryEvent, { type: 'reimport-progress' }> => e.type === 'reimport-progress')!.progress;
    for (const h of [host, other]) {
      expect(h.querySelector('[role="progressbar"][aria-label="Re-import progress"]')).not.toBeNull();
      expect(h.querySelector('h2')?.textContent).toBe('Importing the items that map now');
      expect(h.querySelector('.progress-stats')?.textContent).toContain(`Items${progress.done}`);
      expect(h.querySelector('.count-imported dd')?.textContent).toBe(String(progress.counts.imported));
      expect([...h.querySelectorAll('button')].some((b) => b.textContent === 'Cancel re-import')).toBe(true);
    }

    // Finished: the progress card goes, the result stays once the reply is in.
    await io.deliverUntil((e) => e.type === 'reimport-finished');
    await io.releaseReply();
    expect(document.querySelector('[aria-label="Re-import progress"]')).toBeNull();
    for (const h of [host, other]) {
      expect(h.querySelector('h2')?.textContent).toBe('Re-import');
      expect(h.textContent).toContain('12 items selected');
    }
    // One notification from each screen: the one that asked (its reply) and the one that followed (the event).
    expect(useStore.getState().toasts.map((t) => t.text).filter((t) => t === 'Re-import: 12 imported, 0 already there, 0 failed.')).toHaveLength(2);
  }, 60_000);

  it('announces a re-import once when its reply comes before its finished event', async () => {
    const { svc, events, id } = await serviceWithQueue(5);
    const io = await openUnmapped(svc, events, id);
    const host = await mountScreen();
    await until('the identities are listed', () => button('Re-import items that map now (5)') !== undefined);

    await act(async () => { host.querySelector('.toolbar button')!.dispatchEvent(new MouseEvent('click', { bubbles: true })); });
    await until('the re-import ran in main', () => events.some((e) => e.type === 'reimport-finished'));
    await io.releaseReply();
    await until('the reply is shown', () => host.textContent?.includes('5 items selected') ?? false);
    await io.deliverUntil((e) => e.type === 'reimport-finished');
    const text = 'Re-import: 5 imported, 0 already there, 0 failed.';
    expect(useStore.getState().toasts.map((t) => t.text).filter((t) => t === text)).toHaveLength(1);
  }, 60_000);
});
