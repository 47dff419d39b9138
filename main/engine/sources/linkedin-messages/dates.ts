/** LinkedIn writes DATE as `2023-05-01 14:03:22 UTC`; older exports leave out the zone (it is UTC too). */

const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?\s*(UTC|GMT|Z|[+-]\d{2}:?\d{2})?$/i;

export function parseLinkedInDate(cell: string): Date | undefined {
  const m = DATE.exec(cell.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const millis = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  let t = Date.UTC(y, mo - 1, d, h, mi, s, millis);
  // Date.UTC rolls 2023-02-30 over to March: refuse dates that are not on the calendar.
  const check = new Date(t);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  const zone = m[8];
  if (zone && /^[+-]/.test(zone)) {
    const z = zone.replace(':', '');
    const offset = (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5))) * (z[0] === '-' ? -1 : 1);
    t -= offset * 60_000;
  }
  return new Date(t);
}
