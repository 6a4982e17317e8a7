// Backfill of an SCI (F34) as the admin page sees it: start (with the SCI's configured mode), progress
// (live from the workflow while it runs, from its BackfillRun row after), cancel. The SCI's create route
// starts one itself when the definition asks for it (./sci-writes.ts).
import type { BackfillDto } from '../../contracts/scis';
import { definitionOf } from '../../lib/sci/definition';
import type { SmartConnectedItem } from '../../prisma/generated/client';
import type { AppDeps } from '../deps';
import { conflict, wrapTemporal } from './api-errors';
import { sciRef } from './sci-automation';

type Deps = Pick<AppDeps, 'prisma' | 'workflows'>;

export async function describeBackfill(deps: Deps, sci: SmartConnectedItem): Promise<BackfillDto> {
  let progress;
  try {
    progress = await deps.workflows.backfillProgress(deps.prisma, sci);
  } catch (err) {
    throw wrapTemporal(err, 'The backfill state could not be read.');
  }
  return {
    configuredMode: definitionOf(sci).options.backfill.mode,
    // The route's response schema keeps only the fields above (ids and the generation counter stay behind).
    progress: progress ?? null,
    temporalUiUrl: deps.workflows.backfillUiUrl(sci) ?? null,
  };
}

/** Whether the SCI can run a backfill now; the reason when not. */
function refusal(sci: SmartConnectedItem): string | undefined {
  if (sci.syncMode === 'DISPLAY') return 'Display items do not sync: there is nothing to backfill.';
  if (!sci.enabled) return 'This Smart Connected Item is disabled: enable it first.';
  if (definitionOf(sci).options.backfill.mode === 'NONE') return 'Choose a backfill mode (import or match) in the item first.';
  return undefined;
}

/** Starts the configured backfill, or finds the one running (a second click never starts two). */
export async function runBackfill(deps: Deps, sci: SmartConnectedItem): Promise<BackfillDto> {
  const why = refusal(sci);
  if (why) throw conflict(why);
  try {
    await deps.workflows.startBackfill(sciRef(sci));
  } catch (err) {
    throw wrapTemporal(err, 'No backfill was started.');
  }
  return describeBackfill(deps, sci);
}

export async function stopBackfill(deps: Deps, sci: SmartConnectedItem): Promise<BackfillDto> {
  try {
    await deps.workflows.cancelBackfill(sci);
  } catch (err) {
    throw wrapTemporal(err, 'The backfill goes on.');
  }
  return describeBackfill(deps, sci);
}
