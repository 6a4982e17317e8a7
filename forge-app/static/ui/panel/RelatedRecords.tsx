// Related records of a linked card (F42): what the record points at through the SCI's lookup fields (a
// Deal's Account, Contact and Owner), each with its own preview fields, Open in Zoho and Refresh.
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import { Box, Grid, Inline, Stack, xcss } from '@atlaskit/primitives';
import { useEffect, useState } from 'react';
import type { LinkCard } from '../../../src/types';
import { call, openExternal } from '../shared/api';
import { ErrorMessage } from '../shared/ErrorMessage';
import { useAction } from '../shared/hooks';
import { Subtle } from '../shared/layout';

type Related = LinkCard['related'][number];

const box = xcss({
  borderColor: 'color.border',
  borderStyle: 'solid',
  borderWidth: 'border.width',
  borderRadius: 'radius.small',
  padding: 'space.100',
});

function RelatedCard({ item, pending, onRefresh }: { item: Related; pending: boolean; onRefresh: () => void }) {
  return (
    <Box xcss={box} testId={`related-card-${item.lookupField}`}>
      <Stack space="space.075">
        <Inline spread="space-between" alignBlock="center">
          <Heading size="xxsmall" as="h3">
            {item.label}: {item.recordName ?? '—'}
          </Heading>
          <Subtle>{item.module === 'users' ? 'User' : item.module}</Subtle>
        </Inline>
        {item.message && <Subtle>{item.message}</Subtle>}
        {item.previewFields.length > 0 && item.recordId && (
          <Grid templateColumns="minmax(100px, 1fr) 2fr" gap="space.050" testId="related-preview-fields">
            {item.previewFields.map((f) => [
              <Subtle key={`l-${f.apiName}`}>{f.label}</Subtle>,
              <span key={`v-${f.apiName}`}>{f.value === null || f.value === '' ? '—' : f.value}</span>,
            ])}
          </Grid>
        )}
        {item.recordId && (
          <Inline space="space.100" alignBlock="center">
            {item.openUrl && (
              <Button spacing="compact" onClick={() => openExternal(item.openUrl!)}>
                Open in Zoho
              </Button>
            )}
            <Button spacing="compact" onClick={onRefresh} isLoading={pending}>
              Refresh
            </Button>
          </Inline>
        )}
      </Stack>
    </Box>
  );
}

export function RelatedRecords({ linkId, related }: { linkId: string; related: Related[] }) {
  const [items, setItems] = useState(related);
  const action = useAction();
  useEffect(() => setItems(related), [related]);
  if (items.length === 0) return null;
  return (
    <Stack space="space.100" testId="related-records">
      <Subtle>Related records</Subtle>
      {action.error && <ErrorMessage error={action.error} />}
      {items.map((item) => (
        <RelatedCard
          key={item.lookupField}
          item={item}
          pending={action.pending === `related:${item.lookupField}`}
          onRefresh={() =>
            void action.run(`related:${item.lookupField}`, async () => {
              const fresh = await call('panel/refresh-related', { linkId, lookupField: item.lookupField });
              setItems((list) => list.map((r) => (r.lookupField === fresh.lookupField ? fresh : r)));
            })
          }
        />
      ))}
    </Stack>
  );
}
