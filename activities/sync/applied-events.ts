// Which queued Jira events an SCI has already applied. Temporal runs an activity at least once (an attempt
// whose completion never reached the server, say across a server restart, runs again) and the intake
// delivers at least once (a signal that timed out on the client may still have reached the workflow), so the
// engine records every applied event and skips it when it comes again. Records expire after 7 days (the
// maintenance purge removes them).
import type { PrismaClient } from '../../prisma/generated/client';

const KEEP_MS = 7 * 86_400_000;

export class AppliedEvents {
  constructor(private readonly prisma: PrismaClient) {}

  /** The key of one Jira event for one SCI (an event can concern several SCIs). */
  static key(sciId: string, eventId: string): string {
    return `${sciId}:${eventId}`;
  }

  async has(tenantId: string, key: string): Promise<boolean> {
    const row = await this.prisma.processedEvent.findUnique({
      where: { tenantId_source_eventKey: { tenantId, source: 'JIRA', eventKey: key } },
    });
    return row !== null;
  }

  async mark(tenantId: string, key: string): Promise<void> {
    await this.prisma.processedEvent.upsert({
      where: { tenantId_source_eventKey: { tenantId, source: 'JIRA', eventKey: key } },
      create: { tenantId, source: 'JIRA', eventKey: key, expiresAt: new Date(Date.now() + KEEP_MS) },
      update: {},
    });
  }
}
