/**
 * Classified errors, Airbyte-style: the class tells the run (and the admin) what to do next.
 * - config: a setting or an input path is wrong; fix the connector.
 * - auth: credentials are missing, wrong or lack permission.
 * - transient: network fault, timeout, 5xx; retrying may succeed.
 * - throttled: the service asked us to slow down (429/503 with Retry-After).
 * - data: this one item or record is bad; the rest of the run goes on.
 * - system: a bug or the local machine (disk full, database locked).
 */
export type ErrorClass = 'config' | 'auth' | 'transient' | 'throttled' | 'data' | 'system';

export class FerryError extends Error {
  readonly errorClass: ErrorClass;
  /** For throttled errors: how long the service asked us to wait. */
  readonly retryAfterMs?: number;

  constructor(errorClass: ErrorClass, message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FerryError';
    this.errorClass = errorClass;
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

export const configError = (message: string, cause?: unknown) => new FerryError('config', message, { cause });
export const dataError = (message: string, cause?: unknown) => new FerryError('data', message, { cause });
export const authError = (message: string, cause?: unknown) => new FerryError('auth', message, { cause });
export const transientError = (message: string, cause?: unknown) => new FerryError('transient', message, { cause });

/** Classifies anything thrown; unknown errors are system errors. Node's file errors become config errors. */
export function classify(err: unknown): FerryError {
  if (err instanceof FerryError) return err;
  const e = err as NodeJS.ErrnoException | undefined;
  const code = e?.code;
  if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM') {
    return new FerryError('config', e?.message ?? String(err), { cause: err });
  }
  if (code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') {
    return new FerryError('transient', e?.message ?? String(err), { cause: err });
  }
  return new FerryError('system', e?.message ?? String(err), { cause: err });
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
