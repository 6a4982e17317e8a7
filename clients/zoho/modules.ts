// Modules the connector can poll (F10), with the record-name field and the status-like picklist that
// status sync (F17) offers first. Source: reference/zoho-crm-api.md §3.1 and §3.3; status fields that
// are UNCONFIRMED there are still read from /settings/fields at runtime.

export interface PollingModule {
  apiName: string;
  /** Web UI label. */
  label: string;
  /** The field that names a record (Zoho's system-mandatory "name" field). */
  nameField: string;
  /** A picklist that behaves like a status, if the module has one. */
  statusField: string | undefined;
}

export const POLLING_READY_MODULES = [
  { apiName: 'Leads', label: 'Leads', nameField: 'Last_Name', statusField: 'Lead_Status' },
  { apiName: 'Contacts', label: 'Contacts', nameField: 'Last_Name', statusField: undefined },
  { apiName: 'Accounts', label: 'Accounts', nameField: 'Account_Name', statusField: undefined },
  { apiName: 'Deals', label: 'Deals', nameField: 'Deal_Name', statusField: 'Stage' },
  { apiName: 'Campaigns', label: 'Campaigns', nameField: 'Campaign_Name', statusField: 'Status' },
  { apiName: 'Calls', label: 'Calls', nameField: 'Subject', statusField: 'Call_Status' },
  { apiName: 'Events', label: 'Meetings', nameField: 'Event_Title', statusField: undefined },
  { apiName: 'Tasks', label: 'Tasks', nameField: 'Subject', statusField: 'Status' },
  { apiName: 'Products', label: 'Products', nameField: 'Product_Name', statusField: undefined },
  { apiName: 'Vendors', label: 'Vendors', nameField: 'Vendor_Name', statusField: undefined },
  { apiName: 'Price_Books', label: 'Price Books', nameField: 'Price_Book_Name', statusField: undefined },
  { apiName: 'Quotes', label: 'Quotes', nameField: 'Subject', statusField: 'Quote_Stage' },
  { apiName: 'Sales_Orders', label: 'Sales Orders', nameField: 'Subject', statusField: 'Status' },
  { apiName: 'Purchase_Orders', label: 'Purchase Orders', nameField: 'Subject', statusField: 'Status' },
  { apiName: 'Invoices', label: 'Invoices', nameField: 'Subject', statusField: 'Status' },
  { apiName: 'Cases', label: 'Cases', nameField: 'Subject', statusField: 'Status' },
  { apiName: 'Solutions', label: 'Solutions', nameField: 'Solution_Title', statusField: 'Status' },
  { apiName: 'Appointments__s', label: 'Appointments', nameField: 'Appointment_Name', statusField: 'Status' },
  { apiName: 'Services__s', label: 'Services', nameField: 'Service_Name', statusField: undefined },
] as const satisfies readonly PollingModule[];

export type PollingModuleApiName = (typeof POLLING_READY_MODULES)[number]['apiName'];

export const POLLING_READY_MODULE_NAMES: readonly string[] = POLLING_READY_MODULES.map((m) => m.apiName);

export function isPollingReadyModule(apiName: string): apiName is PollingModuleApiName {
  return POLLING_READY_MODULE_NAMES.includes(apiName);
}

export function pollingModule(apiName: string): PollingModule | undefined {
  return POLLING_READY_MODULES.find((m) => m.apiName === apiName);
}
