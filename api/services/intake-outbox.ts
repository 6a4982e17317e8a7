// The event intake's write side (P6): an accepted Jira event or Zoho notification is recorded in one
// transaction, its identity (ProcessedEvent, unique per tenant, source and event key) together with one
// IntakeEvent row per SCI it is for. Once that commits the event is durable and the route may answer 2xx;
// the intake dispatcher (intake-dispatcher.ts) hands it to Temporal later. A redelivery of the same event
// hits the identity's unique key and writes nothing.
import type { Prisma, PrismaClient } from '../../prisma/generated/client';
import { isForeignKeyViolation, isUniqueViolation } from '../../lib/db/errors';
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
  const payload = r.event as unknown as Prisma.InputJsonValue;
  try {
    await prisma.$transaction([
      prisma.processedEvent.create({
        data: { tenantId: r.tenantId, source: r.source, eventKey: r.eventKey, receivedAt: r.receivedAt, expiresAt: new Date(r.receivedAt.getTime() + EVENT_KEY_TTL_MS) },
        select: { id: true },
      }),
      prisma.intakeEvent.createMany({ data: r.sciIds.map((sciId) => ({ tenantId: r.tenantId, sciId, source: r.source, payload })) }),
    ]);
    return 'recorded';
  } catch (err) {
    if (isUniqueViolation(err)) return 'duplicate';
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
