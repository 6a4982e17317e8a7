import SectionMessage, { SectionMessageAction } from '@atlaskit/section-message';
import type { ResolverError } from '../../../src/types';

/** A failure in words, with the fields a form got wrong listed under it. */
export function ErrorMessage({ error, title, onRetry }: { error: ResolverError; title?: string; onRetry?: () => void }) {
  return (
    <SectionMessage
      appearance="error"
      title={title ?? 'Something needs attention'}
      actions={onRetry ? [<SectionMessageAction key="retry" onClick={onRetry}>Try again</SectionMessageAction>] : []}
    >
      <p>{error.message}</p>
      {error.problems && error.problems.length > 0 && (
        <ul>
          {error.problems.map((p) => (
            <li key={`${p.path}:${p.message}`}>
              {p.path ? <code>{p.path}</code> : null} {p.message}
            </li>
          ))}
        </ul>
      )}
    </SectionMessage>
  );
}
