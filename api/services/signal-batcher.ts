// Group commit for signals to one workflow. Temporal applies signals to one workflow execution one at a
// time (each is a history write under that execution's lock), so a burst of Jira events for one SCI would
// queue behind each other there. Instead, while a signal to a workflow is in flight, the events that
// arrive for it wait here and travel together in the next call. A lone event is sent at once (no added
// delay); each caller's promise settles with the call that carried its event, so "2xx" still means
// "Temporal has it".

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Lane<C, T> {
  context: C;
  items: T[];
  waiters: Waiter[];
  inFlight: boolean;
}

export class SignalBatcher<C, T> {
  private readonly lanes = new Map<string, Lane<C, T>>();

  /**
   * @param send delivers one batch to the workflow `key` (context: what the latest caller knew about it,
   *   e.g. the start options of a signal-with-start)
   * @param maxBatch events per call at most, so payloads stay far below Temporal's limits
   */
  constructor(
    private readonly send: (key: string, context: C, items: T[]) => Promise<void>,
    private readonly maxBatch = 100,
  ) {}

  submit(key: string, context: C, item: T): Promise<void> {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { context, items: [], waiters: [], inFlight: false };
      this.lanes.set(key, lane);
    }
    lane.context = context;
    const done = new Promise<void>((resolve, reject) => lane.waiters.push({ resolve, reject }));
    lane.items.push(item);
    if (!lane.inFlight) void this.drain(key, lane);
    return done;
  }

  /** Sends what the lane holds, batch after batch, until it is empty; then forgets the lane. */
  private async drain(key: string, lane: Lane<C, T>): Promise<void> {
    lane.inFlight = true;
    while (lane.items.length > 0) {
      const items = lane.items.splice(0, this.maxBatch);
      const waiters = lane.waiters.splice(0, items.length);
      try {
        await this.send(key, lane.context, items);
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
    }
    lane.inFlight = false;
    this.lanes.delete(key);
  }
}
