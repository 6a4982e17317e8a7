// Run history of one SCI (F22): every poll and event run with its counts and errors, and the ways out of a
// failure: retry parked events, resync one link, resync the whole item.
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle } from '@atlaskit/modal-dialog';
import { Stack } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import { useState } from 'react';
import type { Sci, SyncRun } from '../../../src/types';
import { call } from '../shared/api';
import { ErrorMessage } from '../shared/ErrorMessage';
import { useAction, useCall } from '../shared/hooks';
import { formatTime, Subtle } from '../shared/layout';
import { OutcomeLozenge } from './OutcomeLozenge';

export function RunHistory({ sci, onClose }: { sci: Sci; onClose: () => void }) {
  const runs = useCall('sci/runs', { id: sci.id }, [sci.id]);
  // Run errors name the record; "resync this record" needs its link, so the links are read once.
  const links = useCall('sci/links', { id: sci.id }, [sci.id]);
  // How long history is kept (RUN_HISTORY_RETENTION_DAYS), from the connection summary.
  const connection = useCall('connection/get', {}, []);
  const retentionDays = connection.state.data?.historyRetentionDays;
  const linkOf = (recordId: string | undefined) => (recordId ? links.state.data?.find((l) => l.zohoRecordId === recordId) : undefined);
  const [more, setMore] = useState<SyncRun[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const action = useAction();

  const all = [...(runs.state.data?.runs ?? []), ...more];
  const next = cursor === undefined ? (runs.state.data?.nextCursor ?? null) : cursor;

  const loadMore = () =>
    action.run('more', async () => {
      if (!next) return;
      const page = await call('sci/runs', { id: sci.id, cursor: next });
      setMore((m) => [...m, ...page.runs]);
      setCursor(page.nextCursor);
    });
  const act = (label: string, fn: () => Promise<unknown>, done: string) =>
    action.run(label, async () => {
      await fn();
      setNotice(done);
    });

  const rows = all.map((run) => ({
    key: run.id,
    cells: [
      { key: 'started', content: formatTime(run.startedAt) },
      { key: 'trigger', content: run.kind.toLowerCase() },
      { key: 'outcome', content: <OutcomeLozenge outcome={run.outcome} /> },
      { key: 'counts', content: `${run.recordsSeen} seen · ${run.recordsChanged} changed · ${run.recordsCreated} created · ${run.recordsSkipped} skipped` },
      {
        key: 'errors',
        content:
          run.errors.length === 0 ? (
            <Subtle>None</Subtle>
          ) : (
            <Stack space="space.050">
              {run.errors.map((e, i) => {
                const link = linkOf(e.recordId);
                return (
                  <div key={i}>
                    {e.message}
                    {e.recordId ? <Subtle>Record {e.recordId}{link ? ` · ${link.jiraIssueKey}` : ''}</Subtle> : null}
                    {link ? (
                      <Button spacing="compact" onClick={() => void act('link', () => call('sci/resync-link', { id: sci.id, linkId: link.id }), `${link.jiraIssueKey} will be synced again.`)}>
                        Resync this record
                      </Button>
                    ) : null}
                  </div>
                );
              })}
            </Stack>
          ),
      },
    ],
  }));

  return (
    <Modal onClose={onClose} width="x-large" testId="run-history">
      <ModalHeader>
        <ModalTitle>Run history · {sci.name}</ModalTitle>
      </ModalHeader>
      <ModalBody>
        <Stack space="space.200">
          {notice && (
            <SectionMessage appearance="success">
              <p>{notice}</p>
            </SectionMessage>
          )}
          {action.error && <ErrorMessage error={action.error} />}
          {runs.state.status === 'error' && <ErrorMessage error={runs.state.error} onRetry={() => void runs.reload()} />}
          <DynamicTable
            head={{
              cells: [
                { key: 'started', content: 'Started' },
                { key: 'trigger', content: 'Trigger' },
                { key: 'outcome', content: 'Outcome' },
                { key: 'counts', content: 'Records' },
                { key: 'errors', content: 'Errors' },
              ],
            }}
            rows={rows}
            isLoading={runs.state.status === 'loading'}
            emptyView={<Subtle>No runs yet. The first one starts within a few seconds of creating the item.</Subtle>}
          />
          {retentionDays ? <Subtle>Sync history is kept for {retentionDays} days.</Subtle> : null}
          {next && (
            <Button onClick={() => void loadMore()} isLoading={action.pending === 'more'}>
              Load older runs
            </Button>
          )}
        </Stack>
      </ModalBody>
      <ModalFooter>
        <Button onClick={() => void act('parked', () => call('sci/retry-parked', { id: sci.id }), 'Parked events are being retried.')} isLoading={action.pending === 'parked'}>
          Retry parked events
        </Button>
        <Button onClick={() => void act('resync', () => call('sci/resync', { id: sci.id }), 'A full resync of this item has started.')} isLoading={action.pending === 'resync'}>
          Resync all records
        </Button>
        <Button appearance="primary" onClick={onClose}>
          Close
        </Button>
      </ModalFooter>
    </Modal>
  );
}
