// Jira's search index, made as slow as the real one when asked: JQL search sees a write (create, edit,
// transition, comment, attachment, issue property, delete) only `lagMs` after it happened, while reads by
// id stay immediate. With a lag, every write logs a snapshot of the issue with its write time; a search at
// time t evaluates JQL on the newest snapshot written at or before t − lag (none yet: the issue is not
// found at all; a deletion snapshot: it is still found until the deletion is indexed). Lag 0 (the default)
// keeps no log and searches the live issues.

/** What the index keeps of an issue (the store's SimIssue): the parts that later in-place edits change. */
export interface IndexableIssue {
  id: string;
  values: Record<string, unknown>;
  properties: Map<string, unknown>;
  changelog: unknown[];
  comments: object[];
  attachments: unknown[];
}

interface IndexedVersion<I> {
  /** Write time (epoch ms). */
  at: number;
  /** The issue as written, or null for a deletion. */
  issue: I | null;
}

/** A copy detached from later in-place edits (values, properties and the lists JQL or rendering read). */
function snapshot<I extends IndexableIssue>(issue: I): I {
  return {
    ...issue,
    values: structuredClone(issue.values),
    properties: new Map([...issue.properties].map(([k, v]) => [k, structuredClone(v)])),
    changelog: [...issue.changelog],
    comments: issue.comments.map((c) => ({ ...c })),
    attachments: [...issue.attachments],
  };
}

export class SearchIndex<SimIssue extends IndexableIssue> {
  private lag = 0;
  private readonly log = new Map<string, IndexedVersion<SimIssue>[]>();

  constructor(private readonly clock: () => number = Date.now) {}

  get lagMs(): number {
    return this.lag;
  }

  get active(): boolean {
    return this.lag > 0;
  }

  /**
   * Changes the lag. Turning it on indexes every current issue as already searchable; turning it off drops
   * the log (search reads the live issues again). Changing a non-zero lag applies to writes already logged.
   */
  setLag(ms: number, current: Iterable<SimIssue>): void {
    const next = Math.max(0, Math.floor(ms));
    if (next > 0 && this.lag === 0) this.reindexAll(current);
    if (next === 0) this.log.clear();
    this.lag = next;
  }

  /** Everything searchable at once (after a reset to seed data). */
  reindexAll(current: Iterable<SimIssue>): void {
    this.log.clear();
    for (const issue of current) this.log.set(issue.id, [{ at: Number.NEGATIVE_INFINITY, issue: snapshot(issue) }]);
  }

  /** Records the issue as it is now (call after every write). No-op without a lag. */
  written(issue: SimIssue): void {
    if (!this.active) return;
    this.push(issue.id, { at: this.clock(), issue: snapshot(issue) });
  }

  /** Records a deletion. No-op without a lag. */
  deleted(issue: SimIssue): void {
    if (!this.active) return;
    this.push(issue.id, { at: this.clock(), issue: null });
  }

  private push(id: string, version: IndexedVersion<SimIssue>): void {
    const versions = this.log.get(id) ?? [];
    versions.push(version);
    this.log.set(id, this.prune(versions, this.clock()));
  }

  /** Drops versions superseded by a newer version that is already searchable. */
  private prune(versions: IndexedVersion<SimIssue>[], now: number): IndexedVersion<SimIssue>[] {
    let newestVisible = -1;
    for (let i = 0; i < versions.length; i++) if (versions[i]!.at + this.lag <= now) newestVisible = i;
    return newestVisible > 0 ? versions.slice(newestVisible) : versions;
  }

  /** The version of one issue search sees at `now`: undefined when not (or no longer) searchable. */
  indexed(id: string, now: number = this.clock()): SimIssue | undefined {
    const versions = this.log.get(id);
    if (!versions) return undefined;
    let found: IndexedVersion<SimIssue> | undefined;
    for (const v of versions) if (v.at + this.lag <= now) found = v;
    return found?.issue ?? undefined;
  }

  /** Every issue as search sees it at `now`. */
  visible(now: number = this.clock()): SimIssue[] {
    const out: SimIssue[] = [];
    for (const [id, versions] of this.log) {
      const pruned = this.prune(versions, now);
      if (pruned !== versions) this.log.set(id, pruned);
      const issue = this.indexed(id, now);
      if (issue) out.push(issue);
      else if (pruned.length === 1 && pruned[0]!.issue === null && pruned[0]!.at + this.lag <= now) this.log.delete(id);
    }
    return out;
  }
}
