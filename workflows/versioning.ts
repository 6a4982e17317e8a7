// Worker Versioning behaviour of each workflow type (docs/architecture.md, Deploys and versioning). Each
// workflow file passes `versioningFor(<its type>)` to `setWorkflowOptions`. The behaviour is declared only
// when the workflow task runs on a versioned worker: an unversioned worker (`npm start`, tests) that declared
// one would have its task completions refused by the server.
import type { VersioningBehavior, WorkflowDefinitionOptions } from '@temporalio/common';
import { workflowInfo } from '@temporalio/workflow';
import type { WORKFLOW_TYPES } from './names';

type WorkflowType = (typeof WORKFLOW_TYPES)[keyof typeof WORKFLOW_TYPES];

export const WORKFLOW_VERSIONING: Record<WorkflowType, VersioningBehavior> = {
  // Runs for months (continue-as-new): moves to the current build at its next workflow task; command
  // changes go behind `patched()`.
  sciWorkflow: 'AUTO_UPGRADE',
  // One per tenant, as long-lived as the SCIs: the same rule.
  zohoChannelsWorkflow: 'AUTO_UPGRADE',
  // Ends within hours: finishes on the build it started on; that build's workers serve it until then.
  backfillWorkflow: 'PINNED',
  // A retention run of minutes: finishes on the build it started on.
  maintenanceWorkflow: 'PINNED',
};

export function versioningFor(type: WorkflowType): () => WorkflowDefinitionOptions {
  // An unversioned worker reports a build id with an empty deployment name.
  return () => (workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: WORKFLOW_VERSIONING[type] } : {});
}
