/**
 * `Retry-After` (RFC 9110 §10.2.3): either a number of seconds or an HTTP date. Returns the wait
 * in milliseconds, or undefined when the header is absent or unreadable (the caller then backs off
 * on its own schedule).
 */
export function parseRetryAfter(value: string | string[] | undefined | null, now = Date.now()): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  // HTTP dates always name the day and month in English with a GMT zone; Date.parse reads all three forms.
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
