// F43: which of an issue's links through one SCI is primary (drives field sync, see
// activities/sync/secondary-links.ts). The database holds at most one primary per (SCI, issue) by a
// partial unique index (migration f43_many_links); these are the only writes that move it.
import type { Prisma, PrismaClient, RecordLink } from '../../prisma/generated/client';
import { isUniqueViolation } from '../../lib/db/errors';

type Db = Pick<PrismaClient, 'recordLink' | '$transaction'>;
type NewLink = Omit<Prisma.RecordLinkUncheckedCreateInput, 'primary'>;

/**
 * A new link of the issue: primary when the issue has no link through this SCI yet, else secondary. Two
 * concurrent first links race on the partial index; the loser is stored as secondary. A link that exists
 * already (same SCI, issue and record) is a unique violation the caller reports.
 */
export async function createLink(db: Db, data: NewLink): Promise<RecordLink> {
  const primary =
    (await db.recordLink.count({ where: { sciId: data.sciId, jiraIssueId: data.jiraIssueId, primary: true } })) === 0;
  try {
    return await db.recordLink.create({ data: { ...data, primary } });
  } catch (err) {
    if (!primary || !isUniqueViolation(err)) throw err;
    const same = await db.recordLink.count({
      where: { sciId: data.sciId, jiraIssueId: data.jiraIssueId, zohoRecordId: data.zohoRecordId },
    });
    if (same > 0) throw err;
    return db.recordLink.create({ data: { ...data, primary: false } });
  }
}

/** Makes the link its issue's primary link for its SCI; the former primary becomes secondary. */
export async function makePrimary(db: Db, link: Pick<RecordLink, 'id' | 'sciId' | 'jiraIssueId'>): Promise<void> {
  // The old primary is cleared first: the partial index allows no moment with two.
  await db.$transaction([
    db.recordLink.updateMany({
      where: { sciId: link.sciId, jiraIssueId: link.jiraIssueId, primary: true, NOT: { id: link.id } },
      data: { primary: false },
    }),
    db.recordLink.update({ where: { id: link.id }, data: { primary: true } }),
  ]);
}

/** Deletes the link; when it was primary, the oldest other link of the issue through that SCI becomes primary. */
export async function deleteLink(
  db: Db,
  link: Pick<RecordLink, 'id' | 'sciId' | 'jiraIssueId' | 'tenantId'>,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const gone = await tx.recordLink.deleteMany({ where: { id: link.id, tenantId: link.tenantId, primary: true } });
    if (gone.count === 0) {
      await tx.recordLink.deleteMany({ where: { id: link.id, tenantId: link.tenantId } });
      return;
    }
    const next = await tx.recordLink.findFirst({
      where: { sciId: link.sciId, jiraIssueId: link.jiraIssueId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    if (next) await tx.recordLink.update({ where: { id: next.id }, data: { primary: true } });
  });
}
