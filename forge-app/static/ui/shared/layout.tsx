// Small layout pieces built only from Atlaskit primitives and design tokens, so the screens follow Jira's
// theme (light or dark) without colours of their own.
import { Box, Inline, Stack, xcss } from '@atlaskit/primitives';
import Heading from '@atlaskit/heading';
import type { ReactNode } from 'react';

const cardStyle = xcss({
  borderColor: 'color.border',
  borderStyle: 'solid',
  borderWidth: 'border.width',
  borderRadius: 'radius.medium',
  padding: 'space.200',
  backgroundColor: 'elevation.surface.raised',
  boxShadow: 'elevation.shadow.raised',
  minWidth: '180px',
  flexGrow: 1,
  flexBasis: '0',
});

export function Card({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <Box xcss={cardStyle} {...(testId ? { testId } : {})}>
      <Stack space="space.100">
        <Heading size="xxsmall" as="h3">
          {title}
        </Heading>
        {children}
      </Stack>
    </Box>
  );
}

const subtle = xcss({ color: 'color.text.subtlest', font: 'font.body.small' });
export function Subtle({ children }: { children: ReactNode }) {
  return <Box xcss={subtle}>{children}</Box>;
}

export function Row({ children, space = 'space.100' }: { children: ReactNode; space?: 'space.050' | 'space.100' | 'space.200' }) {
  return (
    <Inline space={space} alignBlock="center" shouldWrap>
      {children}
    </Inline>
  );
}

const pageStyle = xcss({ padding: 'space.300', maxWidth: '1200px' });
export function Page({ children }: { children: ReactNode }) {
  return (
    <Box xcss={pageStyle}>
      <Stack space="space.300">{children}</Stack>
    </Box>
  );
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
