// Connected-state summary (F4): the mode, data center, automation and (App OAuth 2.0) the API domain.
import Lozenge from '@atlaskit/lozenge';
import { Inline, Stack } from '@atlaskit/primitives';
import type { Connection } from '../../../src/contract';
import { Card, Subtle } from '../shared/layout';

function stateLozenge(state: string) {
  if (state === 'CONNECTED') return <Lozenge appearance="success">Connected</Lozenge>;
  if (state === 'REAUTH_REQUIRED') return <Lozenge appearance="removed">Re-authentication required</Lozenge>;
  if (state === 'ERROR') return <Lozenge appearance="removed">Error</Lozenge>;
  return <Lozenge appearance="default">Not connected</Lozenge>;
}

export function SummaryCards({ connection }: { connection: Connection }) {
  return (
    <Stack space="space.100">
      <Inline space="space.200" shouldWrap testId="summary-cards">
        <Card title="Authentication mode" testId="card-mode">
          <Inline space="space.100" alignBlock="center">
            <strong>{connection.modeCard?.title ?? 'Not chosen yet'}</strong>
            {stateLozenge(connection.state)}
          </Inline>
        </Card>
        <Card title="Zoho CRM data center" testId="card-dc">
          <strong>
            {connection.dataCenter.label} ({connection.dataCenter.id.toUpperCase()})
          </strong>
        </Card>
        <Card title="Automation" testId="card-automation">
          <Inline>
            <Lozenge appearance={connection.automation.active ? 'success' : 'moved'}>{connection.automation.active ? 'Running' : 'Off'}</Lozenge>
          </Inline>
          <span>{connection.automation.description}</span>
        </Card>
        {connection.mode === 'APP_OAUTH' && (
          <Card title="API domain" testId="card-api-domain">
            {connection.apiDomain ? <code style={{ overflowWrap: 'anywhere' }}>{connection.apiDomain}</code> : <Subtle>Not connected yet</Subtle>}
          </Card>
        )}
      </Inline>
    </Stack>
  );
}
