// Entry point of the workflow bundle: every workflow type the worker serves.
export { sciWorkflow } from './sci-workflow';
export { zohoChannelsWorkflow } from './channel-workflow';
export { backfillWorkflow } from './backfill-workflow';
export { maintenanceWorkflow } from './maintenance-workflow';
