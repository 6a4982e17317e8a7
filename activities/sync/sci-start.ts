// Where an SCI's life starts in Zoho's terms. Zoho's times are whole seconds and If-Modified-Since is
// exclusive, while the SCI row's createdAt has milliseconds: a record created in the same second as the SCI
// (an admin creating the SCI and then a Deal) must still count as new, and the first poll must see it.
import type { SmartConnectedItem } from '../../prisma/generated/client';

type Created = Pick<SmartConnectedItem, 'createdAt'>;

/** The SCI's creation second: records created from it on are new (auto-create), earlier ones existing (backfill). */
export function sciStartSecond(sci: Created): Date {
  return new Date(Math.floor(sci.createdAt.getTime() / 1000) * 1000);
}

/** The first poll's If-Modified-Since: the second before the creation second, so changes in it are included. */
export function firstPollSince(sci: Created): string {
  return new Date(sciStartSecond(sci).getTime() - 1000).toISOString();
}
