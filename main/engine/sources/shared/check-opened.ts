/**
 * The frame of a source's `check()`, which never throws for bad input: an export that cannot be
 * opened, or that fails while being looked at, is the answer (`ok: false` with the reason), and
 * what was opened is closed in every case.
 */
import { errorMessage } from '../../errors';
import type { CheckResult } from '../types';

export async function checkOpened<T>(
  open: () => Promise<T>, close: (opened: T) => Promise<void>, inspect: (opened: T) => Promise<CheckResult>,
): Promise<CheckResult> {
  let opened: T;
  try {
    opened = await open();
  } catch (err) {
    return { ok: false, message: errorMessage(err) };
  }
  try {
    return await inspect(opened);
  } catch (err) {
    return { ok: false, message: errorMessage(err) };
  } finally {
    await close(opened);
  }
}
