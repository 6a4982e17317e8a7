// Watch channels and their callbacks: when records change, every live channel subscribed to that module
// and event gets a real HTTP POST to its notify_url carrying its channel token (reference §6).
import { moduleId, type RecordChange } from './store';

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
}

const OPERATION = { create: 'insert', edit: 'update', delete: 'delete' } as const;
const MAX_DELIVERY_LOG = 500;

export class WatchHub {
  readonly channels = new Map<string, Channel>();
  readonly deliveries: Delivery[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly aborter = new AbortController();

  constructor(
    private readonly now: () => number,
    /** The API-domain URL of the org's DC, for resource_uri. */
    private readonly resourceBase: () => string,
    private readonly timeoutMs = 10_000,
  ) {}

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
    const signal = AbortSignal.any([this.aborter.signal, AbortSignal.timeout(this.timeoutMs)]);
    const p = fetch(channel.notify_url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
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

  /** Waits for in-flight callbacks (tests), or aborts them on close. */
  async settle(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  async close(): Promise<void> {
    this.aborter.abort();
    await this.settle();
  }

  resourceFor(module: string): { resource_uri: string; resource_id: string; resource_name: string } {
    return { resource_uri: `${this.resourceBase()}/crm/v2/${module}`, resource_id: moduleId(module), resource_name: module };
  }
}
