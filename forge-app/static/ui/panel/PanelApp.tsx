// The Jira issue panel: the linked record(s), or the way to link one, or the sign-in a user needs (F23–F27).
import Button from '@atlaskit/button/new';
import SectionMessage, { SectionMessageAction } from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import { Box, Inline, Stack } from '@atlaskit/primitives';
import { ModalTransition } from '@atlaskit/modal-dialog';
import { useEffect, useState } from 'react';
import type { Panel } from '../../../src/types';
import { call, openExternal } from '../shared/api';
import { ErrorMessage } from '../shared/ErrorMessage';
import { useAction, useCall } from '../shared/hooks';
import { Subtle } from '../shared/layout';
import { ConflictList } from '../shared/ConflictList';
import { CreateRecordDialog } from './CreateRecordDialog';
import { LinkDialog } from './LinkDialog';
import { LinkedCard } from './LinkedCard';
import { SyncTimeline } from './SyncTimeline';

function SignInNeeded({ panel, onReload }: { panel: Panel; onReload: () => void }) {
  const action = useAction();
  const [started, setStarted] = useState(false);
  if (panel.state === 'login_required') {
    const signIn = () =>
      action.run('sign-in', async () => {
        const { authorizationUrl } = await call('connection/start-sign-in', {});
        openExternal(authorizationUrl);
        setStarted(true);
      });
    return (
      <Stack space="space.100">
        <SectionMessage
          appearance="warning"
          title="Zoho CRM login required"
          actions={[
            <SectionMessageAction key="sign-in" onClick={() => void signIn()}>
              Sign in to Zoho CRM
            </SectionMessageAction>,
            ...(started ? [<SectionMessageAction key="done" onClick={onReload}>I have signed in</SectionMessageAction>] : []),
          ]}
        >
          <p>{panel.message ?? 'Sign in with your own Zoho CRM account to see and link records.'}</p>
        </SectionMessage>
        {action.error && <ErrorMessage error={action.error} />}
      </Stack>
    );
  }
  const title = panel.state === 'reauth_required' ? 'Zoho CRM re-authentication required' : 'Zoho CRM authentication required';
  return (
    <SectionMessage appearance="warning" title={title}>
      <p>{panel.message ?? 'A Jira admin needs to finish connecting Zoho CRM in the app’s admin page.'}</p>
    </SectionMessage>
  );
}

export function PanelApp() {
  const panel = useCall('panel/get', {});
  const conflicts = useCall('panel/conflicts', {});
  const timeline = useCall('panel/timeline', {});
  const action = useAction();
  // While a link is syncing (after a retry or refresh), look again until the sync has happened.
  const syncing = timeline.state.data?.health.some((h) => h.state === 'syncing') ?? false;
  useEffect(() => {
    if (!syncing) return;
    const timer = setTimeout(() => void timeline.reload(), 3000);
    return () => clearTimeout(timer);
  }, [syncing, timeline.state.data]);
  const [linking, setLinking] = useState(false);
  const [creating, setCreating] = useState(false);
  const p = panel.state.data;

  if (!p) {
    if (panel.state.status === 'error') return <ErrorMessage error={panel.state.error} title="Could not load the Zoho CRM panel" onRetry={() => void panel.reload()} />;
    return <Spinner label="Loading Zoho CRM" />;
  }
  if (p.state !== 'ok') return <SignInNeeded panel={p} onReload={() => void panel.reload()} />;
  // Display items only show records linked by hand (seed: "Manual link only ... with no sync").
  const creatable = p.scis.filter((s) => s.syncMode !== 'DISPLAY');

  return (
    <Box padding="space.050">
      <Stack space="space.200">
        {panel.state.status === 'error' && <ErrorMessage error={panel.state.error} onRetry={() => void panel.reload()} />}
        {action.error && <ErrorMessage error={action.error} />}
        {conflicts.state.status === 'error' && <ErrorMessage error={conflicts.state.error} title="Could not load the held conflicts" onRetry={() => void conflicts.reload()} />}
        {(conflicts.state.data?.length ?? 0) > 0 && (
          <Stack space="space.100">
            <Subtle>These fields changed in both Jira and Zoho CRM and wait for a choice: keeping a value writes it to the other side.</Subtle>
            <ConflictList
              conflicts={conflicts.state.data ?? []}
              pending={action.pending}
              showIssue={false}
              onResolve={(c, keep) =>
                void action.run(`resolve:${c.id}`, async () => {
                  await call('panel/resolve-conflict', { conflictId: c.id, keep });
                  conflicts.setData((conflicts.state.data ?? []).filter((x) => x.id !== c.id));
                  await panel.reload();
                })
              }
            />
          </Stack>
        )}
        {p.links.map((link) => (
          <LinkedCard
            key={link.id}
            link={link}
            health={timeline.state.data?.health.find((h) => h.linkId === link.id)}
            pending={action.pending}
            onRefresh={() =>
              void action.run(`refresh:${link.id}`, async () => {
                const fresh = await call('panel/refresh', { linkId: link.id });
                panel.setData({ ...p, links: p.links.map((l) => (l.id === fresh.id ? fresh : l)) });
                void timeline.reload();
              })
            }
            onUnlink={() =>
              void action.run(`unlink:${link.id}`, async () => {
                await call('panel/unlink', { linkId: link.id });
                // Unlinking a primary link may promote another (F43): read the panel again.
                await panel.reload();
              })
            }
            onMakePrimary={() =>
              void action.run(`primary:${link.id}`, async () => {
                panel.setData(await call('panel/make-primary', { linkId: link.id }));
              })
            }
          />
        ))}
        {p.links.length > 0 && p.scis.length > 0 && (
          <Inline space="space.100">
            <Button onClick={() => setLinking(true)}>Link another record</Button>
          </Inline>
        )}
        {p.links.length > 0 && timeline.state.data && (
          <SyncTimeline
            timeline={timeline.state.data}
            pending={action.pending}
            onRetry={(linkId) =>
              void action.run(`retry:${linkId}`, async () => {
                await call('panel/retry', { linkId });
                await timeline.reload();
              })
            }
          />
        )}
        {p.links.length > 0 && timeline.state.status === 'error' && <ErrorMessage error={timeline.state.error} title="Could not load the CRM sync timeline" onRetry={() => void timeline.reload()} />}
        {p.links.length === 0 &&
          (p.scis.length === 0 ? (
            <SectionMessage appearance="information" title="No Smart Connected Item covers this issue">
              <p>Ask a Jira admin to create a Smart Connected Item for this project and issue type in the Zoho CRM Connector admin page.</p>
            </SectionMessage>
          ) : (
            <Stack space="space.100">
              <Subtle>No Zoho CRM record is linked to {p.issue.key} yet.</Subtle>
              <Inline space="space.100">
                <Button appearance="primary" onClick={() => setLinking(true)}>
                  Link a Zoho CRM record
                </Button>
                <Button onClick={() => setCreating(true)} isDisabled={creatable.length === 0}>
                  Create a Zoho CRM record
                </Button>
              </Inline>
              {creatable.length === 0 && (
                <Subtle>
                  Creating a record needs a 1 Way or 2 Way Smart Connected Item: the Display items covering this issue only show records linked by hand.
                </Subtle>
              )}
            </Stack>
          ))}
      </Stack>
      <ModalTransition>
        {linking && (
          <LinkDialog
            scis={p.scis}
            issueKey={p.issue.key}
            onClose={() => setLinking(false)}
            onLinked={(card) => {
              setLinking(false);
              // Primary first, as the panel lists them (F43).
              const links = [...p.links.filter((l) => l.id !== card.id), card];
              panel.setData({ ...p, links: [...links.filter((l) => l.primary), ...links.filter((l) => !l.primary)] });
            }}
          />
        )}
        {creating && (
          <CreateRecordDialog
            scis={creatable}
            onClose={() => setCreating(false)}
            onCreated={(card) => {
              setCreating(false);
              panel.setData({ ...p, links: [...p.links.filter((l) => l.id !== card.id), card] });
            }}
          />
        )}
      </ModalTransition>
    </Box>
  );
}
