// The conflict inbox (F48): every held conflict of the site. A 2 Way field whose conflict policy is "Ask"
// waits here when it changed in both Jira and Zoho CRM since it last synced; it syncs neither way until an
// admin keeps one of the two values.
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import { Stack } from '@atlaskit/primitives';
import { call } from '../shared/api';
import { ConflictList } from '../shared/ConflictList';
import { ErrorMessage } from '../shared/ErrorMessage';
import { useAction, useCall } from '../shared/hooks';

export function ConflictsTab() {
  const list = useCall('conflicts/list', {});
  const action = useAction();
  const conflicts = list.state.data;
  if (!conflicts) {
    if (list.state.status === 'error') return <ErrorMessage error={list.state.error} title="Could not load the conflicts" onRetry={() => void list.reload()} />;
    return <Spinner label="Loading the conflicts" />;
  }
  return (
    <Stack space="space.200">
      {action.error && <ErrorMessage error={action.error} title="The conflict was not resolved" />}
      {conflicts.length === 0 ? (
        <SectionMessage appearance="success" title="No conflicts">
          <p>Fields changed in both Jira and Zoho CRM wait here when their conflict policy is &quot;Ask&quot;.</p>
        </SectionMessage>
      ) : (
        <ConflictList
          conflicts={conflicts}
          pending={action.pending}
          showIssue
          onResolve={(c, keep) =>
            void action.run(`resolve:${c.id}`, async () => {
              await call('conflicts/resolve', { conflictId: c.id, keep });
              list.setData(conflicts.filter((x) => x.id !== c.id));
            })
          }
        />
      )}
    </Stack>
  );
}
