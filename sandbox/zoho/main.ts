// `npm run sandbox:zoho`: the Zoho CRM simulator on SANDBOX_ZOHO_PORT (default 4010).
import { config } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { startZohoSimulator } from './index';

const cfg = config();
const log = createLogger(cfg.LOG_LEVEL, 'zoho-sandbox');
const sim = await startZohoSimulator({ port: cfg.SANDBOX_ZOHO_PORT, host: cfg.HOST, logger: log });
log.info(
  { url: sim.url, accounts: sim.endpoints.us.accountsServer, api: sim.endpoints.us.apiDomain, control: `${sim.url}/__sandbox/` },
  'Zoho CRM simulator listening (all nine DCs: /accounts/{dc} and /api/{dc}; see sandbox/zoho/README.md)',
);

const stop = (): void => {
  sim.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
