// Raw Zoho response shapes (names exactly as the API spells them), checked on every response.
// Objects are loose: Zoho adds keys freely, and records carry whatever fields the org defines.
// Shapes follow Zoho's v8 OpenAPI files in sandbox/openapi/zoho-crm-v8/.
import { z } from 'zod';

export const minifiedUserSchema = z.looseObject({ id: z.string(), name: z.string().optional(), email: z.string().optional() });

/** A record: `id` plus arbitrary fields keyed by API name. */
export const zohoRecordSchema = z.looseObject({
  id: z.string(),
  Modified_Time: z.string().optional(),
  Created_Time: z.string().optional(),
});
export type ZohoRecord = z.infer<typeof zohoRecordSchema>;

export const listInfoSchema = z.looseObject({
  per_page: z.number().optional(),
  count: z.number().optional(),
  page: z.number().optional(),
  more_records: z.boolean().optional(),
  next_page_token: z.string().nullish(),
  previous_page_token: z.string().nullish(),
  page_token_expiry: z.string().nullish(),
  sort_by: z.string().optional(),
  sort_order: z.string().optional(),
});
export type ZohoListInfo = z.infer<typeof listInfoSchema>;

export const recordListSchema = z.object({ data: z.array(zohoRecordSchema), info: listInfoSchema.optional() });

export const rowResultSchema = z.looseObject({
  code: z.string(),
  status: z.enum(['success', 'error']),
  message: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  action: z.string().optional(),
  duplicate_field: z.string().nullish(),
});
export type ZohoRowResult = z.infer<typeof rowResultSchema>;
export const rowResultsSchema = z.object({ data: z.array(rowResultSchema) });

export const deletedRecordSchema = z.looseObject({
  id: z.string(),
  display_name: z.string().nullish(),
  type: z.string().optional(),
  deleted_time: z.string().optional(),
  deleted_by: minifiedUserSchema.nullish(),
  created_by: minifiedUserSchema.nullish(),
});
export type ZohoDeletedRecord = z.infer<typeof deletedRecordSchema>;
export const deletedListSchema = z.object({ data: z.array(deletedRecordSchema), info: listInfoSchema.optional() });

export const moduleMetaSchema = z.looseObject({
  api_name: z.string(),
  module_name: z.string().optional(),
  id: z.string().optional(),
  singular_label: z.string().optional(),
  plural_label: z.string().optional(),
  api_supported: z.boolean().optional(),
  generated_type: z.string().optional(),
  status: z.string().optional(),
  creatable: z.boolean().optional(),
  editable: z.boolean().optional(),
  deletable: z.boolean().optional(),
  viewable: z.boolean().optional(),
});
export type ZohoModuleMeta = z.infer<typeof moduleMetaSchema>;
export const modulesSchema = z.object({ modules: z.array(moduleMetaSchema) });

export const pickListValueSchema = z.looseObject({
  display_value: z.string(),
  actual_value: z.string(),
  id: z.string().optional(),
  sequence_number: z.number().optional(),
  type: z.string().optional(),
});
export type ZohoPickListValue = z.infer<typeof pickListValueSchema>;

export const fieldMetaSchema = z.looseObject({
  api_name: z.string(),
  id: z.string().optional(),
  field_label: z.string().optional(),
  display_label: z.string().optional(),
  data_type: z.string(),
  json_type: z.string().nullish(),
  length: z.number().nullish(),
  read_only: z.boolean().optional(),
  field_read_only: z.boolean().optional(),
  system_mandatory: z.boolean().optional(),
  custom_field: z.boolean().optional(),
  visible: z.boolean().optional(),
  searchable: z.boolean().optional(),
  sortable: z.boolean().optional(),
  unique: z.looseObject({}).nullish(),
  lookup: z
    .looseObject({ module: z.looseObject({ api_name: z.string(), id: z.string().optional() }).optional() })
    .nullish(),
  pick_list_values: z.array(pickListValueSchema).optional(),
});
export type ZohoFieldMeta = z.infer<typeof fieldMetaSchema>;
export const fieldsSchema = z.object({ fields: z.array(fieldMetaSchema) });

export const layoutSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  status: z.string().optional(),
  sections: z
    .array(
      z.looseObject({
        api_name: z.string().optional(),
        display_label: z.string().optional(),
        fields: z.array(z.looseObject({ api_name: z.string(), required: z.boolean().optional() })).optional(),
      }),
    )
    .optional(),
});
export type ZohoLayout = z.infer<typeof layoutSchema>;
export const layoutsSchema = z.object({ layouts: z.array(layoutSchema) });

export const orgSchema = z.looseObject({
  id: z.string(),
  domain_name: z.string(),
  zgid: z.string().optional(),
  company_name: z.string().nullish(),
  primary_email: z.string().nullish(),
  time_zone: z.string().nullish(),
  currency: z.string().nullish(),
  iso_code: z.string().nullish(),
  country_code: z.string().nullish(),
  type: z.string().nullish(),
  license_details: z.looseObject({ paid_type: z.string().nullish() }).nullish(),
});
export type ZohoOrg = z.infer<typeof orgSchema>;
export const orgResponseSchema = z.object({ org: z.array(orgSchema).min(1) });

export const crmUserSchema = z.looseObject({
  id: z.string(),
  full_name: z.string().optional(),
  email: z.string().optional(),
  first_name: z.string().nullish(),
  last_name: z.string().optional(),
  status: z.string().optional(),
  time_zone: z.string().optional(),
  zuid: z.string().optional(),
  role: z.looseObject({ name: z.string(), id: z.string() }).optional(),
  profile: z.looseObject({ name: z.string(), id: z.string() }).optional(),
});
export type ZohoCrmUser = z.infer<typeof crmUserSchema>;
export const usersSchema = z.object({ users: z.array(crmUserSchema), info: listInfoSchema.optional() });

export const noteSchema = z.looseObject({
  id: z.string(),
  Note_Title: z.string().nullish(),
  Note_Content: z.string().nullish(),
  Parent_Id: z
    .looseObject({
      id: z.string(),
      name: z.string().nullish(),
      module: z.looseObject({ api_name: z.string().optional(), id: z.string().optional() }).optional(),
    })
    .nullish(),
  Owner: minifiedUserSchema.nullish(),
  Created_Time: z.string().optional(),
  Modified_Time: z.string().optional(),
  Created_By: minifiedUserSchema.nullish(),
  Modified_By: minifiedUserSchema.nullish(),
});
export type ZohoNote = z.infer<typeof noteSchema>;
export const noteListSchema = z.object({ data: z.array(noteSchema), info: listInfoSchema.optional() });

export const attachmentSchema = z.looseObject({
  id: z.string(),
  File_Name: z.string().nullish(),
  Size: z.union([z.string(), z.number()]).nullish(),
  Created_Time: z.string().optional(),
  Modified_Time: z.string().optional(),
  Owner: minifiedUserSchema.nullish(),
  Created_By: minifiedUserSchema.nullish(),
  Parent_Id: z.looseObject({ id: z.string(), name: z.string().nullish() }).nullish(),
  $type: z.string().optional(),
  $link_url: z.string().nullish(),
  $file_id: z.string().nullish(),
});
export type ZohoAttachment = z.infer<typeof attachmentSchema>;
export const attachmentListSchema = z.object({ data: z.array(attachmentSchema), info: listInfoSchema.optional() });

export const watchResultSchema = z.looseObject({
  code: z.string(),
  status: z.enum(['success', 'error']),
  message: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export const watchResultsSchema = z.object({ watch: z.array(watchResultSchema) });

export const watchChannelSchema = z.looseObject({
  channel_id: z.union([z.string(), z.number()]).transform(String),
  events: z.array(z.string()),
  channel_expiry: z.string().nullish(),
  notify_url: z.string().optional(),
  token: z.string().nullish(),
  resource_uri: z.string().optional(),
  resource_id: z.string().optional(),
  resource_name: z.string().optional(),
  return_affected_field_values: z.boolean().nullish(),
  notify_on_related_action: z.boolean().nullish(),
});
export type ZohoWatchChannel = z.infer<typeof watchChannelSchema>;
export const watchListSchema = z.object({ watch: z.array(watchChannelSchema), info: listInfoSchema.optional() });

export const countSchema = z.object({ count: z.union([z.string(), z.number()]).transform(Number) });
