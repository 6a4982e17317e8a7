// The health badge in a linked card's header (F46): in sync, syncing, failed, or outside the SCI's rules
// (F40, from the card), with the time of the last sync.
import Lozenge from '@atlaskit/lozenge';
import { Inline } from '@atlaskit/primitives';
import type { LinkHealthState } from '../../../src/types';
import { formatTime, Subtle } from '../shared/layout';

type Badge = LinkHealthState['state'] | 'outside_rules';

const LOOK: Record<Badge, { text: string; appearance: 'success' | 'inprogress' | 'removed' | 'moved' }> = {
  in_sync: { text: 'In sync', appearance: 'success' },
  syncing: { text: 'Syncing', appearance: 'inprogress' },
  failed: { text: 'Sync failed', appearance: 'removed' },
  outside_rules: { text: 'Outside rules', appearance: 'moved' },
};

export function SyncHealth({ health, outsideRules }: { health: LinkHealthState | undefined; outsideRules: boolean }) {
  if (!health) return null;
  // Outside the rules nothing syncs, so that says more than the last sync's outcome.
  const badge: Badge = outsideRules ? 'outside_rules' : health.state;
  return (
    <Inline space="space.050" alignBlock="center" testId="sync-health">
      <Lozenge appearance={LOOK[badge].appearance}>{LOOK[badge].text}</Lozenge>
      {health.lastSyncedAt && <Subtle>{formatTime(health.lastSyncedAt)}</Subtle>}
    </Inline>
  );
}
