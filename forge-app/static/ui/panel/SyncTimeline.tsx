// The issue's "CRM sync" timeline (F46): every sync in and out, newest first, with the fields it changed
// (old → new), the notes and attachments that went with it, the run it belonged to and its outcome; a
// failure shows its reason and, for a user who may retry, Retry.
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Box, Inline, Stack, xcss } from '@atlaskit/primitives';
import type { Timeline, TimelineItem } from '../../../src/types';
import { formatTime, Subtle } from '../shared/layout';

const entryStyle = xcss({
  borderBlockStartColor: 'color.border',
  borderBlockStartStyle: 'solid',
  borderBlockStartWidth: 'border.width',
  paddingBlockStart: 'space.100',
});

const DIRECTION: Record<TimelineItem['direction'], string> = {
  ZOHO_TO_JIRA: 'Zoho CRM → Jira',
  JIRA_TO_ZOHO: 'Jira → Zoho CRM',
};

interface Props {
  timeline: Timeline;
  pending: string | null;
  onRetry: (linkId: string) => void;
}

function Entry({
  entry,
  canRetry,
  pending,
  onRetry,
}: {
  entry: TimelineItem;
  canRetry: boolean;
  pending: string | null;
  onRetry: (linkId: string) => void;
}) {
  const failed = entry.outcome === 'FAILED';
  return (
    <Box xcss={entryStyle} testId="timeline-entry">
      <Stack space="space.050">
        <Inline space="space.100" alignBlock="center" shouldWrap>
          <Lozenge appearance={failed ? 'removed' : 'success'}>{failed ? 'Failed' : 'Synced'}</Lozenge>
          <strong data-testid="timeline-direction">{DIRECTION[entry.direction]}</strong>
          <Subtle>
            {formatTime(entry.at)} · {entry.sciName}
            {entry.runId ? ` · run ${entry.runId.slice(-8)}` : ''}
          </Subtle>
        </Inline>
        {entry.changes.map((c, i) => (
          <span key={i} data-testid="timeline-change">
            {c.field}: {c.from ?? '—'} → {c.to ?? '—'}
          </span>
        ))}
        {entry.items.map((item, i) => (
          <Subtle key={`i-${i}`}>{item}</Subtle>
        ))}
        {failed && entry.reason && <span data-testid="timeline-reason">{entry.reason}</span>}
        {failed && canRetry && (
          <Inline>
            <Button onClick={() => onRetry(entry.linkId)} isLoading={pending === `retry:${entry.linkId}`}>
              Retry
            </Button>
          </Inline>
        )}
      </Stack>
    </Box>
  );
}

export function SyncTimeline({ timeline, pending, onRetry }: Props) {
  // Retry is offered on the newest failure of a link, and only while that link is still failing.
  const failing = new Set(timeline.health.filter((h) => h.state === 'failed').map((h) => h.linkId));
  const newestFailure = new Map<string, string>();
  for (const e of timeline.entries)
    if (e.outcome === 'FAILED' && !newestFailure.has(e.linkId)) newestFailure.set(e.linkId, e.id);
  return (
    <Stack space="space.100" testId="sync-timeline">
      <Heading size="xsmall" as="h3">
        CRM sync
      </Heading>
      {timeline.entries.length === 0 && <Subtle>Nothing synced yet for this issue.</Subtle>}
      {timeline.entries.map((e) => (
        <Entry
          key={e.id}
          entry={e}
          canRetry={timeline.canRetry && failing.has(e.linkId) && newestFailure.get(e.linkId) === e.id}
          pending={pending}
          onRetry={onRetry}
        />
      ))}
    </Stack>
  );
}
