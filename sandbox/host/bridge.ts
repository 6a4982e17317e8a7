// Stand-in for @forge/bridge inside the local host (aliased at bundle time by forge-app/build.ts). Jira's
// bridge posts to the Forge platform, which runs the app's resolver function; this one posts to the host
// server, which runs the same resolver code. Only what the screens use is provided.
//
// The module context (which module, which issue) comes from the iframe's query string, which the host page
// sets the way Jira sets the extension context.

interface HostContext {
  moduleKey: string;
  extension: Record<string, unknown>;
  accountId: string | undefined;
}

function hostContext(): HostContext {
  const q = new URLSearchParams(window.location.search);
  const issueKey = q.get('issueKey');
  const projectKey = q.get('projectKey');
  const moduleKey = q.get('moduleKey') ?? 'zoho-crm-admin';
  const extension: Record<string, unknown> = issueKey
    ? { type: 'jira:issuePanel', issue: { key: issueKey, id: q.get('issueId') ?? undefined }, project: { key: projectKey ?? undefined } }
    : { type: 'jira:adminPage' };
  return { moduleKey, extension, accountId: q.get('accountId') ?? undefined };
}

export async function invoke<T = unknown>(functionKey: string, payload?: Record<string, unknown>): Promise<T> {
  const ctx = hostContext();
  const res = await fetch('/__bridge/invoke', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ functionKey, payload: payload ?? {}, context: ctx }),
  });
  if (!res.ok) throw new Error(`invoke ${functionKey} failed with HTTP ${res.status}`);
  return (await res.json()) as T;
}

export const router = {
  async open(url: string): Promise<void> {
    window.open(url, '_blank', 'noopener');
  },
  async navigate(url: string): Promise<void> {
    window.top?.location.assign(url);
  },
  async reload(): Promise<void> {
    window.location.reload();
  },
};

export const view = {
  async getContext() {
    const ctx = hostContext();
    return { ...ctx, localId: 'local-host', locale: 'en-US', timezone: 'UTC', siteUrl: window.location.origin, environmentType: 'DEVELOPMENT' };
  },
  async close(): Promise<void> {},
  async submit(): Promise<void> {},
};

// Jira grows a Custom UI iframe to fit its content (Forge ships iframe-resizer for that); the host page
// does the same when told the content's height. An open dialog counts too, so a modal is never squeezed
// into a short panel.
if (typeof window !== 'undefined' && window.parent !== window && typeof ResizeObserver !== 'undefined') {
  let last = 0;
  let queued = false;
  const report = () => {
    queued = false;
    const root = document.getElementById('root');
    let height = Math.ceil((root?.getBoundingClientRect().height ?? 0) + 16);
    for (const dialog of document.querySelectorAll('[role="dialog"]')) height = Math.max(height, dialog.scrollHeight + 160);
    if (Math.abs(height - last) < 2) return;
    last = height;
    window.parent.postMessage({ type: 'forge-host:resize', height }, window.location.origin);
  };
  const schedule = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(report);
  };
  window.addEventListener('load', () => {
    const root = document.getElementById('root');
    if (root) new ResizeObserver(schedule).observe(root);
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
    schedule();
  });
}
