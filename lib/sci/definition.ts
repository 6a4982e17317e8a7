// The shape of a Smart Connected Item's configuration (F8, F35): one schema used by the API to validate
// admin input, by the database layer to read the JSON columns back, and by the sync engine. The schema is
// defined in contracts/sci-definition.ts and re-exported here; this module adds reading it from a row.
import type { SmartConnectedItem } from '../../prisma/generated/client';
import { sciDefinitionSchema, type SciDefinition } from '../../contracts/sci-definition';

// The schemas themselves live in contracts/ (the Forge app's editor builds the same bodies).
export {
  APP_OAUTH_ONLY_OPTIONS,
  DEFAULT_ATTACHMENT_MAX_BYTES,
  fieldMappingSchema,
  fieldOwners,
  sciDefinitionSchema,
  sciOptionsSchema,
  statusSyncSchema,
  syncModes,
  ZOHO_ATTACHMENT_LIMIT_BYTES,
  type FieldMapping,
  type SciDefinition,
  type SciDefinitionInput,
  type SciOptions,
  type StatusSync,
  type SyncModeName,
} from '../../contracts/sci-definition';

/** The definition stored in an SCI row (its JSON columns parsed back through the same schema). */
export function definitionOf(sci: SmartConnectedItem): SciDefinition {
  return sciDefinitionSchema.parse({
    name: sci.name,
    syncMode: sci.syncMode,
    jiraProjectId: sci.jiraProjectId,
    jiraIssueTypeId: sci.jiraIssueTypeId ?? '',
    zohoModule: sci.zohoModule,
    displayFields: sci.displayFields,
    fieldMappings: sci.fieldMappings,
    options: sci.options,
  });
}
