// F45: CRM values kept on the linked issue as one entity property that Jira indexes for JQL. Jira indexes
// only what the Forge manifest declares (a `jira:entityProperty` module: property key, JSON path, type and
// search alias, at most 30 values for the whole app), so the JQL names an admin can choose are this fixed
// catalog, mirrored in forge-app/manifest.yml (a test keeps the two equal). An SCI maps Zoho fields onto it.
import { z } from 'zod';

/** The issue property the connector writes and Jira indexes (one document per issue). */
export const JQL_FIELDS_PROPERTY = 'zohoCrmFields';

/** Jira's limit on indexed values across all `jira:entityProperty` modules of one app. */
export const JIRA_INDEXED_VALUE_LIMIT = 30;

export const jqlValueTypes = ['string', 'number', 'date'] as const;
export type JqlValueType = (typeof jqlValueTypes)[number];

/** Each JQL name is both the path in the property document and the manifest's searchAlias. */
export const JQL_FIELD_CATALOG = [
  { jqlName: 'zohoDealStage', type: 'string' },
  { jqlName: 'zohoAmount', type: 'number' },
  { jqlName: 'zohoAccountName', type: 'string' },
  { jqlName: 'zohoRecordId', type: 'string' },
  { jqlName: 'zohoOwner', type: 'string' },
  { jqlName: 'zohoClosingDate', type: 'date' },
  { jqlName: 'zohoProbability', type: 'number' },
  { jqlName: 'zohoLeadSource', type: 'string' },
  { jqlName: 'zohoText1', type: 'string' },
  { jqlName: 'zohoText2', type: 'string' },
  { jqlName: 'zohoText3', type: 'string' },
  { jqlName: 'zohoText4', type: 'string' },
  { jqlName: 'zohoNumber1', type: 'number' },
  { jqlName: 'zohoNumber2', type: 'number' },
  { jqlName: 'zohoNumber3', type: 'number' },
  { jqlName: 'zohoDate1', type: 'date' },
  { jqlName: 'zohoDate2', type: 'date' },
] as const satisfies readonly { jqlName: string; type: JqlValueType }[];

export type JqlFieldName = (typeof JQL_FIELD_CATALOG)[number]['jqlName'];
const jqlNames = JQL_FIELD_CATALOG.map((f) => f.jqlName) as [JqlFieldName, ...JqlFieldName[]];

export function jqlFieldType(name: string): JqlValueType | undefined {
  return JQL_FIELD_CATALOG.find((f) => f.jqlName === name)?.type;
}

/** The pseudo field for the record's own id, which Zoho's field metadata does not list. */
export const ZOHO_RECORD_ID_FIELD = 'id';

/**
 * Zoho data types whose values Jira can index, by the index type they fit. Long text (textarea) is left out:
 * Jira's `string` index is for exact values, and a free-text field gives nothing useful to compare.
 */
export const ZOHO_TYPES_BY_JQL_TYPE: Record<JqlValueType, readonly string[]> = {
  string: [
    'text',
    'picklist',
    'multiselectpicklist',
    'email',
    'phone',
    'website',
    'autonumber',
    'lookup',
    'ownerlookup',
    'userlookup',
    'boolean',
  ],
  number: ['integer', 'bigint', 'double', 'decimal', 'currency', 'percent'],
  date: ['date', 'datetime'],
};

export const jqlFieldSchema = z.object({
  /** Zoho field API name, or `id` for the record id. */
  zohoField: z.string().trim().min(1).max(200),
  jqlName: z.enum(jqlNames),
});
export type JqlField = z.infer<typeof jqlFieldSchema>;

export const jqlFieldsSchema = z
  .array(jqlFieldSchema)
  .max(JQL_FIELD_CATALOG.length)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((f, i) => {
      if (seen.has(f.jqlName))
        ctx.addIssue({
          code: 'custom',
          path: [i, 'jqlName'],
          message: `The JQL name ${f.jqlName} is chosen twice: each CRM field needs its own.`,
        });
      seen.add(f.jqlName);
    });
  })
  .default([]);
