// The screens' own words for the contract's values. The values themselves (modes, data centers, scopes,
// limits) come from contracts/; only how they are shown lives here.
import { ZOHO_DC_IDS, ZOHO_DC_LABELS, type ConnectionMode, type SyncModeName, type ZohoDc } from '../../../../contracts';

export const AUTH_MODE_LABELS: Record<ConnectionMode, string> = { PROVIDERS: 'Providers', APP_OAUTH: 'App OAuth 2.0' };
export const SYNC_MODE_LABELS: Record<SyncModeName, string> = { DISPLAY: 'Display', ONE_WAY: '1 Way', TWO_WAY: '2 Way' };

/** "US (United States)": the code the seed lists, then the region. */
export const dataCenterLabel = (dc: ZohoDc): string => `${dc.toUpperCase()} (${ZOHO_DC_LABELS[dc]})`;
export const DATA_CENTER_OPTIONS = ZOHO_DC_IDS.map((dc) => ({ value: dc, label: dataCenterLabel(dc) }));

const MB = 1024 * 1024;
/** Bytes as the admin reads them: "10 MB", "2.5 MB". */
export const formatMb = (bytes: number): string => `${Number((bytes / MB).toFixed(2))} MB`;
export const mbToBytes = (mb: number): number => Math.round(mb * MB);
export const bytesToMb = (bytes: number): number => Number((bytes / MB).toFixed(2));
