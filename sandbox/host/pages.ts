// The host's HTML: a page shaped like Jira's (top bar, sidebar, content) that frames the two Custom UI
// screens the way Jira frames them, plus an issue view built from the Jira simulator's data.
import escapeHtml from 'escape-html';
import { adfText, type ViewIssue } from './jira-view';


const STYLE = `
  * { box-sizing: border-box; }
  body { margin: 0; font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #172B4D; background: #fff; }
  header { height: 56px; display: flex; align-items: center; gap: 24px; padding: 0 20px; border-bottom: 1px solid #DFE1E6; }
  header .logo { font-weight: 700; color: #0052CC; font-size: 18px; text-decoration: none; }
  header nav a { color: #42526E; text-decoration: none; margin-right: 16px; font-weight: 500; }
  header .who { margin-left: auto; color: #6B778C; font-size: 13px; }
  header .who select { margin-left: 6px; font: inherit; }
  .layout { display: flex; min-height: calc(100vh - 56px); }
  aside { width: 240px; background: #F4F5F7; padding: 16px 8px; border-right: 1px solid #DFE1E6; }
  aside h4 { font-size: 11px; text-transform: uppercase; color: #6B778C; margin: 16px 12px 8px; }
  aside a { display: block; padding: 8px 12px; color: #42526E; text-decoration: none; border-radius: 3px; font-size: 14px; }
  aside a.active, aside a:hover { background: #DEEBFF; color: #0052CC; }
  main { flex: 1; padding: 24px 32px; min-width: 0; }
  iframe { border: 0; width: 100%; display: block; }
  .crumbs { color: #6B778C; font-size: 14px; margin-bottom: 8px; }
  .crumbs a { color: #6B778C; }
  h1 { font-size: 24px; font-weight: 500; margin: 0 0 16px; }
  .issue { display: grid; grid-template-columns: minmax(0, 1fr) minmax(360px, 440px); gap: 32px; }
  .section-title { font-weight: 600; font-size: 14px; margin: 24px 0 8px; }
  .description { white-space: pre-wrap; line-height: 1.5; }
  .details { border: 1px solid #DFE1E6; border-radius: 3px; }
  .details h3 { margin: 0; padding: 12px 16px; font-size: 14px; border-bottom: 1px solid #DFE1E6; }
  .details dl { display: grid; grid-template-columns: 120px 1fr; gap: 10px 12px; padding: 16px; margin: 0; font-size: 14px; }
  .details dt { color: #6B778C; }
  .details dd { margin: 0; }
  .status { display: inline-block; padding: 2px 6px; border-radius: 3px; background: #DFE1E6; font-size: 12px; font-weight: 700; text-transform: uppercase; }
  .app-panel { border: 1px solid #DFE1E6; border-radius: 3px; margin-top: 16px; }
  .app-panel > div { padding: 10px 16px; font-weight: 600; font-size: 14px; border-bottom: 1px solid #DFE1E6; display: flex; gap: 8px; align-items: center; }
  table.issues { border-collapse: collapse; width: 100%; font-size: 14px; }
  table.issues th, table.issues td { text-align: left; padding: 8px; border-bottom: 1px solid #DFE1E6; }
  .note { color: #6B778C; font-size: 13px; }
`;

/** Grows each app iframe to its content, as Jira does; modals get at least a screenful to centre in. */
const RESIZE_SCRIPT = `
  window.addEventListener('message', (e) => {
    if (e.origin !== window.location.origin || !e.data || e.data.type !== 'forge-host:resize') return;
    for (const frame of document.querySelectorAll('iframe')) {
      if (frame.contentWindow === e.source) frame.style.height = Math.max(Number(frame.dataset.minHeight || 200), e.data.height) + 'px';
    }
  });
`;

/** A person of the sandbox site, as the host page lists them. */
export interface HostUser {
  accountId: string;
  displayName: string;
  /** Holds Jira's ADMINISTER permission. */
  admin: boolean;
}

/** Who the page acts as, and who else one can switch to. */
export interface Viewer {
  current: HostUser;
  users: HostUser[];
}

/** The "acting as" picker: choosing a person reloads the page as them (the host remembers the choice). */
function userSwitcher(v: Viewer): string {
  const options = v.users
    .map((u) => `<option value="${escapeHtml(u.accountId)}"${u.accountId === v.current.accountId ? ' selected' : ''}>${escapeHtml(u.displayName)}${u.admin ? ' (Jira admin)' : ''}</option>`)
    .join('');
  return `<label class="who">Acting as <select id="acting-as" onchange="const u = new URL(location.href); u.searchParams.set('as', this.value); location.href = u.toString();">${options}</select></label>`;
}

interface Chrome {
  title: string;
  active: 'admin' | 'issues';
  viewer: Viewer;
  body: string;
  script?: string;
}

export function layout(c: Chrome): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(c.title)} · Jira (local sandbox)</title><style>${STYLE}</style></head>
<body>
<header>
  <a class="logo" href="/">Jira <span style="font-weight:400;color:#6B778C">local sandbox</span></a>
  <nav><a href="/issues">Issues</a><a href="/admin">Apps</a></nav>
  ${userSwitcher(c.viewer)}
</header>
<div class="layout">
  <aside>
    <h4>Project</h4>
    <a href="/issues" class="${c.active === 'issues' ? 'active' : ''}">Issues</a>
    <h4>Jira settings · Apps</h4>
    <a href="/admin" class="${c.active === 'admin' ? 'active' : ''}">Zoho CRM Connector</a>
  </aside>
  <main>${c.body}</main>
</div>
<script>${RESIZE_SCRIPT}${c.script ?? ''}</script>
</body></html>`;
}

export function screenUrl(screen: 'admin-page' | 'issue-panel', params: Record<string, string | undefined>): string {
  const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  return `/ui/${screen}/index.html?${q.toString()}`;
}

export function adminPage(viewer: Viewer): string {
  const accountId = viewer.current.accountId;
  return layout({
    title: 'Zoho CRM Connector',
    active: 'admin',
    viewer,
    body: `<iframe id="forge-admin-page" title="Zoho CRM Connector admin page" src="${escapeHtml(screenUrl('admin-page', { moduleKey: 'zoho-crm-admin', accountId }))}" data-min-height="880" style="height: 880px"></iframe>`,
  });
}

export function issueList(viewer: Viewer, issues: ViewIssue[]): string {
  const rows = issues
    .map(
      (i) =>
        `<tr><td><a href="/browse/${encodeURIComponent(i.key)}">${escapeHtml(i.key)}</a></td><td>${escapeHtml(i.fields.summary ?? '')}</td><td>${escapeHtml(i.fields.issuetype?.name ?? '')}</td><td><span class="status">${escapeHtml(i.fields.status?.name ?? '')}</span></td></tr>`,
    )
    .join('');
  return layout({
    title: 'Issues',
    active: 'issues',
    viewer,
    body: `<h1>Issues</h1><table class="issues"><thead><tr><th>Key</th><th>Summary</th><th>Type</th><th>Status</th></tr></thead><tbody>${rows}</tbody></table>
<p class="note">Issues of the sandbox Jira site (the Jira simulator). Open one to see the Zoho CRM panel.</p>`,
  });
}

function detailsHtml(issue: ViewIssue): string {
  const f = issue.fields;
  return `<dl>
    <dt>Status</dt><dd><span class="status" data-field="status">${escapeHtml(f.status?.name ?? '—')}</span></dd>
    <dt>Type</dt><dd>${escapeHtml(f.issuetype?.name ?? '—')}</dd>
    <dt>Priority</dt><dd data-field="priority">${escapeHtml(f.priority?.name ?? '—')}</dd>
    <dt>Due date</dt><dd data-field="duedate">${escapeHtml(f.duedate ?? '—')}</dd>
    <dt>Labels</dt><dd data-field="labels">${escapeHtml((f.labels ?? []).join(', ') || '—')}</dd>
    <dt>Updated</dt><dd data-field="updated">${escapeHtml(f.updated ?? '—')}</dd>
  </dl>`;
}

/** Fields the sync engine may change; the page re-reads them so a person can watch sync happen. */
const LIVE_SCRIPT = (key: string) => `
  setInterval(async () => {
    try {
      const r = await fetch('/__host/issue/${encodeURIComponent(key)}');
      if (!r.ok) return;
      const v = await r.json();
      document.querySelector('[data-field=summary]').textContent = v.summary;
      document.querySelector('[data-field=description]').textContent = v.description;
      document.querySelector('.details').innerHTML = '<h3>Details</h3>' + v.detailsHtml;
    } catch (e) {}
  }, 4000);
`;

export function issueView(viewer: Viewer, issue: ViewIssue): string {
  const f = issue.fields;
  const accountId = viewer.current.accountId;
  const panelSrc = screenUrl('issue-panel', {
    moduleKey: 'zoho-crm-issue-panel',
    issueKey: issue.key,
    issueId: issue.id,
    projectKey: f.project?.key,
    accountId,
  });
  return layout({
    title: `${issue.key} ${f.summary ?? ''}`,
    active: 'issues',
    viewer,
    body: `<div class="crumbs"><a href="/issues">Projects</a> / ${escapeHtml(f.project?.name ?? '')} / <span id="issue-key">${escapeHtml(issue.key)}</span></div>
<div class="issue">
  <section>
    <h1 data-field="summary">${escapeHtml(f.summary ?? '')}</h1>
    <div class="section-title">Description</div>
    <div class="description" data-field="description">${escapeHtml(adfText(f.description).trim() || 'No description')}</div>
  </section>
  <section>
    <div class="details"><h3>Details</h3>${detailsHtml(issue)}</div>
    <div class="app-panel">
      <div><img src="/ui/issue-panel/zoho-crm.svg" width="18" height="18" alt=""> Zoho CRM</div>
      <iframe id="forge-issue-panel" title="Zoho CRM issue panel" src="${escapeHtml(panelSrc)}" data-min-height="200" style="height: 200px"></iframe>
    </div>
  </section>
</div>`,
    script: LIVE_SCRIPT(issue.key),
  });
}

export function issueJson(issue: ViewIssue) {
  return { key: issue.key, summary: issue.fields.summary ?? '', description: adfText(issue.fields.description).trim() || 'No description', detailsHtml: detailsHtml(issue) };
}
