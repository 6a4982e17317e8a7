// Forge product events as a remote endpoint receives them (jira-forge.md §1.5 and §3): the event under
// `payload` (plus `retryContext` on redeliveries) and the invocation context next to it. Only the fields
// the connector reads are checked; anything else Forge adds passes through untouched.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { JiraEventSignal } from '../../workflows/messages';
import type { IntakeSubject } from '../services/intake-outbox';

const id = z.union([z.string().min(1).max(100), z.number().int().nonnegative().transform(String)]);
const user = z.looseObject({ accountId: z.string().max(200) });
const typeRef = z.looseObject({ id, name: z.string().max(500).optional() });

const issue = z.looseObject({
  id,
  key: z.string().max(100).optional(),
  fields: z
    .looseObject({
      // The Forge type reference spells it `issueType`, its examples (and REST) `issuetype`: accept both.
      issueType: typeRef.optional(),
      issuetype: typeRef.optional(),
      project: z.looseObject({ id, key: z.string().max(100).optional() }).optional(),
      updated: z.string().max(100).optional(),
      created: z.string().max(100).optional(),
    })
    .optional(),
});

const changeItem = z.looseObject({ field: z.string().max(500), fieldId: z.string().max(500).optional() });

const common = {
  selfGenerated: z.boolean().optional(),
  atlassianId: z.string().max(200).optional(),
};

export const jiraForgeEventSchema = z.discriminatedUnion('eventType', [
  z.looseObject({ eventType: z.literal('avi:jira:created:issue'), issue, ...common }),
  z.looseObject({
    eventType: z.literal('avi:jira:updated:issue'),
    issue,
    changelog: z.looseObject({ id: id.optional(), items: z.array(changeItem).max(10_000).optional() }).optional(),
    ...common,
  }),
  z.looseObject({
    eventType: z.literal('avi:jira:commented:issue'),
    issue,
    comment: z.looseObject({ id, author: user.optional(), updateAuthor: user.optional(), created: z.string().max(100).optional(), updated: z.string().max(100).optional() }),
    ...common,
  }),
  z.looseObject({
    eventType: z.literal('avi:jira:created:attachment'),
    // Forge documents no issue reference on attachment events; the simulator sends `issueId` (see README).
    attachment: z.looseObject({ id, issueId: id.optional(), created: z.string().max(100).optional(), author: user.optional() }),
    ...common,
  }),
]);
export type JiraForgeEvent = z.infer<typeof jiraForgeEventSchema>;

/** The HTTP body of a delivery. `payload.eventType` is checked for every event, the rest only for ours. */
export const forgeDeliveryBodySchema = z.looseObject({
  payload: z.looseObject({
    eventType: z.string().min(1).max(200),
    retryContext: z.looseObject({ retryCount: z.number().optional(), retryReason: z.string().optional() }).nullish(),
  }),
  context: z.looseObject({ cloudId: z.string().optional(), moduleKey: z.string().optional() }).nullish(),
});

export const HANDLED_EVENT_TYPES = jiraForgeEventSchema.options.map((o) => o.shape.eventType.value);

/** Where the event happened: the issue and, when the payload says, its project and issue type. */
export type EventSubject = IntakeSubject;

export function subjectOf(e: JiraForgeEvent): EventSubject | undefined {
  if (e.eventType === 'avi:jira:created:attachment') return e.attachment.issueId ? { issueId: e.attachment.issueId } : undefined;
  const f = e.issue.fields;
  const type = f?.issueType ?? f?.issuetype;
  return { issueId: e.issue.id, ...(f?.project ? { projectId: f.project.id } : {}), ...(type ? { issueTypeId: type.id } : {}) };
}

/**
 * A stable identity for an event, the same on every redelivery: Forge gives events no id, so it is made
 * from what identifies the change (the changelog id of an update, the comment and its edit time…).
 */
export function eventKeyOf(e: JiraForgeEvent): string {
  const parts: string[] = [e.eventType];
  switch (e.eventType) {
    case 'avi:jira:created:issue':
      parts.push(e.issue.id);
      break;
    case 'avi:jira:updated:issue':
      parts.push(e.issue.id, e.changelog?.id ?? `updated@${e.issue.fields?.updated ?? ''}`);
      if (!e.changelog?.id) parts.push(JSON.stringify(e.changelog?.items ?? []));
      break;
    case 'avi:jira:commented:issue':
      parts.push(e.issue.id, e.comment.id, e.comment.updated ?? e.comment.created ?? '');
      break;
    case 'avi:jira:created:attachment':
      parts.push(e.attachment.id);
      break;
  }
  const readable = parts.slice(0, 3).join(':');
  // Readable when short (handy in the database), hashed when a fallback made it long.
  return readable.length <= 200 && parts.length <= 3 ? readable : `${e.eventType}:${createHash('sha256').update(parts.join('\0')).digest('hex')}`;
}

const KINDS = {
  'avi:jira:created:issue': 'issue_created',
  'avi:jira:updated:issue': 'issue_updated',
  'avi:jira:commented:issue': 'comment_created',
  'avi:jira:created:attachment': 'attachment_created',
} as const;

/** The workflow signal for an event (already validated and deduplicated). */
export function toSignal(e: JiraForgeEvent, eventId: string, issueId: string, receivedAt: Date): JiraEventSignal {
  const base = { eventId, kind: KINDS[e.eventType], issueId };
  switch (e.eventType) {
    case 'avi:jira:created:issue':
    case 'avi:jira:updated:issue': {
      const changed = e.eventType === 'avi:jira:updated:issue' ? [...new Set((e.changelog?.items ?? []).map((i) => i.fieldId ?? i.field))] : undefined;
      const actor = e.atlassianId;
      return {
        ...base,
        ...(e.issue.key ? { issueKey: e.issue.key } : {}),
        ...(changed ? { changedFields: changed } : {}),
        occurredAt: isoOr(e.issue.fields?.updated ?? e.issue.fields?.created, receivedAt),
        ...(actor ? { actorAccountId: actor } : {}),
      };
    }
    case 'avi:jira:commented:issue': {
      const actor = e.atlassianId ?? e.comment.updateAuthor?.accountId ?? e.comment.author?.accountId;
      return {
        ...base,
        ...(e.issue.key ? { issueKey: e.issue.key } : {}),
        commentId: e.comment.id,
        occurredAt: isoOr(e.comment.updated ?? e.comment.created, receivedAt),
        ...(actor ? { actorAccountId: actor } : {}),
      };
    }
    case 'avi:jira:created:attachment': {
      const actor = e.atlassianId ?? e.attachment.author?.accountId;
      return {
        ...base,
        attachmentId: e.attachment.id,
        occurredAt: isoOr(e.attachment.created, receivedAt),
        ...(actor ? { actorAccountId: actor } : {}),
      };
    }
  }
}

function isoOr(value: string | undefined, fallback: Date): string {
  const t = value ? Date.parse(value) : NaN;
  return Number.isFinite(t) ? new Date(t).toISOString() : fallback.toISOString();
}
