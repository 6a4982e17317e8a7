// Run history of one SCI (F22): newest first, in pages with an opaque cursor.
import { z } from 'zod';
import type { SmartConnectedItem, SyncRun } from '../../prisma/generated/client';
import type { AppDeps } from '../deps';
import { ApiError } from './api-errors';
import { runToDto } from './sci-dto';

const cursorSchema = z.object({ t: z.iso.datetime(), id: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/) });

export function encodeRunCursor(run: SyncRun): string {
  return Buffer.from(JSON.stringify({ t: run.startedAt.toISOString(), id: run.id })).toString('base64url');
}

function decodeRunCursor(cursor: string): { t: Date; id: string } {
  try {
    const parsed = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { t: new Date(parsed.t), id: parsed.id };
  } catch {
    throw new ApiError(400, 'The cursor is not one this API returned: load the run history again from its first page.', 'VALIDATION_FAILED');
  }
}

/** Newest first, keyset-paged on (startedAt, id) so new runs arriving between pages never shift them. */
export async function listRuns(deps: Pick<AppDeps, 'prisma'>, sci: SmartConnectedItem, opts: { limit: number; cursor?: string | undefined }) {
  const after = opts.cursor ? decodeRunCursor(opts.cursor) : undefined;
  const runs = await deps.prisma.syncRun.findMany({
    where: {
      tenantId: sci.tenantId,
      sciId: sci.id,
      ...(after ? { OR: [{ startedAt: { lt: after.t } }, { startedAt: after.t, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    take: opts.limit + 1,
  });
  const page = runs.slice(0, opts.limit);
  const last = page.at(-1);
  return { runs: page.map(runToDto), nextCursor: runs.length > opts.limit && last ? encodeRunCursor(last) : null };
}
