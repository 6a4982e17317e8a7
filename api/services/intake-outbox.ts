// The event intake's write side (P6): an accepted Jira event or Zoho notification is recorded in one
// transaction, its identity (ProcessedEvent, unique per tenant, source and event key) together with one
// IntakeEvent row per SCI it is for. Once that commits the event is durable and the route may answer 2xx;
// the intake dispatcher (intake-dispatcher.ts) hands it to Temporal later. A redelivery of the same event
// hits the identity's unique key and writes nothing.
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../prisma/generated/client';
import { isForeignKeyViolation } from '../../lib/db/errors';
import type { PendingEvent } from '../../workflows/messages';

/** How long an event identity is kept: longer than Forge's whole retry window (4 × 60 s, up to 15 min). */
export const EVENT_KEY_TTL_MS = 7 * 24 * 3600 * 1000;

export interface IntakeRecord {
  tenantId: string;
  source: 'JIRA' | 'ZOHO';
  eventKey: string;
  receivedAt: Date;
  /** The SCIs the event is for (at least one). */
  sciIds: readonly string[];
  /** The event as the SCI workflow's signal carries it. */
  event: PendingEvent;
}

/**
 * - `recorded`: identity and outbox rows committed together.
 * - `duplicate`: the identity was recorded before (a redelivery); nothing written.
 * - `sci-gone`: an SCI was deleted between the caller's lookup and the write; nothing written, and the
 *   caller asks the sender to deliver again (the next lookup no longer finds that SCI).
 */
export type IntakeOutcome = 'recorded' | 'duplicate' | 'sci-gone';

export async function recordIntake(prisma: PrismaClient, r: IntakeRecord): Promise<IntakeOutcome> {
  // One statement, so one round trip and atomic: the identity row, and the outbox rows only if the identity
  // was new (ON CONFLICT DO NOTHING leaves `ident` empty for a redelivery).
  if (r.sciIds.length === 0) throw new Error('recordIntake: an event is recorded for at least one SCI.');
  const expiresAt = new Date(r.receivedAt.getTime() + EVENT_KEY_TTL_MS);
  try {
    const rows = await prisma.$queryRaw<{ id: bigint }[]>`
      WITH ident AS (
        INSERT INTO "ProcessedEvent" ("id", "tenantId", "source", "eventKey", "receivedAt", "expiresAt")
        VALUES (${randomUUID()}, ${r.tenantId}, ${r.source}::"EventSource", ${r.eventKey}, ${r.receivedAt}, ${expiresAt})
        ON CONFLICT ("tenantId", "source", "eventKey") DO NOTHING
        RETURNING "tenantId")
      INSERT INTO "IntakeEvent" ("tenantId", "sciId", "source", "payload")
      SELECT ident."tenantId", sci.id, ${r.source}::"EventSource", ${JSON.stringify(r.event)}::jsonb
        FROM ident CROSS JOIN unnest(${[...r.sciIds]}::text[]) AS sci(id)
      RETURNING "id"`;
    return rows.length > 0 ? 'recorded' : 'duplicate';
  } catch (err) {
    if (isForeignKeyViolation(err)) return 'sci-gone';
    throw err;
  }
}

export interface IntakeBacklog {
  /** Outbox rows not yet delivered (one per event and SCI), across every API process. */
  events: number;
  /** Age of the oldest of them in ms (0 when there is none): how far delivery lags behind intake. */
  oldestAgeMs: number;
}

/** The outbox's backlog and lag, read from the database (so every API process sees the same figures). */
export async function intakeBacklog(prisma: PrismaClient): Promise<IntakeBacklog> {
  const [row] = await prisma.$queryRaw<{ events: number; age_ms: number | null }[]>`
    SELECT count(*)::int AS events, (EXTRACT(EPOCH FROM (now() - min("createdAt"))) * 1000)::float8 AS age_ms FROM "IntakeEvent"`;
  return { events: row?.events ?? 0, oldestAgeMs: Math.max(0, Math.round(row?.age_ms ?? 0)) };
}
