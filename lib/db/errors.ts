// What a database failure means, in one place: Prisma's error codes for the constraint violations the
// product relies on (unique keys make creates exactly-once; foreign keys keep rows inside their tenant).
import { Prisma } from '../../prisma/generated/client';

/** A unique constraint refused the row: someone (a concurrent request, an earlier attempt) wrote it first. */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

/**
 * A foreign key refused the row: what it points at (an SCI, a tenant) was deleted meanwhile. A raw query
 * reports it as P2010 carrying the driver adapter's error (kind ForeignKeyConstraintViolation, SQLSTATE 23503).
 */
export function isForeignKeyViolation(err: unknown): boolean {
  if (!(err instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (err.code === 'P2003') return true;
  const cause = (err.meta as { driverAdapterError?: { cause?: { kind?: unknown } } } | undefined)?.driverAdapterError?.cause;
  return err.code === 'P2010' && cause?.kind === 'ForeignKeyConstraintViolation';
}
