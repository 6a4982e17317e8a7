// Process configuration: parsed once from the environment with one schema, so a missing or malformed
// setting stops start-up with a message that names it, and every type below is derived, not restated.
// `.env.example` documents each setting; keep the two in step.
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .describe('true | false');

const port = z.coerce.number().int().min(1).max(65535);

/** "5m", "30s", "1h", "250ms" or a number of milliseconds. */
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h)?$/, 'a duration such as 30s, 5m, 1h or a number of milliseconds')
  .transform((v) => {
    const m = /^(\d+)(ms|s|m|h)?$/.exec(v)!;
    const n = Number(m[1]);
    const unit = m[2] ?? 'ms';
    return n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!;
  });

export const FORGE_ENVIRONMENT_TYPES = ['DEVELOPMENT', 'STAGING', 'PRODUCTION'] as const;
export type ForgeEnvironmentType = (typeof FORGE_ENVIRONMENT_TYPES)[number];

/** "PRODUCTION" or "DEVELOPMENT,STAGING,PRODUCTION" (case-insensitive, spaces allowed). */
const forgeEnvironments = z
  .string()
  .transform((v) => v.split(',').map((x) => x.trim().toUpperCase()).filter(Boolean))
  .pipe(z.array(z.enum(FORGE_ENVIRONMENT_TYPES)).min(1, 'name at least one of DEVELOPMENT, STAGING, PRODUCTION'));

/** "https://ui.example.com" or a comma list of origins (scheme, host and port; no path). */
const origins = z
  .string()
  .transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string().url().transform((u) => new URL(u).origin)).min(1, 'name at least one origin, e.g. https://temporal.example.com'));

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where embedded state lives: PGlite data, the Temporal dev server's SQLite file, the local secrets key. */
  DATA_DIR: z.string().min(1).default('.data'),

  // Database. Absent → embedded PGlite under DATA_DIR (single process only).
  DATABASE_URL: z.string().url().optional(),

  // Temporal. Absent TEMPORAL_ADDRESS → `npm start` runs a dev server of its own.
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('sci-sync'),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Base of the Temporal Web UI used for links from the admin page. */
  TEMPORAL_UI_URL: z.string().url().optional(),
  /** Worker Versioning: the worker joins Worker Deployment TEMPORAL_DEPLOYMENT_NAME as build TEMPORAL_BUILD_ID. */
  TEMPORAL_WORKER_VERSIONING: bool.default(false),
  TEMPORAL_DEPLOYMENT_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_" (Temporal joins it to the build id with a dot)')
    .default('zoho-crm-connector'),
  /** Build id of this worker's release; unset = the one `npm run build` recorded in dist/build-info.json. */
  TEMPORAL_BUILD_ID: z.string().min(1).max(255).optional(),

  // API
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  /** Public base URL of the API (Zoho notification callbacks, OAuth redirect). */
  PUBLIC_URL: z.string().url().optional(),
  /** base64 of 32 bytes; AES-256-GCM key for secrets at rest. Embedded mode creates one under DATA_DIR. */
  SECRETS_KEY: z.string().min(1).optional(),
  /** Comma-separated older keys, still accepted for decryption during key rotation. */
  SECRETS_KEYS_PREVIOUS: z.string().optional(),

  // Temporal payloads (lib/temporal/data-converter.ts) and the codec endpoint (api/routes/codec.ts)
  /** base64 of 32 bytes; AES-256-GCM key of every Temporal payload. Embedded mode creates one under DATA_DIR. */
  TEMPORAL_PAYLOAD_KEY: z.string().min(1).optional(),
  /** Comma-separated older payload keys, still accepted for decryption after a rotation. */
  TEMPORAL_PAYLOAD_KEYS_PREVIOUS: z.string().optional(),
  /** Bearer token that `POST /codec/decode|encode` requires; unset = the endpoint refuses every call. */
  TEMPORAL_CODEC_TOKEN: z.string().min(16, 'at least 16 characters (e.g. `openssl rand -hex 32`)').optional(),
  /** Origins allowed to call the codec endpoint from a browser (comma list); default: TEMPORAL_UI_URL's origin. */
  TEMPORAL_CODEC_ORIGINS: origins.optional(),

  // Metrics (Prometheus text format)
  /** Bearer token for the API's `GET /metrics`; unset = answered only to callers on this machine (loopback). */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters (e.g. `openssl rand -hex 32`)').optional(),
  /** Address the worker's metrics listeners bind to: keep it internal (no token is asked there). */
  WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Worker's own metrics (sync runs, vendor calls, budget) at `http://WORKER_METRICS_HOST:PORT/metrics`; unset = off. */
  WORKER_METRICS_PORT: port.optional(),
  /** Temporal SDK metrics of the worker (Core's Prometheus exporter) at `http://WORKER_METRICS_HOST:PORT/metrics`; unset = off. */
  TEMPORAL_SDK_METRICS_PORT: port.optional(),

  // Forge Invocation Token verification
  FORGE_APP_ID: z.string().min(1).default('ari:cloud:ecosystem::app/00000000-0000-4000-8000-000000000000'),
  FORGE_JWKS_URL: z.string().url().default('https://forge.cdn.prod.atlassian-dev.net/.well-known/jwks.json'),
  /** Forge environments whose FITs are accepted (comma list); a production deployment sets PRODUCTION. */
  FORGE_ALLOWED_ENVIRONMENTS: forgeEnvironments.default(['DEVELOPMENT', 'STAGING', 'PRODUCTION']),

  // Lifecycle and retention
  /** Days an uninstalled site's data is kept before the maintenance job deletes it. */
  TENANT_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  /** Days sync run history is kept (SyncRun rows by startedAt). */
  RUN_HISTORY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),

  // Request limits (api/plugins/rate-limit.ts), counted per API process over RATE_LIMIT_WINDOW. Generous:
  // they stop a runaway or hostile caller, never an admin page, an issue panel or the benchmarks.
  RATE_LIMIT_WINDOW: duration.default(60_000),
  /** Requests one Jira site may make to the FIT-protected API per window (admin page, issue panels, lifecycle). */
  RATE_LIMIT_TENANT_MAX: z.coerce.number().int().positive().default(6000),
  /**
   * Forge event deliveries one Jira site may make per window, counted apart from RATE_LIMIT_TENANT_MAX: a bulk
   * edit in Jira is thousands of events within seconds, and the intake is benchmarked at 500+ events/s (P6).
   */
  RATE_LIMIT_EVENTS_MAX: z.coerce.number().int().positive().default(120_000),
  /** Requests one client address may make to the public vendor callbacks per window (Zoho notifications, OAuth). */
  RATE_LIMIT_CALLBACK_IP_MAX: z.coerce.number().int().positive().default(3000),

  // Sync engine
  SCI_POLL_INTERVAL: duration.default(300_000),
  // Workflow tuning, handed to each SCI workflow as it starts (its start input). Unset, the workflow's own
  // defaults apply (workflows/sci-workflow.ts); the fault tests shorten them to see recovery within minutes.
  /** How long a sync or backfill activity may go without a heartbeat before Temporal retries it elsewhere (default 30 s). */
  SCI_HEARTBEAT_TIMEOUT: duration.optional(),
  /** Events an SCI workflow keeps in its state; beyond this they wait in the database (default 500). */
  SCI_QUEUE_CAP: z.coerce.number().int().positive().optional(),
  /** How often parked events are retried on their own (default 30 minutes). */
  SCI_PARKED_RETRY: duration.optional(),
  /** Longest wait between tries while a vendor is unavailable (default 10 minutes). */
  SCI_MAX_BACKOFF: duration.optional(),
  /** Tries of a sync activity before the workflow takes over the waiting (default 8). */
  SCI_ACTIVITY_ATTEMPTS: z.coerce.number().int().positive().optional(),
  /** Continue-as-new after this many history events even when Temporal has not suggested it (default: when suggested). */
  SCI_MAX_HISTORY_EVENTS: z.coerce.number().int().positive().optional(),
  /** Zoho pages (up to 200 records each) a backfill reads per activity call (F34; default 5). */
  BACKFILL_PAGES_PER_CALL: z.coerce.number().int().min(1).max(50).optional(),
  /** A backfill continues as new after this many history events even when Temporal has not suggested it. */
  BACKFILL_MAX_HISTORY_EVENTS: z.coerce.number().int().positive().optional(),
  /**
   * Linked records whose attachment list each poll reads, least recently checked first (F19): Zoho has no
   * org-wide attachment listing and a new attachment leaves its record's Modified_Time alone. Each costs one
   * Zoho call per poll; 0 turns the sweep off (attachments then follow their record's changes only).
   */
  ZOHO_ATTACHMENT_SWEEP_PER_POLL: z.coerce.number().int().min(0).max(100).default(3),
  /** Lifetime of Zoho notification channels (F33); renewed at three quarters. Zoho allows about a week. */
  ZOHO_CHANNEL_TTL: duration.default(3_600_000),
  /** Register Zoho notification channels (needs PUBLIC_URL reachable by Zoho, or the sandbox). */
  ZOHO_NOTIFICATIONS: bool.default(true),
  /** Zoho API credits the org may spend per rolling 24 h (F36; Zoho: 5,000 Free … 5,000,000 Enterprise). */
  ZOHO_DAILY_CREDITS: z.coerce.number().int().positive().default(100_000),
  /** Share of ZOHO_DAILY_CREDITS at which automation pauses until the window allows (F36). */
  ZOHO_BUDGET_PAUSE_SHARE: z.coerce.number().gt(0).max(1).default(0.9),
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),

  // Sandbox (simulators); `npm start` runs them unless SANDBOX=false.
  SANDBOX: bool.default(true),
  SANDBOX_ZOHO_PORT: port.default(4010),
  SANDBOX_JIRA_PORT: port.default(4020),
  /** The local page hosting the admin page and the issue panel like Jira does. */
  SANDBOX_HOST_PORT: port.default(4000),
  /** Point every Zoho data center at a Zoho simulator (benchmarks, separate-process setups). */
  ZOHO_SANDBOX_URL: z.string().url().optional(),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly issues: { setting: string; problem: string }[]) {
    super(
      'Invalid configuration:\n' + issues.map((i) => `  - ${i.setting}: ${i.problem}`).join('\n'),
    );
  }
}

/** Parses the environment; throws ConfigError naming every bad setting (never echoing its value). */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, so `FOO=` in a .env file does not smuggle in an empty value.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => ({ setting: i.path.join('.') || '(root)', problem: i.message })),
    );
  }
  return result.data;
}

let cached: Config | undefined;
/** The process-wide configuration, parsed on first use. */
export function config(): Config {
  cached ??= parseConfig();
  return cached;
}
