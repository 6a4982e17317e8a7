// A Zoho value as the issue panel shows it: lookups and users by name, lists joined, long text cut.
export function displayValue(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else if (Array.isArray(value)) text = value.map(displayValue).filter((v): v is string => v !== null).join(', ');
  else if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const named = o.name ?? o.full_name ?? o.display_value ?? o.email;
    text = typeof named === 'string' ? named : JSON.stringify(value);
  } else return null;
  return text.length > 1000 ? `${text.slice(0, 999)}…` : text;
}
