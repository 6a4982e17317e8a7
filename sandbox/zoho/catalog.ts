// The demo org's modules and fields: the 19 polling-ready modules (F10) with their record-name fields and
// status-like picklists, plus non-API modules so `api_supported` means something. Field api names and
// data types follow Zoho's standard modules (reference/zoho-crm-api.md §3).

export type DataType =
  | 'text'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'website'
  | 'picklist'
  | 'multiselectpicklist'
  | 'integer'
  | 'bigint'
  | 'double'
  | 'currency'
  | 'percent'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'lookup'
  | 'ownerlookup';

export interface FieldDef {
  api_name: string;
  label: string;
  data_type: DataType;
  length?: number;
  mandatory?: boolean;
  read_only?: boolean;
  unique?: boolean;
  picklist?: readonly string[];
  lookupModule?: string;
}

export interface ModuleDef {
  api_name: string;
  module_name: string;
  singular_label: string;
  plural_label: string;
  /** Record-name field (primary display field). */
  nameField: string;
  fields: readonly FieldDef[];
  api_supported: boolean;
}

const text = (api_name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({
  api_name,
  label,
  data_type: 'text',
  length: 255,
  ...extra,
});
const pick = (api_name: string, label: string, picklist: readonly string[], extra: Partial<FieldDef> = {}): FieldDef => ({
  api_name,
  label,
  data_type: 'picklist',
  picklist,
  ...extra,
});
const f = (api_name: string, label: string, data_type: DataType, extra: Partial<FieldDef> = {}): FieldDef => ({
  api_name,
  label,
  data_type,
  ...(data_type === 'textarea' ? { length: 32000 } : {}),
  ...(data_type === 'email' || data_type === 'phone' || data_type === 'website' ? { length: 255 } : {}),
  ...extra,
});
const lookup = (api_name: string, label: string, lookupModule: string, extra: Partial<FieldDef> = {}): FieldDef => ({
  api_name,
  label,
  data_type: 'lookup',
  lookupModule,
  ...extra,
});

/** Fields every module has; the system maintains the read-only ones. */
const SYSTEM_FIELDS: readonly FieldDef[] = [
  f('Owner', 'Owner', 'ownerlookup'),
  f('Created_Time', 'Created Time', 'datetime', { read_only: true }),
  f('Modified_Time', 'Modified Time', 'datetime', { read_only: true }),
  f('Created_By', 'Created By', 'ownerlookup', { read_only: true }),
  f('Modified_By', 'Modified By', 'ownerlookup', { read_only: true }),
  f('Description', 'Description', 'textarea'),
  f('Tag', 'Tag', 'multiselectpicklist', { read_only: true, picklist: [] }),
];

const LEAD_STATUS = ['-None-', 'Attempted to Contact', 'Contact in Future', 'Contacted', 'Junk Lead', 'Lost Lead', 'Not Contacted', 'Pre-Qualified', 'Not Qualified'];
const LEAD_SOURCE = ['-None-', 'Advertisement', 'Cold Call', 'Employee Referral', 'External Referral', 'Online Store', 'Partner', 'Public Relations', 'Sales Email Alias', 'Seminar Partner', 'Trade Show', 'Web Download', 'Web Research', 'Chat'];
const INDUSTRY = ['-None-', 'ASP (Application Service Provider)', 'Data/Telecom OEM', 'ERP (Enterprise Resource Planning)', 'Government/Military', 'Large Enterprise', 'Management ISV', 'MSP (Management Service Provider)', 'Network Equipment Enterprise', 'Non-management ISV', 'Optical Networking', 'Service Provider', 'Small/Medium Enterprise', 'Storage Equipment', 'Storage Service Provider', 'Systems Integrator', 'Wireless Industry'];
const DEAL_STAGE = ['Qualification', 'Needs Analysis', 'Value Proposition', 'Identify Decision Makers', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost', 'Closed Lost to Competition'];
const TASK_STATUS = ['Not Started', 'Deferred', 'In Progress', 'Completed', 'Waiting for input'];
const PRIORITY = ['High', 'Highest', 'Low', 'Lowest', 'Normal'];
const CASE_STATUS = ['New', 'On Hold', 'Escalated', 'Closed'];
const CASE_ORIGIN = ['Email', 'Phone', 'Web'];
const ORDER_STATUS = ['Created', 'Approved', 'Delivered', 'Cancelled'];
const INVOICE_STATUS = ['Created', 'Approved', 'Delivered', 'Cancelled', 'Paid'];
const PO_STATUS = ['Created', 'Approved', 'Delivered', 'Cancelled'];

export const MODULES: readonly ModuleDef[] = [
  {
    api_name: 'Leads',
    module_name: 'Leads',
    singular_label: 'Lead',
    plural_label: 'Leads',
    nameField: 'Last_Name',
    api_supported: true,
    fields: [
      text('First_Name', 'First Name', { length: 40 }),
      text('Last_Name', 'Last Name', { length: 80, mandatory: true }),
      text('Full_Name', 'Lead Name', { read_only: true }),
      text('Company', 'Company', { length: 200 }),
      f('Email', 'Email', 'email', { unique: true }),
      f('Phone', 'Phone', 'phone'),
      f('Mobile', 'Mobile', 'phone'),
      f('Website', 'Website', 'website'),
      pick('Lead_Status', 'Lead Status', LEAD_STATUS),
      pick('Lead_Source', 'Lead Source', LEAD_SOURCE),
      pick('Industry', 'Industry', INDUSTRY),
      f('Annual_Revenue', 'Annual Revenue', 'currency'),
      f('No_of_Employees', 'No. of Employees', 'integer'),
      f('Rating', 'Rating', 'picklist', { picklist: ['-None-', 'Acquired', 'Active', 'Market Failed', 'Project Cancelled', 'Shut Down'] }),
      f('Email_Opt_Out', 'Email Opt Out', 'boolean'),
    ],
  },
  {
    api_name: 'Contacts',
    module_name: 'Contacts',
    singular_label: 'Contact',
    plural_label: 'Contacts',
    nameField: 'Last_Name',
    api_supported: true,
    fields: [
      text('First_Name', 'First Name', { length: 40 }),
      text('Last_Name', 'Last Name', { length: 80, mandatory: true }),
      text('Full_Name', 'Contact Name', { read_only: true }),
      f('Email', 'Email', 'email', { unique: true }),
      f('Phone', 'Phone', 'phone'),
      f('Mobile', 'Mobile', 'phone'),
      text('Title', 'Title', { length: 100 }),
      text('Department', 'Department', { length: 30 }),
      lookup('Account_Name', 'Account Name', 'Accounts'),
      pick('Lead_Source', 'Lead Source', LEAD_SOURCE),
      f('Date_of_Birth', 'Date of Birth', 'date'),
      f('Email_Opt_Out', 'Email Opt Out', 'boolean'),
    ],
  },
  {
    api_name: 'Accounts',
    module_name: 'Accounts',
    singular_label: 'Account',
    plural_label: 'Accounts',
    nameField: 'Account_Name',
    api_supported: true,
    fields: [
      text('Account_Name', 'Account Name', { length: 200, mandatory: true }),
      text('Account_Number', 'Account Number', { length: 40 }),
      f('Phone', 'Phone', 'phone'),
      f('Website', 'Website', 'website'),
      pick('Account_Type', 'Account Type', ['-None-', 'Analyst', 'Competitor', 'Customer', 'Distributor', 'Integrator', 'Investor', 'Other', 'Partner', 'Press', 'Prospect', 'Reseller', 'Supplier', 'Vendor']),
      pick('Industry', 'Industry', INDUSTRY),
      f('Annual_Revenue', 'Annual Revenue', 'currency'),
      f('Employees', 'Employees', 'integer'),
      text('Billing_City', 'Billing City', { length: 30 }),
      text('Billing_Country', 'Billing Country', { length: 30 }),
    ],
  },
  {
    api_name: 'Deals',
    module_name: 'Deals',
    singular_label: 'Deal',
    plural_label: 'Deals',
    nameField: 'Deal_Name',
    api_supported: true,
    fields: [
      text('Deal_Name', 'Deal Name', { length: 120, mandatory: true }),
      pick('Stage', 'Stage', DEAL_STAGE, { mandatory: true }),
      f('Amount', 'Amount', 'currency'),
      f('Closing_Date', 'Closing Date', 'date'),
      f('Probability', 'Probability (%)', 'percent'),
      lookup('Account_Name', 'Account Name', 'Accounts'),
      lookup('Contact_Name', 'Contact Name', 'Contacts'),
      pick('Type', 'Type', ['-None-', 'Existing Business', 'New Business']),
      pick('Lead_Source', 'Lead Source', LEAD_SOURCE),
      text('Next_Step', 'Next Step', { length: 100 }),
      // Values that differ from Jira's priorities, so mapping them needs a value map (F41).
      pick('Deal_Priority', 'Priority', ['-None-', 'Critical', 'Urgent', 'Normal', 'Someday']),
    ],
  },
  {
    api_name: 'Campaigns',
    module_name: 'Campaigns',
    singular_label: 'Campaign',
    plural_label: 'Campaigns',
    nameField: 'Campaign_Name',
    api_supported: true,
    fields: [
      text('Campaign_Name', 'Campaign Name', { length: 120, mandatory: true }),
      pick('Type', 'Type', ['-None-', 'Advertisement', 'Banner Ads', 'Conference', 'Direct mail', 'Email', 'Partner', 'Public Relations', 'Referral Program', 'Telemarketing', 'Trade Show', 'Webinar', 'Others']),
      pick('Status', 'Status', ['-None-', 'Planning', 'Active', 'Inactive', 'Complete']),
      f('Start_Date', 'Start Date', 'date'),
      f('End_Date', 'End Date', 'date'),
      f('Budgeted_Cost', 'Budgeted Cost', 'currency'),
      f('Expected_Revenue', 'Expected Revenue', 'currency'),
    ],
  },
  {
    api_name: 'Calls',
    module_name: 'Calls',
    singular_label: 'Call',
    plural_label: 'Calls',
    nameField: 'Subject',
    api_supported: true,
    fields: [
      text('Subject', 'Subject', { mandatory: true }),
      pick('Call_Type', 'Call Type', ['Outbound', 'Inbound', 'Missed'], { mandatory: true }),
      f('Call_Start_Time', 'Call Start Time', 'datetime', { mandatory: true }),
      text('Call_Duration', 'Call Duration', { length: 10, mandatory: true }),
      pick('Call_Status', 'Call Status', ['Scheduled', 'Overdue', 'Cancelled', 'Completed']),
      pick('Call_Purpose', 'Call Purpose', ['-None-', 'Prospecting', 'Administrative', 'Negotiation', 'Demo', 'Project', 'Desk']),
      pick('Call_Result', 'Call Result', ['-None-', 'Interested', 'Not interested', 'No response', 'Busy', 'Requested more info']),
    ],
  },
  {
    api_name: 'Events',
    module_name: 'Meetings',
    singular_label: 'Meeting',
    plural_label: 'Meetings',
    nameField: 'Event_Title',
    api_supported: true,
    fields: [
      text('Event_Title', 'Title', { mandatory: true }),
      f('Start_DateTime', 'From', 'datetime', { mandatory: true }),
      f('End_DateTime', 'To', 'datetime', { mandatory: true }),
      text('Venue', 'Venue'),
      f('All_day', 'All day', 'boolean'),
    ],
  },
  {
    api_name: 'Tasks',
    module_name: 'Tasks',
    singular_label: 'Task',
    plural_label: 'Tasks',
    nameField: 'Subject',
    api_supported: true,
    fields: [
      text('Subject', 'Subject', { mandatory: true }),
      f('Due_Date', 'Due Date', 'date'),
      pick('Status', 'Status', TASK_STATUS),
      pick('Priority', 'Priority', PRIORITY),
      f('Send_Notification_Email', 'Send Notification Email', 'boolean'),
    ],
  },
  {
    api_name: 'Products',
    module_name: 'Products',
    singular_label: 'Product',
    plural_label: 'Products',
    nameField: 'Product_Name',
    api_supported: true,
    fields: [
      text('Product_Name', 'Product Name', { length: 120, mandatory: true }),
      text('Product_Code', 'Product Code', { length: 40 }),
      f('Product_Active', 'Product Active', 'boolean'),
      pick('Product_Category', 'Product Category', ['-None-', 'Hardware', 'Software', 'CRM Applications']),
      f('Unit_Price', 'Unit Price', 'currency'),
      f('Qty_in_Stock', 'Qty in Stock', 'double'),
    ],
  },
  {
    api_name: 'Vendors',
    module_name: 'Vendors',
    singular_label: 'Vendor',
    plural_label: 'Vendors',
    nameField: 'Vendor_Name',
    api_supported: true,
    fields: [
      text('Vendor_Name', 'Vendor Name', { length: 100, mandatory: true }),
      f('Email', 'Email', 'email'),
      f('Phone', 'Phone', 'phone'),
      f('Website', 'Website', 'website'),
      pick('GL_Account', 'GL Account', ['-None-', 'Sales-Software', 'Sales-Hardware', 'Rental-Income', 'Interest-Income']),
    ],
  },
  {
    api_name: 'Price_Books',
    module_name: 'PriceBooks',
    singular_label: 'Price Book',
    plural_label: 'Price Books',
    nameField: 'Price_Book_Name',
    api_supported: true,
    fields: [
      text('Price_Book_Name', 'Price Book Name', { length: 50, mandatory: true }),
      f('Active', 'Active', 'boolean'),
      pick('Pricing_Model', 'Pricing Model', ['-None-', 'Flat', 'Differential']),
    ],
  },
  {
    api_name: 'Quotes',
    module_name: 'Quotes',
    singular_label: 'Quote',
    plural_label: 'Quotes',
    nameField: 'Subject',
    api_supported: true,
    fields: [
      text('Subject', 'Subject', { mandatory: true }),
      pick('Quote_Stage', 'Quote Stage', ['Draft', 'Negotiation', 'Delivered', 'On Hold', 'Confirmed', 'Closed Won', 'Closed Lost']),
      f('Valid_Till', 'Valid Till', 'date'),
      lookup('Account_Name', 'Account Name', 'Accounts'),
      lookup('Deal_Name', 'Deal Name', 'Deals'),
      f('Grand_Total', 'Grand Total', 'currency', { read_only: true }),
    ],
  },
  {
    api_name: 'Sales_Orders',
    module_name: 'SalesOrders',
    singular_label: 'Sales Order',
    plural_label: 'Sales Orders',
    nameField: 'Subject',
    api_supported: true,
    fields: [
      text('Subject', 'Subject', { mandatory: true }),
      pick('Status', 'Status', ORDER_STATUS),
      f('Due_Date', 'Due Date', 'date'),
      lookup('Account_Name', 'Account Name', 'Accounts'),
      f('Grand_Total', 'Grand Total', 'currency', { read_only: true }),
    ],
  },
  {
    api_name: 'Purchase_Orders',
    module_name: 'PurchaseOrders',
    singular_label: 'Purchase Order',
    plural_label: 'Purchase Orders',
    nameField: 'Subject',
    api_supported: true,
    fields: [
      text('Subject', 'Subject', { mandatory: true }),
      pick('Status', 'Status', PO_STATUS),
      lookup('Vendor_Name', 'Vendor Name', 'Vendors'),
      f('PO_Date', 'PO Date', 'date'),
      f('Grand_Total', 'Grand Total', 'currency', { read_only: true }),
    ],
  },
  {
    api_name: 'Invoices',
    module_name: 'Invoices',
    singular_label: 'Invoice',
    plural_label: 'Invoices',
    nameField: 'Subject',
    api_supported: true,
    fields: [
      text('Subject', 'Subject', { mandatory: true }),
      pick('Status', 'Status', INVOICE_STATUS),
      f('Invoice_Date', 'Invoice Date', 'date'),
      f('Due_Date', 'Due Date', 'date'),
      lookup('Account_Name', 'Account Name', 'Accounts'),
      f('Grand_Total', 'Grand Total', 'currency', { read_only: true }),
    ],
  },
  {
    api_name: 'Cases',
    module_name: 'Cases',
    singular_label: 'Case',
    plural_label: 'Cases',
    nameField: 'Subject',
    api_supported: true,
    fields: [
      text('Subject', 'Subject', { mandatory: true }),
      pick('Status', 'Status', CASE_STATUS, { mandatory: true }),
      pick('Case_Origin', 'Case Origin', CASE_ORIGIN, { mandatory: true }),
      pick('Priority', 'Priority', ['-None-', 'High', 'Medium', 'Low']),
      pick('Type', 'Type', ['-None-', 'Problem', 'Feature Request', 'Question']),
      f('Email', 'Email', 'email'),
      lookup('Account_Name', 'Account Name', 'Accounts'),
      f('Solution', 'Solution', 'textarea'),
    ],
  },
  {
    api_name: 'Solutions',
    module_name: 'Solutions',
    singular_label: 'Solution',
    plural_label: 'Solutions',
    nameField: 'Solution_Title',
    api_supported: true,
    fields: [
      text('Solution_Title', 'Solution Title', { mandatory: true }),
      pick('Status', 'Status', ['Draft', 'Reviewed', 'Published']),
      text('Question', 'Question', { length: 2000 }),
      f('Answer', 'Answer', 'textarea'),
      f('Published', 'Published', 'boolean'),
    ],
  },
  {
    api_name: 'Appointments__s',
    module_name: 'Appointments',
    singular_label: 'Appointment',
    plural_label: 'Appointments',
    nameField: 'Appointment_Name',
    api_supported: true,
    fields: [
      text('Appointment_Name', 'Appointment Name', { mandatory: true }),
      f('Appointment_Start_Time', 'Appointment Start Time', 'datetime', { mandatory: true }),
      pick('Status', 'Status', ['Upcoming', 'In Progress', 'Completed', 'Cancelled', 'Overdue', 'Rescheduled']),
      text('Location', 'Location'),
    ],
  },
  {
    api_name: 'Services__s',
    module_name: 'Services',
    singular_label: 'Service',
    plural_label: 'Services',
    nameField: 'Service_Name',
    api_supported: true,
    fields: [
      text('Service_Name', 'Service Name', { mandatory: true }),
      f('Price', 'Price', 'currency'),
      text('Duration', 'Duration', { length: 20 }),
      pick('Status', 'Status', ['Active', 'Inactive']),
    ],
  },
  // Not polling-ready, but present in every org.
  { api_name: 'Home', module_name: 'Home', singular_label: 'Home', plural_label: 'Home', nameField: 'id', api_supported: false, fields: [] },
  { api_name: 'Reports', module_name: 'Reports', singular_label: 'Report', plural_label: 'Reports', nameField: 'id', api_supported: false, fields: [] },
  { api_name: 'Analytics', module_name: 'Dashboards', singular_label: 'Dashboard', plural_label: 'Dashboards', nameField: 'id', api_supported: false, fields: [] },
];

export function moduleDef(apiName: string): ModuleDef | undefined {
  return MODULES.find((m) => m.api_name === apiName);
}

/** Every field of a module, system fields included. */
export function allFields(def: ModuleDef): readonly FieldDef[] {
  return [...def.fields, ...SYSTEM_FIELDS];
}

export function fieldDef(def: ModuleDef, apiName: string): FieldDef | undefined {
  return allFields(def).find((x) => x.api_name === apiName);
}
