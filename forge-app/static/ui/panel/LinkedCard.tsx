// A linked record (F24, F25): record ID, preview fields, Open in Zoho, Refresh, and Unlink for manual links.
// Auto-managed links are read-only: they say so instead of offering Unlink.
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import { Box, Grid, Inline, Stack, xcss } from '@atlaskit/primitives';
import Heading from '@atlaskit/heading';
import type { LinkCard, LinkHealthState } from '../../../src/types';
import { openExternal } from '../shared/api';
import { formatTime, Subtle } from '../shared/layout';
import { RelatedRecords } from './RelatedRecords';
import { SyncHealth } from './SyncHealth';

const card = xcss({
  borderColor: 'color.border',
  borderStyle: 'solid',
  borderWidth: 'border.width',
  borderRadius: 'radius.medium',
  padding: 'space.200',
});

interface Props {
  link: LinkCard;
  /** F46: the link's sync state from the timeline read (absent while it loads). */
  health?: LinkHealthState | undefined;
  pending: string | null;
  onRefresh: () => void;
  onUnlink: () => void;
  /** F43: offered on a secondary link; the primary link is the one that drives field sync. */
  onMakePrimary: () => void;
}

export function LinkedCard({ link, health, pending, onRefresh, onUnlink, onMakePrimary }: Props) {
  const auto = link.managed === 'AUTO';
  return (
    <Box xcss={card} testId="linked-card">
      <Stack space="space.150">
        <Inline spread="space-between" alignBlock="center">
          <Heading size="small" as="h2">
            {link.recordName ?? (link.recordFound === false ? 'Record not found in Zoho CRM' : `${link.zohoModule} record`)}
          </Heading>
          <Inline space="space.100" alignBlock="center">
            {link.primary && (
              <Lozenge appearance="success" testId="primary-lozenge">
                Primary
              </Lozenge>
            )}
            <SyncHealth health={health} outsideRules={link.outsideRules !== null} />
            <Lozenge appearance={auto ? 'inprogress' : 'default'}>{auto ? 'Auto-managed' : 'Manual link'}</Lozenge>
          </Inline>
        </Inline>
        <Subtle>
          {link.zohoModule} · Record ID <span data-testid="record-id">{link.zohoRecordId}</span> · {link.sciName}
        </Subtle>
        {link.recordFound === false && <Subtle>The record was deleted in Zoho CRM or this account cannot see it.</Subtle>}
        {link.outsideRules && (
          <Inline space="space.100" alignBlock="center" testId="outside-rules">
            <Lozenge appearance="moved">Outside this SCI's rules</Lozenge>
            <Subtle>{link.outsideRules.replace(/^Outside this SCI's rules: /, '')}</Subtle>
          </Inline>
        )}
        {link.previewFields.length > 0 && (
          <Grid templateColumns="minmax(100px, 1fr) 2fr" gap="space.050" testId="preview-fields">
            {link.previewFields.map((f) => [
              <Subtle key={`l-${f.apiName}`}>{f.label}</Subtle>,
              <span key={`v-${f.apiName}`}>{f.value === null || f.value === '' ? '—' : f.value}</span>,
            ])}
          </Grid>
        )}
        <Inline space="space.100" shouldWrap alignBlock="center">
          {link.openUrl && <Button onClick={() => openExternal(link.openUrl!)}>Open in Zoho</Button>}
          <Button onClick={onRefresh} isLoading={pending === `refresh:${link.id}`}>
            Refresh
          </Button>
          {!link.primary && (
            <Button onClick={onMakePrimary} isLoading={pending === `primary:${link.id}`}>
              Make primary
            </Button>
          )}
          {link.canUnlink && (
            <Button appearance="subtle" onClick={onUnlink} isLoading={pending === `unlink:${link.id}`}>
              Unlink
            </Button>
          )}
        </Inline>
        <Subtle>
          {auto ? 'Linked automatically by the connector; this link is read-only. ' : ''}
          {link.primary || link.syncMode === 'DISPLAY' ? '' : 'Fields sync through the primary link only. '}
          {link.lastSyncedAt ? `Last synced ${formatTime(link.lastSyncedAt)}.` : ''}
        </Subtle>
        <RelatedRecords linkId={link.id} related={link.related} />
      </Stack>
    </Box>
  );
}
