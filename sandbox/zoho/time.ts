// Zoho renders DateTime values as ISO 8601 with seconds and a numeric offset, no milliseconds. The demo
// org's time zone is UTC, so the offset is always +00:00 (clients must compare instants, not strings).

export function zohoDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export function zohoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/;

/** Epoch ms of a Zoho DateTime (or an RFC 1123 date, which HTTP clients also send), else undefined. */
export function parseZohoDateTime(value: string): number | undefined {
  const v = value.trim();
  if (DATETIME.test(v)) {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (/GMT$/.test(v)) {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

export function isZohoDateTime(value: string): boolean {
  return DATETIME.test(value) && !Number.isNaN(Date.parse(value));
}

export function isZohoDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));
}
