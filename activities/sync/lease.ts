// One sync at a time per SCI. Temporal can start a retry while an attempt it timed out still runs on some
// worker (a stalled process, a partition): two executions applying the same changes could each create an
// issue or a comment. The SCI row carries a lease, taken with a conditional UPDATE and renewed on a timer
// while the activity runs; an execution that loses it stops at its next checkpoint, and one that cannot take
// it asks Temporal to retry once the holder's lease has run out.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { PrismaClient } from '../../prisma/generated/client';
import { throwIfCancelled } from '../activity-context';
import { FAILURE } from '../../workflows/failures';

export const SCI_SYNC_BUSY = FAILURE.SciSyncBusy;
export const SCI_SYNC_SUPERSEDED = FAILURE.SciSyncSuperseded;

/** Lease length; renewed every third of it, so only a dead or hung holder lets it run out. */
const LEASE_MS = 15_000;

export class SciLease {
  private lost = false;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly prisma: PrismaClient,
    private readonly sciId: string,
    readonly owner: string,
  ) {}

  /** Takes the SCI's lease, or fails retryably with a delay until the current holder's lease ends. */
  static async acquire(prisma: PrismaClient, tenantId: string, sciId: string): Promise<SciLease> {
    const owner = randomUUID();
    const now = new Date();
    const taken = await prisma.smartConnectedItem.updateMany({
      where: { id: sciId, tenantId, OR: [{ syncLeaseOwner: null }, { syncLeaseUntil: null }, { syncLeaseUntil: { lt: now } }] },
      data: { syncLeaseOwner: owner, syncLeaseUntil: new Date(now.getTime() + LEASE_MS) },
    });
    if (taken.count === 0) {
      const row = await prisma.smartConnectedItem.findFirst({ where: { id: sciId, tenantId }, select: { syncLeaseUntil: true } });
      if (!row) return new SciLease(prisma, sciId, owner); // gone: the caller finds that out and reports it
      const wait = Math.max(1000, (row.syncLeaseUntil?.getTime() ?? now.getTime()) - now.getTime() + 250);
      throw ApplicationFailure.create({
        type: SCI_SYNC_BUSY,
        message: 'Another attempt is still syncing this Smart Connected Item; this one waits for it to finish.',
        nextRetryDelay: Math.min(wait, LEASE_MS + 1000),
      });
    }
    const lease = new SciLease(prisma, sciId, owner);
    lease.timer = setInterval(() => void lease.renew(), LEASE_MS / 3);
    lease.timer.unref();
    return lease;
  }

  private async renew(): Promise<void> {
    try {
      const kept = await this.prisma.smartConnectedItem.updateMany({
        where: { id: this.sciId, syncLeaseOwner: this.owner },
        data: { syncLeaseUntil: new Date(Date.now() + LEASE_MS) },
      });
      if (kept.count === 0) this.lost = true;
    } catch {
      // a database hiccup: the next renewal tries again; the lease is long enough for one miss
    }
  }

  /** Throws when this execution must stop: Temporal cancelled it, or another execution holds the SCI now. */
  check(): void {
    throwIfCancelled();
    if (this.lost) {
      throw ApplicationFailure.create({
        type: SCI_SYNC_SUPERSEDED,
        // Retryable: normally Temporal has already given up on this attempt; if not, a retry takes the lease.
        message: 'Another attempt took over this Smart Connected Item; this one stopped.',
      });
    }
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.prisma.smartConnectedItem
      .updateMany({ where: { id: this.sciId, syncLeaseOwner: this.owner }, data: { syncLeaseOwner: null, syncLeaseUntil: null } })
      .catch(() => undefined);
  }
}
