// Connected-state summary (F4): the mode, data center, automation and (App OAuth 2.0) the API domain and
// the notification channels that bring CRM changes within seconds (F33).
import Lozenge from '@atlaskit/lozenge';
import { Inline, Stack } from '@atlaskit/primitives';
import { useEffect } from 'react';
import type { Connection } from '../../../src/types';
import { useCall } from '../shared/hooks';
import { Card, formatTime, Subtle } from '../shared/layout';

/** Channels follow the items (a new module gets one within seconds): look again now and then. */
const REFRESH_MS = 10_000;

function RealtimeCard() {
  const channels = useCall('connection/channels', {});
  const c = channels.state.data;
  useEffect(() => {
    const timer = setInterval(() => void channels.reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [channels.reload]);
  return (
    <Card title="Real-time CRM changes" testId="card-realtime">
      {channels.state.status === 'error' && <Subtle>{channels.state.error.message}</Subtle>}
      {c && !c.enabled && <Subtle>Off in this deployment: changes arrive with the 5-minute poll.</Subtle>}
      {c?.enabled && c.channels.length === 0 && (
        <Subtle>{c.keeper?.skipped ?? c.keeper?.lastError ?? 'No channel yet: one is opened for each Zoho CRM module an item syncs.'}</Subtle>
      )}
      {c?.enabled &&
        c.channels.map((ch) => (
          <Stack key={ch.module} space="space.025" testId={`channel-${ch.module}`}>
            <Inline space="space.100" alignBlock="center">
              <Lozenge appearance={ch.state === 'ACTIVE' ? 'success' : 'moved'} maxWidth="none">
                {ch.state === 'ACTIVE' ? 'Live' : ch.state.toLowerCase()}
              </Lozenge>
              <span>{ch.module}</span>
            </Inline>
            <Subtle>renews before {formatTime(ch.expiresAt)}</Subtle>
          </Stack>
        ))}
      {c?.enabled && c.channels.length > 0 && c.keeper?.lastError && <Subtle>Last problem: {c.keeper.lastError}</Subtle>}
      {c?.enabled && <Subtle>The 5-minute poll still catches anything a notification missed.</Subtle>}
    </Card>
  );
}

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
        {connection.mode === 'APP_OAUTH' && connection.state === 'CONNECTED' && <RealtimeCard />}
      </Inline>
    </Stack>
  );
}
