// Stable, readable workflow ids: an engineer can find an SCI's workflow in the Temporal UI by tenant and SCI.
export function sciWorkflowId(tenantId: string, sciId: string): string {
  return `sci:${tenantId}:${sciId}`;
}

/** Link to a workflow in the Temporal Web UI (the admin page shows it per SCI). */
export function temporalUiWorkflowUrl(uiBaseUrl: string, namespace: string, workflowId: string): string {
  const base = uiBaseUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
