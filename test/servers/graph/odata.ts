/**
 * The small part of OData that the loopback Graph server understands: `$filter=<property> eq '<literal>'`
 * (string literals with '' for a quote, as OData v4 writes them), `$select`, `$top`/`$skip`, and
 * `$expand=singleValueExtendedProperties($filter=id eq '...')`.
 */
import { GraphHttpError } from './errors';

export interface EqFilter {
  property: string;
  value: string;
}

/** `displayName eq 'Twitter Archive'` → { property, value }. */
export function parseEqFilter(filter: string): EqFilter {
  const m = /^\s*([A-Za-z][A-Za-z0-9/]*)\s+eq\s+'((?:[^']|'')*)'\s*$/.exec(filter);
  if (!m) throw new GraphHttpError(400, 'BadRequest', `Invalid filter clause: the loopback server understands only "<property> eq '<value>'", not "${filter}".`);
  return { property: m[1]!, value: m[2]!.replace(/''/g, "'") };
}

/** The extended property ids a `$expand=singleValueExtendedProperties($filter=id eq '…')` asks for; null when not expanded. */
export function expandedPropertyIds(expand: string | null): string[] | null {
  if (!expand) return null;
  const m = /^singleValueExtendedProperties(?:\(\$filter=(.*)\))?$/.exec(expand.trim());
  if (!m) throw new GraphHttpError(400, 'BadRequest', `Could not find a property named '${expand}' on type 'microsoft.graph.message'.`);
  if (m[1] === undefined) return [];
  const ids = m[1].split(/\s+or\s+/).map((clause) => {
    const f = parseEqFilter(clause);
    if (f.property !== 'id') throw new GraphHttpError(400, 'BadRequest', `Invalid filter clause in $expand: ${clause}`);
    return f.value;
  });
  return ids;
}

/** Keeps only the `$select`ed properties (plus `id`, which Graph always returns). */
export function select<T extends Record<string, unknown>>(obj: T, selectParam: string | null): Record<string, unknown> {
  if (!selectParam) return obj;
  const keep = new Set(selectParam.split(',').map((s) => s.trim()).filter(Boolean));
  keep.add('id');
  return Object.fromEntries(Object.entries(obj).filter(([k]) => keep.has(k) || k.startsWith('@odata')));
}

/** One page of a collection, with `@odata.nextLink` when more follow (Graph's default page is 10). */
export function page<T>(items: T[], url: URL, defaultTop = 10): { value: T[]; '@odata.nextLink'?: string } {
  const top = Math.min(1000, Math.max(1, Number(url.searchParams.get('$top') ?? defaultTop) || defaultTop));
  const skip = Math.max(0, Number(url.searchParams.get('$skip') ?? 0) || 0);
  const value = items.slice(skip, skip + top);
  if (skip + top >= items.length) return { value };
  const next = new URL(url.href);
  next.searchParams.set('$skip', String(skip + top));
  next.searchParams.set('$top', String(top));
  return { value, '@odata.nextLink': next.href };
}
