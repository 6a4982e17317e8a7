// Workflow type names, for code that starts workflows without importing their code (the API, schedules):
// a workflow's type is its exported function's name (workflows/names.test.ts keeps the two equal).
export const WORKFLOW_TYPES = {
  sci: 'sciWorkflow',
  channels: 'zohoChannelsWorkflow',
  backfill: 'backfillWorkflow',
  maintenance: 'maintenanceWorkflow',
} as const;
