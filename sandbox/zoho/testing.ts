// Test helpers: a Zoho client connected to a running simulator through the real self-client flow
// (mint a grant code, exchange it at the DC's accounts server), with tokens in memory.
import {
  createZohoClient,
  createZohoOAuth,
  memoryTokenStore,
  ZOHO_APP_SCOPES,
  type ZohoClient,
  type ZohoClientOptions,
  type ZohoDc,
  type ZohoTokens,
} from '../../clients/zoho';
import type { ZohoSimulator } from './index';

export interface ConnectedZohoClient {
  client: ZohoClient;
  store: ReturnType<typeof memoryTokenStore>;
  tokens: ZohoTokens;
}

export async function connectZohoClient(
  sim: ZohoSimulator,
  opts: { scopes?: readonly string[]; dc?: ZohoDc } & Partial<Omit<ZohoClientOptions, 'credentials' | 'tokenStore' | 'endpoints'>> = {},
): Promise<ConnectedZohoClient> {
  const { scopes = ZOHO_APP_SCOPES, dc = 'us', ...clientOpts } = opts;
  const oauth = createZohoOAuth({ credentials: sim.demoClient, endpoints: sim.endpoints });
  const tokens = await oauth.exchangeGrantCode({ dc, code: sim.mintGrantCode({ scopes, dc }) });
  const store = memoryTokenStore(tokens);
  const client = createZohoClient({ credentials: sim.demoClient, tokenStore: store, endpoints: sim.endpoints, ...clientOpts });
  return { client, store, tokens };
}
