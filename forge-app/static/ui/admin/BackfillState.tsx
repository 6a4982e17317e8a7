// Backfill of one item on the dashboard (F34): a progress bar while it runs (polled every two seconds),
// the outcome after, and the actions to run it again or stop it.
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import ProgressBar from '@atlaskit/progress-bar';
import { Inline, Stack } from '@atlaskit/primitives';
import { useEffect } from 'react';
import type { Backfill, Sci } from '../../../src/types';
import { call, openExternal } from '../shared/api';
import { ErrorMessage } from '../shared/ErrorMessage';
import { useAction, useCall } from '../shared/hooks';
import { formatTime, Subtle } from '../shared/layout';

const ACTIVE: readonly string[] = ['starting', 'running', 'paused-budget', 'retrying'];
const POLL_MS = 2000;

function describe(p: NonNullable<Backfill['progress']>): string {
  const verb = p.mode === 'MATCH' ? 'Matching' : 'Importing';
  const of = p.total !== null ? ` of ${p.total.toLocaleString()}` : '';
  const counts = [p.created && `${p.created.toLocaleString()} created`, p.linked && `${p.linked.toLocaleString()} linked`, p.skipped && `${p.skipped.toLocaleString()} skipped`, p.failed && `${p.failed.toLocaleString()} failed`]
    .filter(Boolean)
    .join(' · ');
  if (ACTIVE.includes(p.phase)) return `${verb} existing records: ${p.done.toLocaleString()}${of}${p.rate ? ` (${p.rate}/s)` : ''}${counts ? ` · ${counts}` : ''}`;
  return `${p.done.toLocaleString()} records looked at${counts ? ` · ${counts}` : ''}`;
}

function PhaseLozenge({ phase }: { phase: string }) {
  if (phase === 'succeeded') return <Lozenge appearance="success">Backfill done</Lozenge>;
  if (phase === 'failed') return <Lozenge appearance="removed">Backfill failed</Lozenge>;
  if (phase === 'cancelled') return <Lozenge>Backfill stopped</Lozenge>;
  if (phase === 'paused-budget') return <Lozenge appearance="moved">Backfill waiting for API budget</Lozenge>;
  if (phase === 'retrying') return <Lozenge appearance="moved">Backfill retrying</Lozenge>;
  return <Lozenge appearance="inprogress">Backfill running</Lozenge>;
}

export function BackfillState({ sci }: { sci: Sci }) {
  const state = useCall('sci/backfill', { id: sci.id }, [sci.id]);
  const action = useAction();
  const b = state.state.data;
  const p = b?.progress ?? null;
  const active = p !== null && ACTIVE.includes(p.phase);

  useEffect(() => {
    if (!active) return;
    const timer = setTimeout(() => void state.reload(), POLL_MS);
    return () => clearTimeout(timer);
  }, [active, p?.done, p?.phase]);

  if (!b || (b.configuredMode === 'NONE' && !p)) return null;
  const run = (label: string, key: 'sci/start-backfill' | 'sci/cancel-backfill') =>
    void action.run(label, async () => state.setData(await call(key, { id: sci.id })));

  return (
    <Stack space="space.050" testId={`backfill-${sci.id}`}>
      {p ? (
        <>
          <Inline>
            <PhaseLozenge phase={p.phase} />
          </Inline>
          {active && <ProgressBar ariaLabel={`Backfill of ${sci.name}`} value={p.total ? Math.min(1, p.done / p.total) : 0} isIndeterminate={!p.total} />}
          <Subtle>{describe(p)}</Subtle>
          {p.phase === 'paused-budget' && p.resumesAt && <Subtle>Looks again at {formatTime(p.resumesAt)}.</Subtle>}
          {p.lastError && !active && <Subtle>{p.lastError}</Subtle>}
        </>
      ) : (
        <Subtle>Backfill not run yet.</Subtle>
      )}
      <Inline space="space.050" shouldWrap>
        {active ? (
          <Button spacing="compact" isLoading={action.pending === 'cancel'} onClick={() => run('cancel', 'sci/cancel-backfill')}>
            Stop backfill
          </Button>
        ) : (
          b.configuredMode !== 'NONE' && (
            <Button spacing="compact" isDisabled={!sci.enabled} isLoading={action.pending === 'start'} onClick={() => run('start', 'sci/start-backfill')}>
              {p ? 'Run backfill again' : 'Run backfill'}
            </Button>
          )
        )}
        {b.temporalUiUrl && p && (
          <Button spacing="compact" appearance="subtle" onClick={() => openExternal(b.temporalUiUrl!)}>
            Backfill in Temporal UI
          </Button>
        )}
      </Inline>
      {action.error && <ErrorMessage error={action.error} />}
    </Stack>
  );
}
