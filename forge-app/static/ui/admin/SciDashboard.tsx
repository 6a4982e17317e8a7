// The Smart Connected Items dashboard (F7): one row per item with its mode, Jira scope, Zoho module,
// options, latest sync state, and the row actions.
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Lozenge from '@atlaskit/lozenge';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';
import { Inline, Stack } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import { useEffect, useState } from 'react';
import type { AuthMode, Sci } from '../../../src/types';
import { SYNC_MODE_LABELS } from '../shared/labels';
import { call, openExternal } from '../shared/api';
import { ErrorMessage } from '../shared/ErrorMessage';
import { useAction, useCall } from '../shared/hooks';
import { formatTime, Subtle } from '../shared/layout';
import { BackfillState } from './BackfillState';
import { OutcomeLozenge } from './OutcomeLozenge';
import { RunHistory } from './RunHistory';
import { SciEditor } from './SciEditor';

function optionsText(sci: Sci): string {
  const on = [
    sci.options.autoCreate && 'Auto-create',
    sci.options.statusSync && 'Status sync',
    sci.options.notesSync && 'CRM notes',
    sci.options.attachmentSync && 'Attachments',
    sci.options.backfill.mode === 'IMPORT' && 'Import existing',
    sci.options.backfill.mode === 'MATCH' && 'Match existing',
  ].filter(Boolean);
  return on.length ? on.join(', ') : 'None';
}

function SyncState({ sci }: { sci: Sci }) {
  if (sci.syncMode === 'DISPLAY') return <Subtle>No sync (Display)</Subtle>;
  if (!sci.enabled) return <Lozenge>Disabled</Lozenge>;
  if (sci.paused) return <Lozenge appearance="moved">Paused</Lozenge>;
  const run = sci.latestRun;
  const wf = sci.workflow;
  return (
    <Stack space="space.050">
      {wf?.state === 'blocked' && (
        <Inline space="space.100" alignBlock="center">
          <Lozenge appearance="removed">Blocked</Lozenge>
          {wf.lastError && <Subtle>{wf.lastError}</Subtle>}
        </Inline>
      )}
      {wf?.state === 'syncing' && <Lozenge appearance="inprogress">Syncing</Lozenge>}
      {sci.workflowQuery === 'unreachable' && <Subtle>Temporal did not answer; the state shown may be old.</Subtle>}
      {run ? (
        <>
          <Inline>
            <OutcomeLozenge outcome={run.outcome} />
          </Inline>
          <Subtle>{formatTime(run.endedAt ?? run.startedAt)}</Subtle>
          <Subtle>
            {run.recordsSeen} seen · {run.recordsChanged} changed · {run.recordsCreated} created
            {run.recordsSkipped ? ` · ${run.recordsSkipped} skipped` : ''}
            {run.errors.length ? ` · ${run.errors.length} errors` : ''}
          </Subtle>
          {run.errors[0] && <Subtle>{run.errors[0].message}</Subtle>}
        </>
      ) : (
        <Subtle>Waiting for the first run</Subtle>
      )}
      {wf?.retryingAt && (
        <Subtle>
          Zoho CRM or Jira is not answering; {wf.pendingEvents} change(s) wait and are retried on their own at {formatTime(wf.retryingAt)}.
        </Subtle>
      )}
      {wf && wf.parkedEvents > 0 && <Subtle>{wf.parkedEvents} parked events: see Run history.</Subtle>}
      {sci.options.backfill.mode !== 'NONE' && <BackfillState sci={sci} />}
    </Stack>
  );
}

/** "DEMO · Task" and module labels for the table, read from the same metadata the editor uses. */
function useLabels(scis: Sci[] | undefined) {
  const projects = useCall('metadata/jira-projects', {});
  const modules = useCall('metadata/zoho-modules', {});
  const [types, setTypes] = useState<Record<string, string>>({});
  const projectIds = [...new Set((scis ?? []).map((s) => s.jiraProjectId))].sort().join(',');
  useEffect(() => {
    let live = true;
    void (async () => {
      const found: Record<string, string> = {};
      for (const projectId of projectIds ? projectIds.split(',') : []) {
        try {
          for (const t of await call('metadata/jira-issue-types', { projectId })) found[`${projectId}/${t.id}`] = t.name;
        } catch {
          // The id stays on screen: labels are a nicety, not worth an error banner.
        }
      }
      if (live) setTypes(found);
    })();
    return () => {
      live = false;
    };
  }, [projectIds]);
  return {
    scope: (sci: Sci) => {
      const project = projects.state.data?.find((p) => p.id === sci.jiraProjectId);
      const type = sci.jiraIssueTypeId ? (types[`${sci.jiraProjectId}/${sci.jiraIssueTypeId}`] ?? `type ${sci.jiraIssueTypeId}`) : 'any type';
      return `${project ? `${project.name} (${project.key})` : sci.jiraProjectKey} · ${type}`;
    },
    module: (sci: Sci) => modules.state.data?.find((m) => m.apiName === sci.zohoModule)?.label ?? sci.zohoModule,
  };
}

export function SciDashboard({ mode }: { mode: AuthMode | null }) {
  const list = useCall('sci/list', {});
  const action = useAction();
  const [editing, setEditing] = useState<Sci | 'new' | null>(null);
  const [history, setHistory] = useState<Sci | null>(null);
  const [deleting, setDeleting] = useState<Sci | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const rowAction = (label: string, fn: () => Promise<unknown>, done?: string) =>
    action.run(label, async () => {
      await fn();
      setNotice(done ?? null);
      await list.reload();
    });

  const labels = useLabels(list.state.data);
  const rows = (list.state.data ?? []).map((sci) => ({
    key: sci.id,
    cells: [
      { key: 'name', content: <strong>{sci.name}</strong> },
      { key: 'mode', content: SYNC_MODE_LABELS[sci.syncMode] },
      { key: 'scope', content: labels.scope(sci) },
      { key: 'module', content: labels.module(sci) },
      { key: 'options', content: optionsText(sci) },
      { key: 'state', content: <SyncState sci={sci} /> },
      {
        key: 'actions',
        content: (
          <Inline space="space.050" shouldWrap>
            <Button spacing="compact" onClick={() => setEditing(sci)}>
              Edit
            </Button>
            {sci.syncMode !== 'DISPLAY' && (
              <>
                {!sci.paused ? (
                  <Button spacing="compact" onClick={() => void rowAction(`pause:${sci.id}`, () => call('sci/pause', { id: sci.id }), `${sci.name} is paused.`)}>
                    Pause
                  </Button>
                ) : (
                  <Button spacing="compact" onClick={() => void rowAction(`resume:${sci.id}`, () => call('sci/resume', { id: sci.id }), `${sci.name} is running again.`)}>
                    Resume
                  </Button>
                )}
                <Button
                  spacing="compact"
                  isDisabled={!sci.enabled || sci.paused}
                  isLoading={action.pending === `sync:${sci.id}`}
                  onClick={() => void rowAction(`sync:${sci.id}`, () => call('sci/sync-now', { id: sci.id }), `A sync of ${sci.name} has started.`)}
                >
                  Sync now
                </Button>
                <Button spacing="compact" onClick={() => setHistory(sci)}>
                  Run history
                </Button>
                {sci.temporalUiUrl && (
                  <Button spacing="compact" appearance="subtle" onClick={() => openExternal(sci.temporalUiUrl!)}>
                    Open in Temporal UI
                  </Button>
                )}
              </>
            )}
            <Button spacing="compact" appearance="subtle" onClick={() => setDeleting(sci)}>
              Delete
            </Button>
          </Inline>
        ),
      },
    ],
  }));

  return (
    <Stack space="space.200">
      <Inline spread="space-between" alignBlock="center">
        <Subtle>Each Smart Connected Item connects one Jira project and issue type with one Zoho CRM module.</Subtle>
        <Button appearance="primary" onClick={() => setEditing('new')}>
          Create Smart Connected Item
        </Button>
      </Inline>
      {notice && (
        <SectionMessage appearance="success">
          <p>{notice}</p>
        </SectionMessage>
      )}
      {action.error && <ErrorMessage error={action.error} />}
      {list.state.status === 'error' && <ErrorMessage error={list.state.error} title="Could not load Smart Connected Items" onRetry={() => void list.reload()} />}
      <DynamicTable
        testId="sci-table"
        head={{
          cells: [
            { key: 'name', width: 13, content: 'Name' },
            { key: 'mode', width: 7, content: 'Sync mode' },
            { key: 'scope', width: 14, content: 'Jira scope' },
            { key: 'module', width: 9, content: 'Zoho CRM module' },
            { key: 'options', width: 11, content: 'Options' },
            { key: 'state', width: 18, content: 'Latest sync' },
            { key: 'actions', width: 28, content: 'Actions' },
          ],
        }}
        rows={rows}
        isLoading={list.state.status === 'loading' && !list.state.data}
        emptyView={<Subtle>No Smart Connected Items yet. Create one to link Jira issues with Zoho CRM records.</Subtle>}
      />
      <ModalTransition>
        {editing && (
          <SciEditor
            mode={mode}
            existing={editing === 'new' ? null : editing}
            onClose={() => setEditing(null)}
            onSaved={(sci) => {
              setEditing(null);
              setNotice(`${sci.name} is saved.`);
              void list.reload();
            }}
          />
        )}
        {history && <RunHistory sci={history} onClose={() => setHistory(null)} />}
        {deleting && (
          <Modal onClose={() => setDeleting(null)}>
            <ModalHeader>
              <ModalTitle appearance="danger">Delete {deleting.name}?</ModalTitle>
            </ModalHeader>
            <ModalBody>
              <p>Its sync stops and its record links are removed. Jira issues and Zoho CRM records themselves are not deleted.</p>
            </ModalBody>
            <ModalFooter>
              <Button appearance="subtle" onClick={() => setDeleting(null)}>
                Cancel
              </Button>
              <Button
                appearance="danger"
                isLoading={action.pending === 'delete'}
                onClick={() =>
                  void rowAction('delete', async () => {
                    await call('sci/delete', { id: deleting.id });
                    setDeleting(null);
                  }, `${deleting.name} is deleted.`)
                }
              >
                Delete
              </Button>
            </ModalFooter>
          </Modal>
        )}
      </ModalTransition>
    </Stack>
  );
}
