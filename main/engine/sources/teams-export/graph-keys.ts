/**
 * Teams exports write Graph `chatMessage` and `user` objects in PascalCase (`Body.Content`,
 * `From.User.DisplayName`), Graph itself in camelCase (`body.content`). Keys are lower-camel-cased once
 * so the rest of the source reads one shape. `@odata.type` and friends are kept as they are.
 */
export type Rec = Record<string, unknown>;

export function camelKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelKeys);
  if (v && typeof v === 'object') {
    const out: Rec = {};
    for (const [k, x] of Object.entries(v)) out[k.startsWith('@') ? k : k.charAt(0).toLowerCase() + k.slice(1)] = camelKeys(x);
    return out;
  }
  return v;
}

export const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
export const rec = (v: unknown): Rec | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? v as Rec : undefined);
export const list = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(rec).filter((x): x is Rec => !!x) : []);
