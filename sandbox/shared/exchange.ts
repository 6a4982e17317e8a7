// One HTTP request/response pair as a simulator saw it. Simulators report every exchange to an optional
// `onExchange` hook so that tests can check both directions against the vendors' OpenAPI documents.
export interface HttpExchange {
  method: string;
  /** Path and query, as received (e.g. `/crm/v8/Deals?page=2`). */
  url: string;
  requestHeaders: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, raw string for other text types, undefined for none or binary. */
  requestBody: unknown;
  status: number;
  responseHeaders: Record<string, string | string[] | number | undefined>;
  /** Parsed JSON body, raw string for other text types, undefined for none or binary/streamed. */
  responseBody: unknown;
}

export type ExchangeHook = (exchange: HttpExchange) => void;
