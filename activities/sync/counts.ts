// Per-run tallies, shared by every step of a run and written to the run history at the end (F22).
import type { RunCounts } from '../types';

export class RunTally implements RunCounts {
  recordsSeen = 0;
  changed = 0;
  created = 0;
  skipped = 0;
  errors: string[] = [];

  /** Record-level problems are listed (bounded) and never stop the rest of the run. */
  error(message: string): void {
    if (this.errors.length < 50) this.errors.push(message);
    else if (this.errors.length === 50) this.errors.push('… further errors omitted');
  }

  toJSON(): RunCounts {
    return { recordsSeen: this.recordsSeen, changed: this.changed, created: this.created, skipped: this.skipped, errors: this.errors };
  }
}
