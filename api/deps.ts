// What the API needs from the rest of the product, injected by whoever starts it (embedded `npm start`,
// the production entry point api/main.ts, or a test through api/test/helper.ts). The app opens nothing
// itself: every connection arrives ready and is closed by its owner.
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { ZohoEndpoints } from '../clients/zoho';
import { ZohoBudget } from '../lib/budget/zoho-budget';
import type { Config } from '../lib/config';
import type { SecretCipher } from '../lib/secrets/cipher';
import type { TenantClients } from '../lib/tenant-clients';
import type { PrismaClient } from '../prisma/generated/client';
import type { FitVerifier } from './plugins/forge-auth';
import type { JiraPermissions } from './services/permissions';
import { SciWorkflows, type BackfillTuning, type SciWorkflowTuning } from './services/sci-workflows';
import { IntakeDispatcher } from './services/intake-dispatcher';

export interface HealthProbes {
  /** Resolves when the database answers a trivial query. */
  database: () => Promise<void>;
  /** Resolves when the Temporal frontend answers. */
  temporal: () => Promise<void>;
}

export interface AppDeps {
  config: Config;
  health: HealthProbes;
  prisma: PrismaClient;
  /** Seals and opens every secret at rest (client secrets, Zoho and Forge tokens, channel tokens). */
  cipher: SecretCipher;
  /** Per-tenant Zoho and Jira clients over the sealed tokens. */
  clients: TenantClients;
  /** The only door into Temporal (start/signal/query SCI workflows). */
  workflows: SciWorkflows;
  /** Delivers recorded events (the intake outbox) to the SCI workflows; the app starts and stops it. */
  intake?: IntakeDispatcher;
  /** Zoho hosts per data center: the real ones, or the simulator's (sandboxZohoEndpoints). */
  zohoEndpoints: ZohoEndpoints;
  /** FIT verification; defaults to FORGE_JWKS_URL + FORGE_APP_ID from config. Tests may pass their own. */
  fitVerifier?: FitVerifier;
  /** Jira permission checks (F38); defaults to one over `clients`. Tests may pass their own. */
  permissions?: JiraPermissions;
  /** Time source for token expiry and state signatures (tests). */
  now?: () => number;
  /** The Temporal client's payload codecs, served by the codec endpoint (api/routes/codec.ts). */
  payloadCodecs: PayloadCodec[];
  /** Origins of the embedded dev server's Web UI (`npm start` only): it may call the codec endpoint without a token. */
  localTemporalUiOrigins?: string[] | undefined;
}

export interface AppRuntime {
  config: Config;
  prisma: PrismaClient;
  temporal: Client;
  cipher: SecretCipher;
  clients: TenantClients;
  zohoEndpoints: ZohoEndpoints;
  /** Overrides config.TEMPORAL_UI_URL (e.g. the embedded dev server's UI). */
  temporalUiUrl?: string | undefined;
  /** Overrides config.TEMPORAL_TASK_QUEUE (tests use a queue of their own). */
  taskQueue?: string;
  fitVerifier?: FitVerifier;
  now?: () => number;
  /** Origins of the embedded dev server's Web UI (`npm start` only): see AppDeps. */
  localTemporalUiOrigins?: string[] | undefined;
}

/** Workflow start input from the settings that are set: unset ones keep the workflow's own defaults. */
function definedOnly(tuning: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(Object.entries(tuning).filter((e): e is [string, number] => e[1] !== undefined));
}

/** The SCI_* workflow settings (see lib/config.ts) as SCI workflow start input. */
function sciWorkflowTuning(c: Config): SciWorkflowTuning {
  return definedOnly({
    heartbeatTimeoutMs: c.SCI_HEARTBEAT_TIMEOUT,
    queueCap: c.SCI_QUEUE_CAP,
    parkedRetryMs: c.SCI_PARKED_RETRY,
    maxBackoffMs: c.SCI_MAX_BACKOFF,
    activityAttempts: c.SCI_ACTIVITY_ATTEMPTS,
    maxHistoryEvents: c.SCI_MAX_HISTORY_EVENTS,
  }) satisfies SciWorkflowTuning;
}

/** AppDeps over already-opened connections: health probes and the SciWorkflows service are derived here. */
export function createAppDeps(rt: AppRuntime): AppDeps {
  const workflows = new SciWorkflows(rt.temporal, {
    taskQueue: rt.taskQueue ?? rt.config.TEMPORAL_TASK_QUEUE,
    namespace: rt.config.TEMPORAL_NAMESPACE,
    pollIntervalMs: rt.config.SCI_POLL_INTERVAL,
    tuning: sciWorkflowTuning(rt.config),
    backfillTuning: definedOnly({
      pagesPerCall: rt.config.BACKFILL_PAGES_PER_CALL,
      heartbeatTimeoutMs: rt.config.SCI_HEARTBEAT_TIMEOUT,
      maxHistoryEvents: rt.config.BACKFILL_MAX_HISTORY_EVENTS,
    }) satisfies BackfillTuning,
    uiBaseUrl: rt.temporalUiUrl ?? rt.config.TEMPORAL_UI_URL,
    channels: rt.config.ZOHO_NOTIFICATIONS
      ? {
          notifyUrl: `${(rt.config.PUBLIC_URL ?? `http://${rt.config.HOST}:${rt.config.PORT}`).replace(/\/+$/, '')}/api/v1/callbacks/zoho/notifications`,
          ttlMs: rt.config.ZOHO_CHANNEL_TTL,
        }
      : undefined,
  });
  return {
    config: rt.config,
    prisma: rt.prisma,
    cipher: rt.cipher,
    clients: rt.clients,
    zohoEndpoints: rt.zohoEndpoints,
    workflows,
    intake: new IntakeDispatcher(rt.prisma, workflows),
    health: {
      database: async () => {
        await rt.prisma.$queryRaw`SELECT 1`;
      },
      temporal: async () => {
        // A deadline on the call itself: a probe given up on must not go on retrying in the background.
        await rt.temporal.withDeadline(Date.now() + 3000, () => rt.temporal.workflowService.getSystemInfo({}));
      },
    },
    payloadCodecs: rt.temporal.options.loadedDataConverter.payloadCodecs,
    localTemporalUiOrigins: rt.localTemporalUiOrigins,
    ...(rt.fitVerifier ? { fitVerifier: rt.fitVerifier } : {}),
    ...(rt.now ? { now: rt.now } : {}),
  };
}

/**
 * F36: the API's Zoho calls (issue panel, pickers, validation, Providers users' own clients) count against the
 * tenant's credits like the worker's. Called by the entry points that build the clients; one budget per
 * TenantClients, so where the API and the worker share them (npm start) a call counts once.
 */
export function meterZohoCalls(rt: Pick<AppRuntime, 'clients' | 'prisma' | 'config'>): void {
  ZohoBudget.attach(rt.clients, { prisma: rt.prisma, dailyCredits: rt.config.ZOHO_DAILY_CREDITS, pauseShare: rt.config.ZOHO_BUDGET_PAUSE_SHARE });
}
