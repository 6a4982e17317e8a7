// Per-row outcomes of bulk writes. A 2xx (201/202/207) does not mean every row succeeded, so each row
// becomes either its id or its own typed error.
import { zohoErrorFromEnvelope, ZohoValidationError, type ZohoError } from './errors';
import type { ZohoRowResult } from './schemas';

export type RowOutcome =
  | { ok: true; id: string; action?: string; details: Record<string, unknown> }
  | { ok: false; error: ZohoError };

export function toRowOutcomes(rows: ZohoRowResult[], status: number, operation: string): RowOutcome[] {
  return rows.map((row) => {
    const details = row.details ?? {};
    if (row.status === 'success') {
      const id = typeof details.id === 'string' ? details.id : '';
      return { ok: true, id, ...(row.action ? { action: row.action } : {}), details };
    }
    // A row error carries no HTTP status of its own; Zoho's per-row errors are all client-side (400).
    return {
      ok: false,
      error: zohoErrorFromEnvelope(status >= 400 ? status : 400, { code: row.code, message: row.message, details }, { operation }),
    };
  });
}

/** Zoho accepts at most 100 rows per write; checked before sending so the whole batch is not refused. */
export function assertBatchSize(count: number, operation: string, max = 100): void {
  if (count === 0 || count > max) {
    throw new ZohoValidationError({
      code: 'LIMIT_EXCEEDED',
      source: 'client',
      message: `${operation}: between 1 and ${max} rows per call (got ${count})`,
      details: { limit: max },
      operation,
    });
  }
}
