// Custom search attributes of SCI workflows (F32). Registered by the dev server at start
// (`--search-attribute`) and on other clusters by the worker through the operator service.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SCI_TENANT = defineSearchAttributeKey('SciTenant', SearchAttributeType.KEYWORD);
export const SCI_ID = defineSearchAttributeKey('SciId', SearchAttributeType.KEYWORD);
export const SCI_ZOHO_MODULE = defineSearchAttributeKey('SciZohoModule', SearchAttributeType.KEYWORD);
export const SCI_SYNC_MODE = defineSearchAttributeKey('SciSyncMode', SearchAttributeType.KEYWORD);

export const SCI_SEARCH_ATTRIBUTES = [SCI_TENANT, SCI_ID, SCI_ZOHO_MODULE, SCI_SYNC_MODE] as const;

/** `--search-attribute NAME=Type` arguments for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  return SCI_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]);
}
