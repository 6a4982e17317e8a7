// `npm run sandbox:jira`: the Jira simulator on its own, on SANDBOX_JIRA_PORT (default 4020).
// Events go to JIRA_SANDBOX_EVENT_URL, else to the API's Forge event endpoint (PUBLIC_URL, or HOST:PORT).
import { config } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { startJiraSimulator } from './index';

const cfg = config();
const log = createLogger(cfg.LOG_LEVEL, 'sandbox-jira');
const apiUrl = (cfg.PUBLIC_URL ?? `http://${cfg.HOST}:${cfg.PORT}`).replace(/\/$/, '');
const eventUrl = process.env.JIRA_SANDBOX_EVENT_URL || `${apiUrl}/api/v1/events/jira`;

const sim = await startJiraSimulator({
  port: cfg.SANDBOX_JIRA_PORT,
  host: cfg.HOST,
  forge: { appId: cfg.FORGE_APP_ID, eventUrl },
});
log.info({ url: sim.url, apiBaseUrl: sim.apiBaseUrl, jwks: `${sim.url}/.well-known/jwks.json`, eventUrl }, 'Jira simulator listening');

const stop = async (signal: string) => {
  log.info({ signal }, 'Jira simulator stopping');
  await sim.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
