// Forge product-event payloads for the events the connector subscribes to, as the simulator sends them.
// Shapes follow https://developer.atlassian.com/platform/forge/events-reference/jira/ : every event has
// `eventType` and `selfGenerated`; issue events carry `issue` (REST-like, with the issue type under
// `issueType` as the Forge type reference spells it), `atlassianId`, `associatedUsers`; updates add a
// `changelog {id, items}`; comment events add `comment`; attachment events carry only `attachment`
// (here with `issueId`, which the docs leave unstated: see README).
import { z } from 'zod';

const user = z.looseObject({ accountId: z.string(), displayName: z.string().optional(), accountType: z.string().optional() });

export const forgeIssueSchema = z.looseObject({
  id: z.string(),
  key: z.string(),
  fields: z.looseObject({
    summary: z.string(),
    issueType: z.looseObject({ id: z.string(), name: z.string() }).optional(),
    issuetype: z.looseObject({ id: z.string(), name: z.string() }).optional(),
    project: z.looseObject({ id: z.string(), key: z.string(), name: z.string().optional() }),
    status: z.looseObject({ id: z.string(), name: z.string() }).optional(),
    created: z.string().optional(),
    updated: z.string().optional(),
    creator: user.nullable().optional(),
    reporter: user.nullable().optional(),
    assignee: user.nullable().optional(),
  }),
});

export const forgeChangeItemSchema = z.looseObject({
  field: z.string(),
  fieldtype: z.string(),
  fieldId: z.string().optional(),
  from: z.string().nullable(),
  fromString: z.string().nullable(),
  to: z.string().nullable(),
  toString: z.string().nullable(),
});

const base = {
  selfGenerated: z.boolean(),
  atlassianId: z.string().optional(),
  associatedUsers: z.array(z.looseObject({ accountId: z.string() })).optional(),
};

export const issueCreatedEventSchema = z.looseObject({
  eventType: z.literal('avi:jira:created:issue'),
  issue: forgeIssueSchema,
  ...base,
});

export const issueUpdatedEventSchema = z.looseObject({
  eventType: z.literal('avi:jira:updated:issue'),
  issue: forgeIssueSchema,
  changelog: z.looseObject({ id: z.string(), items: z.array(forgeChangeItemSchema) }),
  associatedStatuses: z.array(z.looseObject({ id: z.string(), name: z.string() })).optional(),
  jiraEventTypeName: z.string().optional(),
  ...base,
});

export const issueDeletedEventSchema = z.looseObject({
  eventType: z.literal('avi:jira:deleted:issue'),
  issue: forgeIssueSchema,
  ...base,
});

export const commentedEventSchema = z.looseObject({
  eventType: z.literal('avi:jira:commented:issue'),
  issue: forgeIssueSchema,
  comment: z.looseObject({
    id: z.string(),
    body: z.unknown(),
    author: user,
    updateAuthor: user.optional(),
    created: z.string(),
    updated: z.string(),
  }),
  ...base,
});

export const attachmentCreatedEventSchema = z.looseObject({
  eventType: z.literal('avi:jira:created:attachment'),
  attachment: z.looseObject({
    id: z.string(),
    issueId: z.string().optional(),
    filename: z.string(),
    mimeType: z.string(),
    size: z.number(),
    created: z.string(),
    author: user.optional(),
  }),
  ...base,
});

export const forgeEventSchema = z.discriminatedUnion('eventType', [
  issueCreatedEventSchema,
  issueUpdatedEventSchema,
  issueDeletedEventSchema,
  commentedEventSchema,
  attachmentCreatedEventSchema,
]);

export type ForgeIssue = z.infer<typeof forgeIssueSchema>;
export type IssueCreatedEvent = z.infer<typeof issueCreatedEventSchema>;
export type IssueUpdatedEvent = z.infer<typeof issueUpdatedEventSchema>;
export type IssueDeletedEvent = z.infer<typeof issueDeletedEventSchema>;
export type CommentedEvent = z.infer<typeof commentedEventSchema>;
export type AttachmentCreatedEvent = z.infer<typeof attachmentCreatedEventSchema>;
export type ForgeEvent = z.infer<typeof forgeEventSchema>;

/** What a remote endpoint receives: the event under `payload` (with `retryContext` on redeliveries). */
export const forgeRemoteEventBodySchema = z.looseObject({
  payload: z.looseObject({
    eventType: z.string(),
    retryContext: z.looseObject({ retryCount: z.number(), retryReason: z.string(), retryData: z.null() }).optional(),
  }),
  context: z.looseObject({ cloudId: z.string(), moduleKey: z.string() }).optional(),
});
export type ForgeRemoteEventBody = z.infer<typeof forgeRemoteEventBodySchema>;
