/**
 * LinkedIn names people by display name and profile URL. The identity is the URL's slug
 * (`https://www.linkedin.com/in/jane-doe-1a2b3c` → `jane-doe-1a2b3c`, the part an admin can put in a
 * mapping file); a person without a URL (a deleted member, "LinkedIn Member") is known by name only.
 */
import type { Identity } from '../../item';

export const PLATFORM = 'linkedin';

/** The profile slug: the path after `/in/`, else the whole path (`company/contoso`). */
export function profileSlug(url: string): string | undefined {
  const u = url.trim();
  if (!u) return undefined;
  let pathPart: string;
  try {
    pathPart = new URL(/^[a-z]+:\/\//i.test(u) ? u : `https://${u}`).pathname;
  } catch {
    return undefined;
  }
  let p = pathPart.replace(/\/+$/, '').replace(/^\/+/, '');
  try { p = decodeURIComponent(p); } catch { /* keep it encoded */ }
  const m = /^in\/([^/]+)/.exec(p);
  return (m ? m[1] : p) || undefined;
}

export function person(name: string | undefined, url: string | undefined): Identity | undefined {
  const n = name?.trim() || undefined;
  const slug = url ? profileSlug(url) : undefined;
  if (slug) return { id: slug, kind: 'user-id', platform: PLATFORM, ...(n ? { name: n } : {}) };
  if (n) return { id: n, kind: 'user-id', platform: PLATFORM, name: n };
  return undefined;
}

/** Profile URLs of a RECIPIENT PROFILE URLS cell: separated by commas, semicolons or spaces. */
export function splitUrls(cell: string): string[] {
  return cell.split(/[;,\s]+/).map((s) => s.trim()).filter(Boolean);
}

/**
 * The recipients. Names are comma-separated, but a name may hold a comma itself ("Jane Doe, CFA"),
 * so the URLs decide how many there are: names are paired with URLs only when the counts agree.
 */
export function recipients(toCell: string, urlCell: string): Identity[] {
  const urls = splitUrls(urlCell);
  const whole = toCell.trim();
  if (urls.length === 1) return [person(whole, urls[0])].filter((p): p is Identity => !!p);
  const names = whole ? whole.split(',').map((s) => s.trim()).filter(Boolean) : [];
  if (!urls.length) return names.map((n) => person(n, undefined)!);
  const paired = names.length === urls.length;
  return urls.map((u, i) => person(paired ? names[i] : undefined, u)).filter((p): p is Identity => !!p);
}
