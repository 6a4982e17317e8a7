// Text form of a field value for matching and display: lookups by their name, arrays joined.
export function textOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return v.map(textOf).join(';');
  if (typeof v === 'object') {
    const o = v as { name?: unknown; id?: unknown };
    return textOf(o.name ?? o.id ?? JSON.stringify(v));
  }
  return '';
}
