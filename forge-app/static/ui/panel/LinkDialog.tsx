// "Link a Zoho CRM record" (F23, F27): search by name/title or take a record ID, pick the Smart Connected
// Item when several cover this issue, and link the chosen record.
import Button from '@atlaskit/button/new';
import { Label } from '@atlaskit/form';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle } from '@atlaskit/modal-dialog';
import { Box, Inline, Stack, xcss } from '@atlaskit/primitives';
import { RadioGroup } from '@atlaskit/radio';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import { useState } from 'react';
import type { LinkCard, PanelSci, RecordHit } from '../../../src/types';
import { call, CallError } from '../shared/api';
import { ErrorMessage } from '../shared/ErrorMessage';
import { useAction } from '../shared/hooks';
import { Subtle } from '../shared/layout';

const hitStyle = xcss({
  borderColor: 'color.border',
  borderStyle: 'solid',
  borderWidth: 'border.width',
  borderRadius: 'radius.small',
  padding: 'space.100',
});

/** A record linked to another issue can be linked here too (F43); only a link to this issue is offered no more. */
export function LinkDialog({
  scis,
  issueKey,
  onClose,
  onLinked,
}: {
  scis: PanelSci[];
  issueKey: string;
  onClose: () => void;
  onLinked: (card: LinkCard) => void;
}) {
  const [sciId, setSciId] = useState(scis[0]?.id ?? '');
  const [by, setBy] = useState<'name' | 'id'>('name');
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<RecordHit[] | null>(null);
  const action = useAction();
  const sciOpts = scis.map((s) => ({ value: s.id, label: `${s.name} (${s.zohoModule})` }));

  const search = () =>
    action.run('search', async () => {
      if (by === 'id' && !/^\d{1,30}$/.test(query.trim())) {
        throw new CallError({ code: 'INVALID_INPUT', message: 'A Zoho CRM record ID is the long number at the end of the record\'s URL in Zoho CRM.' });
      }
      setHits(await call('panel/search', { sciId, query: query.trim() }));
    });
  const link = (recordId: string) =>
    action.run(`link:${recordId}`, async () => {
      onLinked(await call('panel/link', { sciId, recordId }));
    });

  return (
    <Modal onClose={onClose} testId="link-dialog">
      <ModalHeader>
        <ModalTitle>Link a Zoho CRM record</ModalTitle>
      </ModalHeader>
      <ModalBody>
        <Stack space="space.200">
          {scis.length > 1 && (
            <Stack space="space.050">
              <Label htmlFor="link-sci">Smart Connected Item</Label>
              <Select inputId="link-sci" options={sciOpts} value={sciOpts.find((o) => o.value === sciId) ?? null} onChange={(o) => o && (setSciId(o.value), setHits(null))} />
              <Subtle>Several Smart Connected Items cover this issue; choose which one the link belongs to.</Subtle>
            </Stack>
          )}
          <RadioGroup
            name="search-by"
            value={by}
            options={[
              { name: 'search-by', value: 'name', label: 'Search by name or title' },
              { name: 'search-by', value: 'id', label: 'Enter a record ID' },
            ]}
            onChange={(e) => {
              setBy(e.currentTarget.value as 'name' | 'id');
              setHits(null);
            }}
          />
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void search();
            }}
          >
            <Inline space="space.100" alignBlock="end">
              <Box xcss={xcss({ flexGrow: 1 })}>
                <Label htmlFor="link-query">{by === 'name' ? 'Name or title' : 'Zoho CRM record ID'}</Label>
                <Textfield id="link-query" value={query} onChange={(e) => setQuery(e.currentTarget.value)} placeholder={by === 'name' ? 'e.g. Acme' : 'e.g. 5725767000000418001'} />
              </Box>
              <Button type="submit" appearance="primary" isDisabled={query.trim() === '' || !sciId} isLoading={action.pending === 'search'}>
                {by === 'name' ? 'Search' : 'Find record'}
              </Button>
            </Inline>
          </form>
          {action.error && <ErrorMessage error={action.error} />}
          {hits && hits.length === 0 && <Subtle>No Zoho CRM record matches. Check the spelling or try a record ID.</Subtle>}
          {hits && hits.length > 0 && (
            <Stack space="space.100" testId="search-results">
              {hits.map((h) => (
                <Box key={h.recordId} xcss={hitStyle}>
                  <Inline spread="space-between" alignBlock="center">
                    <Stack space="space.050">
                      <strong>{h.name ?? `${h.zohoModule} record`}</strong>
                      <Subtle>Record ID {h.recordId}</Subtle>
                      {h.previewFields.slice(0, 4).map((f) => (
                        <Subtle key={f.apiName}>
                          {f.label}: {f.value ?? '—'}
                        </Subtle>
                      ))}
                      {h.linkedIssueKey && <Subtle>Already linked to {h.linkedIssueKey}</Subtle>}
                    </Stack>
                    <Button onClick={() => void link(h.recordId)} isDisabled={h.linkedIssueKey === issueKey} isLoading={action.pending === `link:${h.recordId}`}>
                      Link
                    </Button>
                  </Inline>
                </Box>
              ))}
            </Stack>
          )}
        </Stack>
      </ModalBody>
      <ModalFooter>
        <Button appearance="subtle" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
