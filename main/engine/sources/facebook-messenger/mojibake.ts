/**
 * Meta's "Download your information" JSON writes each UTF-8 byte of a string as its own `\u00XX`
 * escape, so `é` arrives as `Ã©` and an emoji as four Latin-1 characters. A string whose code points
 * are all ≤ 0xFF, with at least one above 0x7F, and whose bytes form valid UTF-8 is decoded again;
 * anything else (plain ASCII, a string with real characters above 0xFF, bytes that are not UTF-8) is
 * left exactly as written.
 */
const decoder = new TextDecoder('utf-8', { fatal: true });

export function repairMojibake(s: string): string {
  let high = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return s;
    if (c > 0x7f) high = true;
  }
  if (!high) return s;
  try {
    return decoder.decode(Buffer.from(s, 'latin1'));
  } catch {
    return s;
  }
}

/** Every string in a parsed JSON value, keys included, repaired. */
export function repairDeep(v: unknown): unknown {
  if (typeof v === 'string') return repairMojibake(v);
  if (Array.isArray(v)) return v.map(repairDeep);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[repairMojibake(k)] = repairDeep(x);
    return out;
  }
  return v;
}
