// Jira push events (F28): Forge delivers issue created/updated, comment and attachment events here. The
// route validates the delivery, records its identity once (ProcessedEvent), signals the SCI workflows
// that cover the issue and answers well within Forge's 5 s; the sync itself runs in the workflow.
// A redelivery (Forge retries up to 4 times) finds the identity recorded and signals nothing again.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Prisma, type SmartConnectedItem } from '../../prisma/generated/client';
import type { AppDeps } from '../deps';
import { ApiError, errorResponses } from '../services/api-errors';
import { routeErrorHandler, tenantOf } from '../services/route-support';
import { isAutomated, sciRef } from '../services/sci-automation';
import { eventKeyOf, forgeDeliveryBodySchema, HANDLED_EVENT_TYPES, jiraForgeEventSchema, subjectOf, toSignal, type EventSubject } from './jira-events';
import { isUniqueViolation } from '../../lib/db/errors';

/** How long an event identity is kept: longer than Forge's whole retry window (4 × 60 s, up to 15 min). */
const EVENT_KEY_TTL_MS = 7 * 24 * 3600 * 1000;

const eventReply = z.object({
  accepted: z.boolean(),
  /** True when this event was already received (a redelivery): nothing was signalled again. */
  duplicate: z.boolean(),
  /** SCI workflows signalled. */
  signalled: z.number().int(),
  /** Why nothing was done, when nothing was. */
  reason: z.string().optional(),
});

/** Enabled, automated SCIs of the tenant whose Jira scope covers the issue, plus any that already link it. */
async function coveringScis(deps: Pick<AppDeps, 'prisma'>, tenantId: string, subject: EventSubject): Promise<SmartConnectedItem[]> {
  const byScope: Prisma.SmartConnectedItemWhereInput[] = subject.projectId
    ? [
        {
          jiraProjectId: subject.projectId,
          OR: [{ jiraIssueTypeId: null }, ...(subject.issueTypeId ? [{ jiraIssueTypeId: subject.issueTypeId }] : [])],
        },
      ]
    : [];
  const rows = await deps.prisma.smartConnectedItem.findMany({
    where: {
      tenantId,
      enabled: true,
      syncMode: { not: 'DISPLAY' },
      OR: [...byScope, { recordLinks: { some: { tenantId, jiraIssueId: subject.issueId } } }],
    },
    orderBy: { createdAt: 'asc' },
  });
  return rows.filter(isAutomated);
}


export const eventRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (fastify, { deps }) => {
  fastify.setErrorHandler(routeErrorHandler);

  fastify.post(
    '/events/jira',
    {
      schema: {
        summary: 'Forge trigger delivery: Jira issue, comment and attachment events',
        description:
          'Answers 200 for every well-formed delivery, also for events no SCI covers (accepted=false with a reason) and for redeliveries (duplicate=true). 503 asks Forge to retry later.',
        tags: ['events'],
        body: forgeDeliveryBodySchema,
        response: { 200: eventReply, ...errorResponses(400, 503) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const receivedAt = new Date((deps.now ?? Date.now)());
      const parsed = jiraForgeEventSchema.safeParse(request.body.payload);
      if (!parsed.success) {
        const type = request.body.payload.eventType;
        if (!(HANDLED_EVENT_TYPES as readonly string[]).includes(type)) {
          return { accepted: false, duplicate: false, signalled: 0, reason: 'The connector does not act on this event type.' };
        }
        throw new ApiError(
          400,
          `Invalid ${type} event: ${parsed.error.issues
            .slice(0, 5)
            .map((i) => `payload.${i.path.join('.')} ${i.message}`)
            .join('; ')}`,
          'VALIDATION_FAILED',
        );
      }
      const event = parsed.data;
      // Our own writes come back as events: the workflow made them, so it must not sync them again.
      if (event.selfGenerated) return { accepted: false, duplicate: false, signalled: 0, reason: 'Caused by the connector itself.' };
      const subject = subjectOf(event);
      if (!subject) return { accepted: false, duplicate: false, signalled: 0, reason: 'The event names no Jira issue.' };
      const scis = await coveringScis(deps, tenantId, subject);
      if (scis.length === 0) {
        return { accepted: false, duplicate: false, signalled: 0, reason: 'No enabled Smart Connected Item covers this issue.' };
      }

      const eventKey = eventKeyOf(event);
      let recorded: { id: string };
      try {
        recorded = await deps.prisma.processedEvent.create({
          data: { tenantId, source: 'JIRA', eventKey, receivedAt, expiresAt: new Date(receivedAt.getTime() + EVENT_KEY_TTL_MS) },
          select: { id: true },
        });
      } catch (err) {
        if (isUniqueViolation(err)) return { accepted: true, duplicate: true, signalled: 0 };
        throw err;
      }

      const signal = toSignal(event, eventKey, subject.issueId, receivedAt);
      const results = await Promise.allSettled(scis.map((sci) => deps.workflows.jiraEvent(sciRef(sci), signal)));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length > 0) {
        // Not every workflow heard it: forget the identity so Forge's retry delivers it again. A workflow
        // that did hear it drops the repeat while the first is still queued (same eventId); after that,
        // applying an event again is harmless (the sync compares current values, latest change wins).
        await deps.prisma.processedEvent.delete({ where: { id: recorded.id } }).catch(() => undefined);
        request.log.warn({ err: failed[0]!.reason as unknown, tenantId, eventType: event.eventType }, 'could not signal SCI workflows; Forge will redeliver');
        throw new ApiError(503, 'The workflow service (Temporal) did not answer; the event will be redelivered.', 'TEMPORAL_UNAVAILABLE');
      }
      request.log.info({ tenantId, eventType: event.eventType, issueId: subject.issueId, scis: scis.length }, 'Jira event signalled');
      return { accepted: true, duplicate: false, signalled: scis.length };
    },
  );
};
