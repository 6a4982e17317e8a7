// Held conflicts (F48), as the admin page's Conflicts tab and the issue panel show them: the field, both
// values with who changed each and when, and a button per side to keep that value. Keeping a value writes
// it to the other side.
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import type { Conflict } from '../../../src/types';
import { formatTime, Subtle } from './layout';

function Side({ title, side }: { title: string; side: Conflict['zoho'] }) {
  return (
    <Stack space="space.050">
      <Subtle>{title}</Subtle>
      <Text weight="bold">{side.display}</Text>
      <Subtle>
        {side.changedBy ? `Changed by ${side.changedBy}` : 'Changed'}
        {side.changedAt ? ` · ${formatTime(side.changedAt)}` : ''}
      </Subtle>
    </Stack>
  );
}

export function ConflictList({
  conflicts,
  pending,
  showIssue,
  onResolve,
}: {
  conflicts: Conflict[];
  pending: string | null;
  /** The admin inbox names the item and the issue; the panel is already on the issue. */
  showIssue: boolean;
  onResolve: (conflict: Conflict, keep: 'zoho' | 'jira') => void;
}) {
  return (
    <Stack space="space.200">
      {conflicts.map((c) => (
        <Box key={c.id} testId={`conflict-${c.id}`} padding="space.150" backgroundColor="color.background.warning">
          <Stack space="space.100">
            <Inline space="space.100" alignBlock="center">
              <Lozenge appearance="moved">Conflict</Lozenge>
              <Text weight="bold">{c.fieldLabel}</Text>
              {showIssue && (
                <Subtle>
                  {c.issueKey} · {c.sciName}
                </Subtle>
              )}
            </Inline>
            <Inline space="space.400">
              <Side title="Zoho CRM" side={c.zoho} />
              <Side title="Jira" side={c.jira} />
            </Inline>
            <Inline space="space.100">
              <Button isDisabled={pending !== null} onClick={() => onResolve(c, 'zoho')}>
                Keep the Zoho CRM value
              </Button>
              <Button isDisabled={pending !== null} onClick={() => onResolve(c, 'jira')}>
                Keep the Jira value
              </Button>
            </Inline>
          </Stack>
        </Box>
      ))}
    </Stack>
  );
}
