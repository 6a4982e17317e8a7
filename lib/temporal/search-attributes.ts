// On clusters we did not start ourselves (a shared cluster, Temporal Cloud) the SCI search attributes must
// be registered once per namespace; the dev server gets them as start-up flags instead.
import type { Client } from '@temporalio/client';
import { SCI_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

export async function ensureSearchAttributes(client: Client, namespace: string): Promise<void> {
  const existing = await client.connection.operatorService.listSearchAttributes({ namespace });
  const missing = SCI_SEARCH_ATTRIBUTES.filter((k) => !(k.name in (existing.customAttributes ?? {})));
  if (missing.length === 0) return;
  await client.connection.operatorService.addSearchAttributes({
    namespace,
    // 2 = INDEXED_VALUE_TYPE_KEYWORD
    searchAttributes: Object.fromEntries(missing.map((k) => [k.name, 2])),
  });
}
