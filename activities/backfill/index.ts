// The backfill activities (F34) as Temporal sees them: names shown in the UI, bodies mapped onto retry
// semantics by `classified` like every other activity.
import { classified } from '../errors';
import type { BackfillRunner } from './runner';
import type { BackfillBeginInput, BackfillBeginResult, BackfillFinishInput, BackfillPagesInput, BackfillPagesResult } from './types';

export function backfillActivities(runner: BackfillRunner | undefined) {
  const need = (): BackfillRunner => {
    if (!runner) throw new Error('This worker was built without backfill support.');
    return runner;
  };
  return {
    'backfill.begin': (input: BackfillBeginInput): Promise<BackfillBeginResult> => classified(() => need().begin(input)),
    'backfill.runPages': (input: BackfillPagesInput): Promise<BackfillPagesResult> => classified(() => need().runPages(input)),
    'backfill.finish': (input: BackfillFinishInput): Promise<void> => classified(() => need().finish(input)),
  };
}

export { BackfillRunner, BACKFILL_SUPERSEDED } from './runner';
export type * from './types';
