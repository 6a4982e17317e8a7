// The part of the test and bench stacks that is the same for both: Zoho connected and SCIs created the way
// an admin does it, through the API (App OAuth 2.0 grant code at /connection/app-oauth, POST /scis, which
// validates against live metadata and starts the workflow), and waiting on what the workflows report.
// The adapters (test/support/sync-stack.ts, bench/stack.ts) say how the API is reached and where the
// worker runs.
import type { Client } from '@temporalio/client';
import { ZOHO_APP_SCOPES } from '../../clients/zoho';
import type { SciBodyInput, SciDto } from '../../contracts/scis';
import type { PrismaClient, SmartConnectedItem } from '../../prisma/generated/client';
import type { ZohoSimulator } from '../../sandbox/zoho';
import { sciWorkflowId } from '../../workflows/ids';
import { statusQuery, type SciStatus } from '../../workflows/messages';
import type { AdminApi } from './admin-api';

export interface CreateSciOptions {
  /**
   * Deployment settings for this SCI's workflow, as environment strings (e.g. `{ SCI_POLL_INTERVAL: '1s',
   * SCI_HEARTBEAT_TIMEOUT: '10s' }`): the create goes through an API replica configured with them, so they
   * reach the workflow's start input the way a deployment's settings do. Without them the stack's own API
   * (and its settings) creates the SCI.
   */
  settings?: Record<string, string>;
  /** Wait until the workflow has finished its first run (default true; an SCI without a workflow waits for nothing). */
  waitForFirstRun?: boolean;
}

export interface SciStack {
  /** Creates the SCI through the API, which starts its workflow; returns its row. */
  createSci(def: SciBodyInput, opts?: CreateSciOptions): Promise<SmartConnectedItem>;
  /** The workflow's own view (throws while it is not there yet, so `eventually` tries again). */
  status(sci: SmartConnectedItem): Promise<SciStatus>;
  /** Polls `fn` until `ok` holds (or fails with the last value after the timeout). */
  eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Sync now as the admin page asks for it, then waits until the workflow finished one more run than before. */
  syncNow(sci: SmartConnectedItem): Promise<SciStatus>;
}

/** The core as an adapter holds it: with the replicas it started, closed with the stack. */
export interface SciStackCore extends SciStack {
  closeReplicas(): Promise<void>;
}

export interface SciStackParts {
  /** The stack's own API. */
  api: AdminApi;
  /** An API configured with these settings merged over the stack's own (see CreateSciOptions.settings). */
  replica(settings: Record<string, string>): Promise<{ api: AdminApi; close(): Promise<void> }>;
  prisma: PrismaClient;
  temporal: Client;
}

/** App OAuth 2.0 as the admin page does it: the simulator's self client and a fresh grant code. */
export async function connectAppOAuth(api: AdminApi, zoho: Pick<ZohoSimulator, 'demoClient' | 'mintGrantCode'>): Promise<void> {
  const res = await api('POST', '/connection/app-oauth', {
    clientId: zoho.demoClient.clientId,
    clientSecret: zoho.demoClient.clientSecret,
    code: zoho.mintGrantCode({ scopes: ZOHO_APP_SCOPES }),
    dataCenter: 'us',
  });
  if (res.status !== 200) throw new Error(`connect failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** POST /scis; the row it created. */
export async function createSciThroughApi(api: AdminApi, prisma: PrismaClient, def: SciBodyInput): Promise<SmartConnectedItem> {
  const res = await api<SciDto>('POST', '/scis', def);
  if (res.status !== 201) throw new Error(`SCI not created: ${res.status} ${JSON.stringify(res.body)}`);
  return prisma.smartConnectedItem.findUniqueOrThrow({ where: { id: res.body.id } });
}

export async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: string;
    try {
      const v = await fn();
      if (ok(v)) return v;
      last = JSON.stringify(v)?.slice(0, 2000) ?? 'undefined';
    } catch (err) {
      // e.g. a query while the worker is still starting: try again until the deadline
      last = `error: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last: ${last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function sciStack(parts: SciStackParts): SciStackCore {
  const replicas = new Map<string, Promise<{ api: AdminApi; close(): Promise<void> }>>();
  const replica = (settings: Record<string, string>) => {
    const key = JSON.stringify(Object.entries(settings).sort());
    let r = replicas.get(key);
    if (!r) {
      r = parts.replica(settings);
      replicas.set(key, r);
    }
    return r;
  };
  const status = (sci: SmartConnectedItem) => parts.temporal.workflow.getHandle(sciWorkflowId(sci.tenantId, sci.id)).query(statusQuery);
  return {
    status,
    eventually,
    async closeReplicas() {
      for (const r of replicas.values()) await (await r).close().catch(() => undefined);
      replicas.clear();
    },
    async createSci(def, opts = {}) {
      const api = opts.settings ? (await replica(opts.settings)).api : parts.api;
      const sci = await createSciThroughApi(api, parts.prisma, def);
      // A Display (or disabled) SCI has no workflow to wait for: the API starts none.
      if ((opts.waitForFirstRun ?? true) && sci.workflowId !== null) await eventually(() => status(sci), (s) => s.runs >= 1);
      return sci;
    },
    async syncNow(sci) {
      const before = (await status(sci)).runs;
      const res = await parts.api('POST', `/scis/${sci.id}/sync`);
      if (res.status !== 202) throw new Error(`sync now refused: ${res.status} ${JSON.stringify(res.body)}`);
      return eventually(() => status(sci), (s) => s.runs > before && s.state !== 'syncing');
    },
  };
}
