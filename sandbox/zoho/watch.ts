// Watch channels and their callbacks: when records change, every live channel subscribed to that module
// and event gets a real HTTP POST to its notify_url carrying its channel token (reference §6). Delivery
// can be made late (delayMs), reordered (jitterMs), lossy (dropRate) or silent for a while (silenceForMs).
import { z } from 'zod';
import { moduleId, type RecordChange } from './store';

export const notificationDeliverySchema = z
  .object({
    /** Every callback is sent this long after the write. */
    delayMs: z.number().int().min(0).max(3_600_000),
    /** Plus a random 0..jitterMs each, so callbacks overtake one another. */
    jitterMs: z.number().int().min(0).max(3_600_000),
    /** Share (0..1) of callbacks never sent. */
    dropRate: z.number().min(0).max(1),
    /** From now, for this long, channels send nothing (callbacks of writes in the window are lost); 0 ends a silence. */
    silenceForMs: z.number().int().min(0),
  })
  .partial();
export type NotificationDeliveryInput = z.input<typeof notificationDeliverySchema>;

export interface NotificationDelivery {
  delayMs: number;
  jitterMs: number;
  dropRate: number;
  /** ISO time the current silence ends, or null. */
  silentUntil: string | null;
}

export interface Channel {
  channel_id: string;
  events: string[];
  notify_url: string;
  token: string | null;
  expiresMs: number;
  return_affected_field_values: boolean;
  notify_on_related_action: boolean;
}

export interface Delivery {
  channel_id: string;
  notify_url: string;
  module: string;
  operation: 'insert' | 'update' | 'delete';
  ids: string[];
  at: string;
  status: number | null;
  error: string | null;
  /** Why it was never sent (sandbox delivery settings), if it was not. */
  dropped?: 'dropRate' | 'silence' | 'closed';
  /** When it is (or was) due, when delivery is delayed. */
  dueAt?: string;
}

const OPERATION = { create: 'insert', edit: 'update', delete: 'delete' } as const;
const MAX_DELIVERY_LOG = 500;

export class WatchHub {
  readonly channels = new Map<string, Channel>();
  readonly deliveries: Delivery[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private readonly aborter = new AbortController();
  private delayMs = 0;
  private jitterMs = 0;
  private dropRate = 0;
  private silentUntilMs: number | undefined;

  constructor(
    private readonly now: () => number,
    /** The API-domain URL of the org's DC, for resource_uri. */
    private readonly resourceBase: () => string,
    private readonly timeoutMs = 10_000,
    /** Dice for dropRate and jitter (tests can make them deterministic). */
    private readonly random: () => number = Math.random,
  ) {}

  /** Changes the given delivery settings (others stay); returns them all. */
  setDelivery(input: NotificationDeliveryInput): NotificationDelivery {
    const d = notificationDeliverySchema.parse(input);
    if (d.delayMs !== undefined) this.delayMs = d.delayMs;
    if (d.jitterMs !== undefined) this.jitterMs = d.jitterMs;
    if (d.dropRate !== undefined) this.dropRate = d.dropRate;
    if (d.silenceForMs !== undefined) this.silentUntilMs = d.silenceForMs > 0 ? this.now() + d.silenceForMs : undefined;
    return this.delivery();
  }

  delivery(): NotificationDelivery {
    if (this.silentUntilMs !== undefined && this.silentUntilMs <= this.now()) this.silentUntilMs = undefined;
    return {
      delayMs: this.delayMs,
      jitterMs: this.jitterMs,
      dropRate: this.dropRate,
      silentUntil: this.silentUntilMs === undefined ? null : new Date(this.silentUntilMs).toISOString(),
    };
  }

  /** Back to prompt, complete delivery. */
  resetDelivery(): void {
    this.delayMs = this.jitterMs = this.dropRate = 0;
    this.silentUntilMs = undefined;
  }

  live(): Channel[] {
    const t = this.now();
    for (const [id, c] of this.channels) if (c.expiresMs <= t) this.channels.delete(id);
    return [...this.channels.values()];
  }

  /** Fires callbacks for one write call: one POST per channel per module and operation, ids batched. */
  emit(changes: readonly RecordChange[]): void {
    if (changes.length === 0) return;
    const groups = new Map<string, RecordChange[]>();
    for (const c of changes) {
      const key = `${c.module}|${c.kind}`;
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    for (const channel of this.live()) {
      for (const group of groups.values()) {
        const { module, kind } = group[0]!;
        const wanted = channel.events.some((e) => e === `${module}.all` || e === `${module}.${kind}`);
        if (!wanted) continue;
        this.deliver(channel, module, kind, group);
      }
    }
  }

  private deliver(channel: Channel, module: string, kind: RecordChange['kind'], group: RecordChange[]): void {
    const operation = OPERATION[kind];
    let queryParams: Record<string, string> = {};
    try {
      queryParams = Object.fromEntries(new URL(channel.notify_url).searchParams);
    } catch {
      /* validated on subscribe */
    }
    const payload = {
      server_time: this.now(),
      query_params: queryParams,
      module,
      // Zoho still reports /crm/v2 here for newer API versions (reference §6).
      resource_uri: `${this.resourceBase()}/crm/v2/${module}`,
      ids: group.map((c) => c.id),
      affected_fields: operation === 'update' ? group.map((c) => ({ [c.id]: c.changedFields })) : [],
      ...(channel.return_affected_field_values && operation !== 'delete'
        ? { affected_values: group.map((c) => ({ record_id: c.id, values: c.values })) }
        : {}),
      operation,
      channel_id: channel.channel_id,
      token: channel.token,
    };
    const entry: Delivery = {
      channel_id: channel.channel_id,
      notify_url: channel.notify_url,
      module,
      operation,
      ids: payload.ids,
      at: new Date(this.now()).toISOString(),
      status: null,
      error: null,
    };
    this.deliveries.push(entry);
    if (this.deliveries.length > MAX_DELIVERY_LOG) this.deliveries.splice(0, this.deliveries.length - MAX_DELIVERY_LOG);
    const settings = this.delivery();
    if (settings.silentUntil !== null) {
      entry.dropped = 'silence';
      return;
    }
    if (this.dropRate > 0 && this.random() < this.dropRate) {
      entry.dropped = 'dropRate';
      return;
    }
    const delay = this.delayMs + (this.jitterMs > 0 ? Math.floor(this.random() * (this.jitterMs + 1)) : 0);
    const body = JSON.stringify(payload);
    if (delay <= 0) {
      this.send(channel.notify_url, body, entry);
      return;
    }
    entry.dueAt = new Date(this.now() + delay).toISOString();
    // A waiting callback is pending too: settle() waits for it; close() cancels it.
    const p = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.send(channel.notify_url, body, entry);
        resolve();
      }, delay);
      this.timers.set(timer, () => {
        clearTimeout(timer);
        entry.dropped = 'closed';
        resolve();
      });
    }).finally(() => {
      this.pending.delete(p);
    });
    this.pending.add(p);
  }

  private send(url: string, body: string, entry: Delivery): void {
    if (this.aborter.signal.aborted) {
      entry.dropped = 'closed';
      return;
    }
    const signal = AbortSignal.any([this.aborter.signal, AbortSignal.timeout(this.timeoutMs)]);
    const p = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal,
    })
      .then(async (res) => {
        entry.status = res.status;
        await res.body?.cancel();
      })
      .catch((e: unknown) => {
        entry.error = e instanceof Error ? e.message : 'delivery failed';
      })
      .finally(() => {
        this.pending.delete(p);
      });
    this.pending.add(p);
  }

  /** Waits for in-flight and delayed callbacks (tests), including those their delivery starts. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Cancels delayed callbacks and aborts in-flight ones. */
  async close(): Promise<void> {
    this.aborter.abort();
    for (const cancel of [...this.timers.values()]) cancel();
    this.timers.clear();
    await this.settle();
  }

  resourceFor(module: string): { resource_uri: string; resource_id: string; resource_name: string } {
    return { resource_uri: `${this.resourceBase()}/crm/v2/${module}`, resource_id: moduleId(module), resource_name: module };
  }
}
