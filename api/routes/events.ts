// Jira push events (F28): Forge delivers issue created/updated, comment and attachment events here. The
// route validates the delivery and, in one statement, finds the SCIs that cover the issue and records the
// event: its identity (ProcessedEvent) and one outbox row per SCI (api/services/intake-outbox.ts).
// It answers once that commits, without calling Temporal; the intake dispatcher delivers the rows to the
// SCI workflows in batches (api/services/intake-dispatcher.ts). A redelivery (Forge retries up to 4 times)
// finds the identity recorded and records nothing again.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { ApiError, errorResponses } from '../services/api-errors';
import { routeErrorHandler, tenantOf } from '../services/route-support';
import { eventKeyOf, forgeDeliveryBodySchema, HANDLED_EVENT_TYPES, jiraForgeEventSchema, subjectOf, toSignal } from './jira-events';
import { recordCoveredJiraEvent } from '../services/intake-outbox';

const eventReply = z.object({
  accepted: z.boolean(),
  /** True when this event was already received (a redelivery): nothing was recorded again. */
  duplicate: z.boolean(),
  /** SCI workflows the event is recorded for; the intake dispatcher delivers it to them. */
  queued: z.number().int(),
  /** Why nothing was done, when nothing was. */
  reason: z.string().optional(),
});

export const eventRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (fastify, { deps }) => {
  fastify.setErrorHandler(routeErrorHandler);

  fastify.post(
    '/events/jira',
    {
      schema: {
        summary: 'Forge trigger delivery: Jira issue, comment and attachment events',
        description:
          'Answers 200 once the event is recorded in the database (queued = SCI workflows it will be delivered to), also for events no SCI covers (accepted=false with a reason) and for redeliveries (duplicate=true). The event reaches Temporal afterwards, so it is kept through a Temporal outage. 503 asks Forge to retry later.',
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
          return { accepted: false, duplicate: false, queued: 0, reason: 'The connector does not act on this event type.' };
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
      if (event.selfGenerated) return { accepted: false, duplicate: false, queued: 0, reason: 'Caused by the connector itself.' };
      const subject = subjectOf(event);
      if (!subject) return { accepted: false, duplicate: false, queued: 0, reason: 'The event names no Jira issue.' };
      const eventKey = eventKeyOf(event);
      // One statement: the covering SCIs found, identity and outbox rows written (api/services/intake-outbox.ts).
      const { outcome, scis } = await recordCoveredJiraEvent(deps.prisma, {
        tenantId,
        subject,
        eventKey,
        receivedAt,
        event: { source: 'jira', event: toSignal(event, eventKey, subject.issueId, receivedAt) },
      });
      if (outcome === 'uncovered') {
        return { accepted: false, duplicate: false, queued: 0, reason: 'No enabled Smart Connected Item covers this issue.' };
      }
      if (outcome === 'duplicate') return { accepted: true, duplicate: true, queued: 0 };
      if (outcome === 'sci-gone') {
        throw new ApiError(503, 'A Smart Connected Item was deleted while this event arrived; deliver the event again (Forge retries on its own).');
      }
      deps.intake?.nudge();
      request.log.debug({ tenantId, eventType: event.eventType, issueId: subject.issueId, scis }, 'Jira event recorded');
      return { accepted: true, duplicate: false, queued: scis };
    },
  );
};
