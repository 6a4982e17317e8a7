// What one backfill page did with its records; added to the BackfillRun row when the page is committed.
export class PageTally {
  created = 0;
  linked = 0;
  skipped = 0;
  failed = 0;
  errors: string[] = [];

  fail(message: string): void {
    this.failed += 1;
    this.note(message);
  }

  /** Problems are listed (bounded) and never stop the rest of the page. */
  note(message: string): void {
    if (this.errors.length < 20) this.errors.push(message);
  }

  done(): number {
    return this.created + this.linked + this.skipped + this.failed;
  }
}
