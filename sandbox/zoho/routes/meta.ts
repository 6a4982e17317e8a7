// Org, users and metadata (modules, fields, layouts), shaped after Zoho's v8 OpenAPI schemas.
import type { FastifyInstance } from 'fastify';
import { allFields, MODULES, moduleDef, type FieldDef, type ModuleDef } from '../catalog';
import { zerr } from '../errors';
import { settingsScope } from '../scopes';
import { ADMIN, moduleId, ORG_ID, ORG_ZGID, USERS, type SimUser } from '../store';
import { zohoDateTime } from '../time';
import { intParam, noContent, params, paginate, query, sendJson, type Sim } from './common';

const ORG_CREATED_MS = Date.UTC(2021, 2, 14, 9, 30, 0);

export function fieldId(module: string, api: string): string {
  let h = 0;
  for (const c of `${module}.${api}`) h = (h * 131 + c.charCodeAt(0)) % 1_000_000_000;
  return `5725767${String(h).padStart(12, '0')}`;
}

function jsonType(f: FieldDef): string {
  switch (f.data_type) {
    case 'integer':
    case 'double':
    case 'currency':
    case 'percent':
      return 'double';
    case 'boolean':
      return 'boolean';
    case 'lookup':
    case 'ownerlookup':
      return 'jsonobject';
    case 'multiselectpicklist':
      return 'jsonarray';
    default:
      return 'string';
  }
}

/**
 * Zoho gives every field a positive `length` (its size limit; Kaizen #1 "Fields in CRM API" lists a size
 * per field type, and the fields OAS types it int32). The simulator used to send 0 for types without a
 * declared length, which no Zoho answer contains and which the official Node SDK drops (it takes an
 * object whose `length` is 0 for an empty array, so those fields parse as null).
 */
const DEFAULT_LENGTH: Partial<Record<FieldDef['data_type'], number>> = {
  picklist: 120,
  multiselectpicklist: 2000,
  integer: 9,
  bigint: 18,
  double: 16,
  currency: 16,
  percent: 5,
  boolean: 5,
  date: 20,
  datetime: 120,
  lookup: 120,
  ownerlookup: 120,
};

export function renderField(def: ModuleDef, f: FieldDef): Record<string, unknown> {
  const out: Record<string, unknown> = {
    api_name: f.api_name,
    id: fieldId(def.api_name, f.api_name),
    field_label: f.label,
    display_label: f.label,
    data_type: f.data_type,
    json_type: jsonType(f),
    length: f.length ?? DEFAULT_LENGTH[f.data_type] ?? 255,
    read_only: f.read_only ?? false,
    field_read_only: f.read_only ?? false,
    system_mandatory: f.mandatory ?? false,
    custom_field: false,
    visible: true,
    searchable: !['Tag'].includes(f.api_name),
    sortable: ['Created_Time', 'Modified_Time'].includes(f.api_name),
    unique: f.unique ? { casesensitive: 'false' } : {},
    profiles: [{ permission_type: f.read_only ? 'read_only' : 'read_write', name: 'Administrator', id: '5725767000000026011' }],
    pick_list_values: (f.picklist ?? []).map((v, i) => ({
      display_value: v,
      actual_value: v,
      reference_value: v,
      sequence_number: i + 1,
      colour_code: null,
      id: fieldId(`${def.api_name}.${f.api_name}`, v),
      type: 'used',
    })),
  };
  if (f.data_type === 'lookup' && f.lookupModule) {
    out.lookup = { module: { api_name: f.lookupModule, id: moduleId(f.lookupModule) }, display_label: f.label, api_name: f.api_name, id: fieldId(def.api_name, `${f.api_name}.lookup`) };
  }
  return out;
}

export function renderModule(m: ModuleDef): Record<string, unknown> {
  const standard = m.api_supported;
  return {
    api_name: m.api_name,
    module_name: m.module_name,
    id: moduleId(m.api_name),
    singular_label: m.singular_label,
    plural_label: m.plural_label,
    api_supported: m.api_supported,
    generated_type: 'default',
    status: 'visible',
    creatable: standard,
    editable: standard,
    deletable: standard,
    viewable: true,
    convertable: m.api_name === 'Leads',
    modified_time: zohoDateTime(ORG_CREATED_MS),
    sequence_number: MODULES.indexOf(m) + 1,
    profiles: [{ name: 'Administrator', id: '5725767000000026011' }],
  };
}

function renderUser(u: SimUser): Record<string, unknown> {
  return {
    id: u.id,
    full_name: u.name,
    first_name: u.first_name,
    last_name: u.last_name,
    email: u.email,
    status: 'active',
    zuid: u.zuid,
    time_zone: 'UTC',
    locale: 'en_US',
    country: 'US',
    confirm: true,
    role: { name: u.role, id: `57257670000000264${u.role === 'CEO' ? '11' : u.role === 'Manager' ? '12' : '13'}` },
    profile: { name: u.profile, id: u.profile === 'Administrator' ? '5725767000000026011' : '5725767000000026014' },
    created_time: zohoDateTime(ORG_CREATED_MS),
    Modified_Time: zohoDateTime(ORG_CREATED_MS),
  };
}

export function orgBody(): Record<string, unknown> {
  return {
    country: 'United States',
    photo_id: null,
    city: 'Austin',
    description: null,
    mc_status: false,
    gapps_enabled: false,
    translation_enabled: false,
    street: '4141 Hacienda Drive',
    domain_name: `org${ORG_ZGID}`,
    alias: 'zylker',
    currency: 'US Dollar - USD',
    id: ORG_ID,
    state: 'Texas',
    fax: null,
    zip: '78701',
    employee_count: '120',
    website: 'https://www.zylker.example',
    currency_symbol: '$',
    mobile: null,
    currency_locale: 'en_US',
    primary_zuid: ADMIN.zuid,
    zia_portal_id: null,
    time_zone: 'UTC',
    zgid: ORG_ZGID,
    country_code: 'US',
    deletable_org_account: false,
    license_details: {
      paid_expiry: '2027-03-14T00:00:00+00:00',
      users_license_purchased: 10,
      trial_type: null,
      trial_expiry: null,
      paid: true,
      paid_type: 'enterprise',
      trial_action: '',
    },
    hierarchy_preferences: { type: 'Role_Hierarchy', strictly_reporting: false },
    phone: '+1 555 0100',
    company_name: 'Zylker Corp (sandbox)',
    privacy_settings: false,
    primary_email: ADMIN.email,
    iso_code: 'USD',
    hipaa_compliance_enabled: false,
    lite_users_enabled: false,
    max_per_page: 200,
    ezgid: 'zylkersandbox',
    call_icon: 'callIcon',
    oauth_presence: true,
    zia_zgid: Number(ORG_ZGID),
    checkin_preferences: { restricted_event_types: null },
    type: 'Production',
    created_time: zohoDateTime(ORG_CREATED_MS),
  };
}

export function metaRoutes(app: FastifyInstance, sim: Sim): void {
  app.get('/org', { config: { scopes: () => [['ZohoCRM.org.READ']] } }, (_req, reply) => sendJson(reply, 200, { org: [orgBody()] }));

  app.get('/users', { config: { scopes: () => [['ZohoCRM.users.READ']] } }, (req, reply) => {
    const q = query(req);
    const type = q.type ?? 'AllUsers';
    if (!['AllUsers', 'ActiveUsers', 'CurrentUser', 'AdminUsers', 'ActiveConfirmedUsers'].includes(type)) throw zerr.invalidParam('type');
    const me = USERS.find((u) => u.id === req.zoho.grant?.userId) ?? ADMIN;
    const list = type === 'CurrentUser' ? [me] : type === 'AdminUsers' ? USERS.filter((u) => u.profile === 'Administrator') : [...USERS];
    const { slice, info } = paginate(list, intParam(q, 'page', 1, 1, 10_000), intParam(q, 'per_page', 200, 1, 200));
    if (slice.length === 0) return noContent(reply);
    return sendJson(reply, 200, { users: slice.map(renderUser), info });
  });

  // One user by id, as an owner lookup's target (F42); an unknown id answers 204 like a record read.
  app.get('/users/:id', { config: { scopes: () => [['ZohoCRM.users.READ']] } }, (req, reply) => {
    const u = USERS.find((x) => x.id === params(req).id);
    if (!u) return noContent(reply);
    return sendJson(reply, 200, { users: [renderUser(u)] });
  });

  app.get('/settings/modules', { config: { scopes: () => [settingsScope('modules')] } }, (_req, reply) =>
    sendJson(reply, 200, { modules: MODULES.map(renderModule) }),
  );

  app.get('/settings/modules/:api_name', { config: { scopes: () => [settingsScope('modules')] } }, (req, reply) => {
    const m = moduleDef(params(req).api_name ?? '');
    if (!m) throw zerr.invalidModule();
    return sendJson(reply, 200, { modules: [{ ...renderModule(m), fields: allFields(m).map((f) => renderField(m, f)) }] });
  });

  app.get('/settings/fields', { config: { scopes: () => [settingsScope('fields')] } }, (req, reply) => {
    const q = query(req);
    if (!q.module) throw zerr.requiredParam('module');
    const m = moduleDef(q.module);
    if (!m || !m.api_supported) throw zerr.invalidModule();
    return sendJson(reply, 200, { fields: allFields(m).map((f) => renderField(m, f)) });
  });

  app.get('/settings/layouts', { config: { scopes: () => [settingsScope('layouts')] } }, (req, reply) => {
    const q = query(req);
    if (!q.module) throw zerr.requiredParam('module');
    const m = moduleDef(q.module);
    if (!m || !m.api_supported) throw zerr.invalidModule();
    return sendJson(reply, 200, {
      layouts: [
        {
          id: fieldId(m.api_name, '__layout'),
          name: 'Standard',
          status: 'active',
          visible: true,
          created_time: zohoDateTime(ORG_CREATED_MS),
          modified_time: zohoDateTime(ORG_CREATED_MS),
          sections: [
            {
              api_name: `${m.singular_label.replace(/\s/g, '_')}_Information`,
              display_label: `${m.singular_label} Information`,
              sequence_number: 1,
              fields: allFields(m)
                .filter((f) => !f.read_only)
                .map((f) => ({ api_name: f.api_name, id: fieldId(m.api_name, f.api_name), display_label: f.label, required: f.mandatory ?? false })),
            },
          ],
        },
      ],
    });
  });
  void sim;
}
