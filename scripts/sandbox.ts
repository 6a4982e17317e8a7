// The sandbox (F37) as `npm start` and `npm run cluster` run it: the Zoho CRM and Jira Cloud simulators, with
// the Jira simulator's Forge delivering events to the API, and the local page that hosts the admin page and
// the issue panel. The simulator modules load only when a sandbox is started.
import type { ZohoEndpoints } from '../clients/zoho';
import type { JiraSimulator } from '../sandbox/jira';
import type { ExchangeHook } from '../sandbox/shared/exchange';
import type { ZohoSimulator } from '../sandbox/zoho';

export interface SandboxOptions {
  host: string;
  zohoPort: number;
  jiraPort: number;
  /** Base URL of the API that the simulated Forge delivers events to (one API, or the endpoint in front of several). */
  apiUrl: string;
  forgeAppId: string;
  /** Forge's wait between redeliveries of a failed event (the simulator's default when absent). */
  forgeRetryDelayMs?: number;
  /** Every request/response pair the Jira simulator serves (tests count the connector's writes with it). */
  jiraOnExchange?: ExchangeHook;
}

export interface Sandbox {
  zoho: ZohoSimulator;
  jira: JiraSimulator;
  zohoUrl: string;
  jiraUrl: string;
  zohoEndpoints: ZohoEndpoints;
  /** The sandbox Forge signs FITs with its own key: the API trusts this JWKS, here and only here. */
  jwksUrl: string;
  close(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const { sandboxZohoEndpoints } = await import('../clients/zoho');
  const { startZohoSimulator } = await import('../sandbox/zoho');
  const { startJiraSimulator } = await import('../sandbox/jira');
  const zoho = await startZohoSimulator({ port: opts.zohoPort, host: opts.host });
  try {
    const jira = await startJiraSimulator({
      port: opts.jiraPort,
      host: opts.host,
      ...(opts.jiraOnExchange ? { onExchange: opts.jiraOnExchange } : {}),
      forge: {
        eventUrl: `${opts.apiUrl}/api/v1/events/jira`,
        appId: opts.forgeAppId,
        ...(opts.forgeRetryDelayMs !== undefined ? { retryDelayMs: opts.forgeRetryDelayMs } : {}),
      },
    });
    return {
      zoho,
      jira,
      zohoUrl: zoho.url,
      jiraUrl: jira.url,
      zohoEndpoints: sandboxZohoEndpoints(zoho.url),
      jwksUrl: `${jira.url}/.well-known/jwks.json`,
      async close() {
        await jira.close();
        await zoho.close();
      },
    };
  } catch (err) {
    await zoho.close();
    throw err;
  }
}

/** The local host page (F37): the admin page and a sandbox issue with the panel, as Jira shows them. */
export async function startSandboxHostPage(sandbox: Sandbox, opts: { host: string; port: number; apiUrl: string }): Promise<{ url: string; close(): Promise<void> }> {
  const { startLocalHost } = await import('../sandbox/host');
  const jira = sandbox.jira;
  return startLocalHost({
    port: opts.port,
    host: opts.host,
    apiUrl: opts.apiUrl,
    jiraSimulatorUrl: jira.url,
    signFit: (claims) => jira.signFit(claims),
    systemToken: () => jira.systemToken,
  });
}
