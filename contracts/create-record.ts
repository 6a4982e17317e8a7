// "Create a Zoho CRM record" from the issue panel (F44): the form the dialog shows (the SCI's module fields,
// prefilled from the issue through the SCI's field mappings, required ones marked) and what it sends back.
import { z } from 'zod';

/** A value as a Zoho record field takes it: text, number, yes/no, a multi-select's choices, or empty. */
export const createValue = z.union([z.string().max(32_000), z.number(), z.boolean(), z.array(z.string().max(500)).max(200), z.null()]);
export type CreateValue = z.infer<typeof createValue>;

export const createFieldDto = z.object({
  apiName: z.string(),
  label: z.string(),
  /** Zoho's data type (text, picklist, date, currency, …): the dialog picks its input from it. */
  dataType: z.string(),
  /** Zoho requires it on insert (`system_mandatory` in the field metadata). */
  required: z.boolean(),
  /** The Jira field the value came from (a field mapping of the SCI), or null for a required field no mapping fills. */
  jiraField: z.string().nullable(),
  /** The value converted for Zoho, or null (nothing mapped, empty, or not convertible: see `note`). */
  value: createValue,
  pickListValues: z.array(z.object({ displayValue: z.string(), actualValue: z.string() })),
  /** Why the value could not be prefilled, in the user's words. */
  note: z.string().nullable(),
});
export type CreateField = z.infer<typeof createFieldDto>;

export const createRecordFormDto = z.object({
  sciId: z.string(),
  sciName: z.string(),
  zohoModule: z.string(),
  /** The module's singular label ("Deal"), for the dialog's wording. */
  moduleLabel: z.string(),
  fields: z.array(createFieldDto),
});
export type CreateRecordForm = z.infer<typeof createRecordFormDto>;

export const createRecordBody = z.object({
  /**
   * Made by the dialog when it opens and kept until a create succeeds: a double click or a retry after a
   * failure sends the same key, and the API creates one record for it.
   */
  requestKey: z.string().regex(/^[0-9A-Za-z_-]{8,64}$/, 'a request key of 8 to 64 letters, digits, - or _'),
  /** Zoho field API name → value, for the form's fields. */
  values: z.record(z.string().max(200), createValue),
});
export type CreateRecordBody = z.infer<typeof createRecordBody>;
