// A believable demo site: the DEMO project (Task, Bug, Story; To Do / In Progress / Done, with "Done"
// asking for a resolution), a small SUP service project, custom fields of the common types, a few people
// and a handful of issues with history.

export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

export interface SimUser {
  accountId: string;
  displayName: string;
  emailAddress?: string;
  accountType: 'atlassian' | 'app';
  timeZone: string;
  /** Holds Jira's ADMINISTER global permission (a Jira admin). */
  siteAdmin?: boolean;
  /** Keys of the projects the user may browse; absent means every project. */
  browseProjects?: string[];
  /** Keys of projects where the user may browse but holds no other permission (a viewer role). */
  viewOnlyProjects?: string[];
}

export interface SimStatus {
  id: string;
  name: string;
  description: string;
  category: StatusCategoryKey;
}

export interface SimTransition {
  id: string;
  name: string;
  to: string;
  /** Status ids it starts from; undefined = from any status (a global transition). */
  from?: string[];
  /** Field ids the transition screen requires. */
  requiredFields: string[];
}

export interface SimIssueType {
  id: string;
  name: string;
  description: string;
  iconUrl: string;
  avatarId: number;
}

export interface SimProject {
  id: string;
  key: string;
  name: string;
  projectTypeKey: 'software' | 'service_desk' | 'business';
  leadAccountId: string;
  issueTypeIds: string[];
  statusIds: string[];
  initialStatusId: string;
  transitions: SimTransition[];
}

export type FieldKind = 'string' | 'text' | 'adf' | 'number' | 'date' | 'datetime' | 'option' | 'url' | 'labels' | 'user' | 'priority' | 'system';

export interface SimField {
  id: string;
  name: string;
  custom: boolean;
  kind: FieldKind;
  schema: { type: string; system?: string; custom?: string; customId?: number; items?: string };
  clauseNames: string[];
  /** Editable through create/edit (status and resolution are not: they move through transitions). */
  editable: boolean;
  options?: { id: string; value: string }[];
}

export const STATUS_CATEGORIES: Record<StatusCategoryKey, { id: number; key: string; colorName: string; name: string }> = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
};

export const USERS: SimUser[] = [
  { accountId: '712020:5f3e1c2a-8d9b-4c41-9c8e-1d2a3b4c5d6e', displayName: 'Alana Grant', emailAddress: 'alana.grant@demo-sandbox.example', accountType: 'atlassian', timeZone: 'UTC', siteAdmin: true },
  { accountId: '712020:9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d', displayName: 'Marcus Lee', emailAddress: 'marcus.lee@demo-sandbox.example', accountType: 'atlassian', timeZone: 'UTC' },
  { accountId: '712020:1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b', displayName: 'Priya Natarajan', emailAddress: 'priya.natarajan@demo-sandbox.example', accountType: 'atlassian', timeZone: 'UTC', browseProjects: ['DEMO'] },
  // Also Zoho CRM users of the sandbox org (sandbox/zoho/store.ts), for user mapping (F41): Aisha has the
  // same e-mail address on both sides, Patricia another one here (only an override matches her).
  { accountId: '712020:3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', displayName: 'Aisha Patel', emailAddress: 'aisha.patel@zylker.example', accountType: 'atlassian', timeZone: 'UTC' },
  { accountId: '712020:6e7f8a9b-0c1d-4e2f-9a3b-4c5d6e7f8a9b', displayName: 'Patricia Boyle', emailAddress: 'pboyle@demo-sandbox.example', accountType: 'atlassian', timeZone: 'UTC' },
];
/** The account the app's system token acts as. */
export const APP_USER: SimUser = {
  accountId: '557058:f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f',
  displayName: 'Zoho CRM Connector',
  accountType: 'app',
  timeZone: 'UTC',
};
/** Who hand edits through the control surface are made as. */
export const HUMAN = USERS[0]!;

export const STATUSES: SimStatus[] = [
  { id: '10000', name: 'To Do', description: 'Work that has not been started.', category: 'new' },
  { id: '3', name: 'In Progress', description: 'This issue is being actively worked on at the moment by the assignee.', category: 'indeterminate' },
  { id: '10001', name: 'Done', description: 'Work that is finished.', category: 'done' },
  { id: '10002', name: 'Waiting for customer', description: 'Waiting for the customer to answer.', category: 'indeterminate' },
];

export const ISSUE_TYPES: SimIssueType[] = [
  { id: '10001', name: 'Task', description: 'A small, distinct piece of work.', iconUrl: '/images/icons/issuetypes/task.svg', avatarId: 10318 },
  { id: '10002', name: 'Bug', description: 'A problem or error.', iconUrl: '/images/icons/issuetypes/bug.svg', avatarId: 10303 },
  { id: '10003', name: 'Story', description: 'A user story: functionality or a feature expressed as a user goal.', iconUrl: '/images/icons/issuetypes/story.svg', avatarId: 10315 },
];

export const PRIORITIES = [
  { id: '1', name: 'Highest' },
  { id: '2', name: 'High' },
  { id: '3', name: 'Medium' },
  { id: '4', name: 'Low' },
  { id: '5', name: 'Lowest' },
];

export const RESOLUTIONS = [
  { id: '10000', name: 'Done', description: 'Work has been completed on this issue.' },
  { id: '10001', name: "Won't Do", description: 'This issue won\'t be actioned.' },
  { id: '10002', name: 'Duplicate', description: 'The problem is a duplicate of an existing issue.' },
  { id: '10003', name: 'Cannot Reproduce', description: 'All attempts at reproducing this issue failed.' },
];

const CF = 'com.atlassian.jira.plugin.system.customfieldtypes';

export const FIELDS: SimField[] = [
  { id: 'summary', name: 'Summary', custom: false, kind: 'string', schema: { type: 'string', system: 'summary' }, clauseNames: ['summary'], editable: true },
  { id: 'description', name: 'Description', custom: false, kind: 'adf', schema: { type: 'string', system: 'description' }, clauseNames: ['description'], editable: true },
  { id: 'issuetype', name: 'Issue Type', custom: false, kind: 'system', schema: { type: 'issuetype', system: 'issuetype' }, clauseNames: ['issuetype', 'type'], editable: false },
  { id: 'project', name: 'Project', custom: false, kind: 'system', schema: { type: 'project', system: 'project' }, clauseNames: ['project'], editable: false },
  { id: 'status', name: 'Status', custom: false, kind: 'system', schema: { type: 'status', system: 'status' }, clauseNames: ['status'], editable: false },
  { id: 'resolution', name: 'Resolution', custom: false, kind: 'system', schema: { type: 'resolution', system: 'resolution' }, clauseNames: ['resolution'], editable: false },
  { id: 'priority', name: 'Priority', custom: false, kind: 'priority', schema: { type: 'priority', system: 'priority' }, clauseNames: ['priority'], editable: true },
  { id: 'labels', name: 'Labels', custom: false, kind: 'labels', schema: { type: 'array', items: 'string', system: 'labels' }, clauseNames: ['labels'], editable: true },
  { id: 'assignee', name: 'Assignee', custom: false, kind: 'user', schema: { type: 'user', system: 'assignee' }, clauseNames: ['assignee'], editable: true },
  { id: 'reporter', name: 'Reporter', custom: false, kind: 'user', schema: { type: 'user', system: 'reporter' }, clauseNames: ['reporter'], editable: true },
  { id: 'creator', name: 'Creator', custom: false, kind: 'system', schema: { type: 'user', system: 'creator' }, clauseNames: ['creator'], editable: false },
  { id: 'created', name: 'Created', custom: false, kind: 'system', schema: { type: 'datetime', system: 'created' }, clauseNames: ['created', 'createdDate'], editable: false },
  { id: 'updated', name: 'Updated', custom: false, kind: 'system', schema: { type: 'datetime', system: 'updated' }, clauseNames: ['updated', 'updatedDate'], editable: false },
  { id: 'resolutiondate', name: 'Resolved', custom: false, kind: 'system', schema: { type: 'datetime', system: 'resolutiondate' }, clauseNames: ['resolved', 'resolutiondate'], editable: false },
  { id: 'duedate', name: 'Due date', custom: false, kind: 'date', schema: { type: 'date', system: 'duedate' }, clauseNames: ['due', 'duedate'], editable: true },
  { id: 'comment', name: 'Comment', custom: false, kind: 'system', schema: { type: 'comments-page', system: 'comment' }, clauseNames: ['comment'], editable: false },
  { id: 'attachment', name: 'Attachment', custom: false, kind: 'system', schema: { type: 'array', items: 'attachment', system: 'attachment' }, clauseNames: ['attachments'], editable: false },
  { id: 'customfield_10030', name: 'Story Points', custom: true, kind: 'number', schema: { type: 'number', custom: `${CF}:float`, customId: 10030 }, clauseNames: ['cf[10030]', 'Story Points'], editable: true },
  { id: 'customfield_10031', name: 'Target date', custom: true, kind: 'date', schema: { type: 'date', custom: `${CF}:datepicker`, customId: 10031 }, clauseNames: ['cf[10031]', 'Target date'], editable: true },
  {
    id: 'customfield_10032',
    name: 'Customer tier',
    custom: true,
    kind: 'option',
    schema: { type: 'option', custom: `${CF}:select`, customId: 10032 },
    clauseNames: ['cf[10032]', 'Customer tier'],
    editable: true,
    options: [
      { id: '10100', value: 'Gold' },
      { id: '10101', value: 'Silver' },
      { id: '10102', value: 'Bronze' },
    ],
  },
  { id: 'customfield_10033', name: 'CRM record URL', custom: true, kind: 'url', schema: { type: 'string', custom: `${CF}:url`, customId: 10033 }, clauseNames: ['cf[10033]', 'CRM record URL'], editable: true },
  { id: 'customfield_10034', name: 'Deal amount', custom: true, kind: 'number', schema: { type: 'number', custom: `${CF}:float`, customId: 10034 }, clauseNames: ['cf[10034]', 'Deal amount'], editable: true },
  { id: 'customfield_10035', name: 'Customer notes', custom: true, kind: 'adf', schema: { type: 'string', custom: `${CF}:textarea`, customId: 10035 }, clauseNames: ['cf[10035]', 'Customer notes'], editable: true },
  { id: 'customfield_10036', name: 'Account name', custom: true, kind: 'text', schema: { type: 'string', custom: `${CF}:textfield`, customId: 10036 }, clauseNames: ['cf[10036]', 'Account name'], editable: true },
  { id: 'customfield_10037', name: 'Go-live', custom: true, kind: 'datetime', schema: { type: 'datetime', custom: `${CF}:datetime`, customId: 10037 }, clauseNames: ['cf[10037]', 'Go-live'], editable: true },
];

const globalTransitions = (statusIds: string[], done: string): SimTransition[] =>
  statusIds.map((to, i) => ({
    id: String((i + 1) * 10 + 1),
    name: STATUSES.find((s) => s.id === to)!.name,
    to,
    requiredFields: to === done ? ['resolution'] : [],
  }));

export const PROJECTS: SimProject[] = [
  {
    id: '10000',
    key: 'DEMO',
    name: 'Demo Service Delivery',
    projectTypeKey: 'software',
    leadAccountId: USERS[0]!.accountId,
    issueTypeIds: ['10001', '10002', '10003'],
    statusIds: ['10000', '3', '10001'],
    initialStatusId: '10000',
    transitions: globalTransitions(['10000', '3', '10001'], '10001'),
  },
  {
    id: '10001',
    key: 'SUP',
    name: 'Customer Support',
    projectTypeKey: 'business',
    leadAccountId: USERS[1]!.accountId,
    issueTypeIds: ['10001', '10002'],
    statusIds: ['10000', '3', '10002', '10001'],
    initialStatusId: '10000',
    transitions: [
      { id: '11', name: 'Start work', to: '3', from: ['10000', '10002'], requiredFields: [] },
      { id: '21', name: 'Ask customer', to: '10002', from: ['3'], requiredFields: [] },
      { id: '31', name: 'Resolve', to: '10001', from: ['3', '10002'], requiredFields: ['resolution'] },
      { id: '41', name: 'Reopen', to: '10000', from: ['10001'], requiredFields: [] },
    ],
  },
];

export interface SeedIssue {
  project: string;
  type: string;
  summary: string;
  description?: string;
  status?: string;
  resolution?: string;
  priority?: string;
  labels?: string[];
  assignee?: number;
  daysAgo: number;
  custom?: Record<string, unknown>;
  comments?: string[];
}

export const SEED_ISSUES: SeedIssue[] = [
  {
    project: 'DEMO', type: 'Task', summary: 'Onboard Acme Corp to the enterprise plan', daysAgo: 12, priority: 'High', labels: ['onboarding'], assignee: 1,
    description: 'Kick-off call booked with the Acme team.\nShare the onboarding checklist before Friday.',
    custom: { customfield_10032: 'Gold', customfield_10034: 48000, customfield_10036: 'Acme Corp' },
    comments: ['Contract signed, kick-off scheduled.'],
  },
  {
    project: 'DEMO', type: 'Bug', summary: 'Invoice PDF shows the wrong VAT rate for EU customers', daysAgo: 9, status: 'In Progress', priority: 'Highest', assignee: 2,
    description: 'Customers in Germany see 19% VAT applied twice on the PDF, the web view is correct.',
    custom: { customfield_10030: 3 },
  },
  {
    project: 'DEMO', type: 'Story', summary: 'As a sales rep I can see the linked CRM deal on the issue', daysAgo: 7, priority: 'Medium',
    custom: { customfield_10030: 5, customfield_10031: '2026-03-31' },
  },
  {
    project: 'DEMO', type: 'Task', summary: 'Renewal call with Globex Inc.', daysAgo: 5, status: 'Done', resolution: 'Done', priority: 'Medium', assignee: 0,
    custom: { customfield_10032: 'Silver', customfield_10036: 'Globex Inc.' },
  },
  {
    project: 'DEMO', type: 'Bug', summary: 'Contact sync drops the second phone number', daysAgo: 2, priority: 'Low', labels: ['crm', 'sync'],
  },
  {
    project: 'SUP', type: 'Task', summary: 'Customer asks for a copy of the signed order form', daysAgo: 3, priority: 'Medium', assignee: 1,
  },
];
