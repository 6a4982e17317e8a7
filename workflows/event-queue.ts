// The SCI's event queue rules, shared by the workflow (which holds the head of the queue) and the activities
// (which hold the rest in the database). Pure: no I/O, deterministic, safe in workflow code.
import type { PendingEvent } from './messages';

/**
 * What an event changes, so newer events replace older ones for the same thing: the sync re-reads the issue
 * or record when it applies an event, so only the latest update per issue or record matters, while comments
 * and attachments are copied one by one (by id).
 */
export function eventKey(p: PendingEvent): string {
  if (p.source === 'zoho') return `zoho:record:${p.event.recordIds.join(',')}`;
  const e = p.event;
  if (e.kind === 'comment_created') return `jira:comment:${e.commentId ?? e.eventId}`;
  if (e.kind === 'attachment_created') return `jira:attachment:${e.attachmentId ?? e.eventId}`;
  return `jira:issue:${e.issueId}`;
}

/** A Zoho notification names many records; queued, each record is its own event (coalesced per record). */
export function splitEvent(p: PendingEvent): PendingEvent[] {
  if (p.source === 'jira' || p.event.recordIds.length <= 1) return [p];
  return p.event.recordIds.map((id) => ({ source: 'zoho', event: { ...p.event, recordIds: [id] } }));
}

/**
 * The event that stands for both when two share a key: the later one (Jira: by its change time). A
 * redelivery of the queued event itself changes nothing, so a batch being applied still counts it as done.
 */
export function newer(a: PendingEvent, b: PendingEvent): PendingEvent {
  if (a.source === 'jira' && b.source === 'jira') {
    if (a.event.eventId === b.event.eventId) return a;
    return Date.parse(b.event.occurredAt) >= Date.parse(a.event.occurredAt) ? b : a;
  }
  if (a.source === 'zoho' && b.source === 'zoho' && a.event.channelId === b.event.channelId && a.event.receivedAt === b.event.receivedAt) return a;
  return b;
}

/**
 * An ordered, coalesced queue: one entry per key, first-come order, a newer event replacing the entry for its
 * key in place. Lives in workflow state, so it stays a plain array underneath (carried by continue-as-new).
 */
export class CoalescingQueue {
  private readonly index = new Map<string, number>();

  constructor(readonly items: PendingEvent[]) {
    this.reindex();
  }

  get length(): number {
    return this.items.length;
  }

  has(p: PendingEvent): boolean {
    return this.index.has(eventKey(p));
  }

  /** Adds or coalesces; false when the event is new and the queue is at `cap` (the caller stores it elsewhere). */
  offer(p: PendingEvent, cap: number): boolean {
    const key = eventKey(p);
    const at = this.index.get(key);
    if (at !== undefined) {
      this.items[at] = newer(this.items[at]!, p);
      return true;
    }
    if (this.items.length >= cap) return false;
    this.index.set(key, this.items.length);
    this.items.push(p);
    return true;
  }

  head(n: number): PendingEvent[] {
    return this.items.slice(0, n);
  }

  /** Removes the given events, unless a newer event replaced one of them meanwhile (that one stays queued). */
  remove(done: readonly PendingEvent[]): void {
    const doneSet = new Set(done);
    let w = 0;
    for (const item of this.items) if (!doneSet.has(item)) this.items[w++] = item;
    this.items.length = w;
    this.reindex();
  }

  private reindex(): void {
    this.index.clear();
    this.items.forEach((p, i) => this.index.set(eventKey(p), i));
  }
}
