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

/** Where a Jira event happened: the issue and, when the payload says, its project and issue type. */
export interface IntakeSubject {
  issueId: string;
  projectId?: string;
  issueTypeId?: string;
}

export interface CoveredIntakeRecord extends Omit<IntakeRecord, 'sciIds' | 'source'> {
  subject: IntakeSubject;
}

/**
 * A Jira event, recorded for every SCI that covers its issue, in one statement (one round trip): the SCIs
 * are found, the identity written if there is any, and one outbox row per SCI if the identity was new.
 * Covering: automated (enabled, not Display: sci-automation.ts isAutomated) and either scoped to the
 * issue's project (and its issue type, or any type) or already linked to the issue.
 */
export async function recordCoveredJiraEvent(
  prisma: PrismaClient,
  r: CoveredIntakeRecord,
): Promise<{ outcome: IntakeOutcome | 'uncovered'; scis: number }> {
  const expiresAt = new Date(r.receivedAt.getTime() + EVENT_KEY_TTL_MS);
  const project = r.subject.projectId ?? null;
  const issueType = r.subject.issueTypeId ?? null;
  try {
    const [row] = await prisma.$queryRaw<{ scis: number; queued: number }[]>`
      WITH sci AS (
        SELECT s."id" FROM "SmartConnectedItem" s
         WHERE s."tenantId" = ${r.tenantId} AND s."enabled" AND s."syncMode" <> 'DISPLAY'
           AND ((s."jiraProjectId" = ${project}::text AND (s."jiraIssueTypeId" IS NULL OR s."jiraIssueTypeId" = ${issueType}::text))
                OR EXISTS (SELECT 1 FROM "RecordLink" l WHERE l."tenantId" = ${r.tenantId} AND l."sciId" = s."id" AND l."jiraIssueId" = ${r.subject.issueId}))),
      ident AS (
        INSERT INTO "ProcessedEvent" ("id", "tenantId", "source", "eventKey", "receivedAt", "expiresAt")
        SELECT ${randomUUID()}, ${r.tenantId}, 'JIRA', ${r.eventKey}, ${r.receivedAt}, ${expiresAt} WHERE EXISTS (SELECT 1 FROM sci)
        ON CONFLICT ("tenantId", "source", "eventKey") DO NOTHING
        RETURNING "tenantId"),
      queued AS (
        INSERT INTO "IntakeEvent" ("tenantId", "sciId", "source", "payload")
        SELECT ident."tenantId", sci."id", 'JIRA', ${JSON.stringify(r.event)}::jsonb FROM ident CROSS JOIN sci
        RETURNING 1)
      SELECT (SELECT count(*) FROM sci)::int AS scis, (SELECT count(*) FROM queued)::int AS queued`;
    const scis = row?.scis ?? 0;
    if (scis === 0) return { outcome: 'uncovered', scis };
    return { outcome: (row?.queued ?? 0) > 0 ? 'recorded' : 'duplicate', scis };
  } catch (err) {
    if (isForeignKeyViolation(err)) return { outcome: 'sci-gone', scis: 0 };
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
