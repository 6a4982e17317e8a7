// A believable demo org ("Zylker"): records in all 19 polling-ready modules with picklist status values,
// lookups between them and a few notes. Deterministic, so screenshots and tests see the same data.
import { moduleDef } from './catalog';
import { USERS, type OrgStore } from './store';

const COMPANIES = ['Zylker Foods', 'Acme Robotics', 'Blue Harbor Logistics', 'Nimbus Analytics', 'Orchid Health', 'Granite Works', 'Kestrel Airlines', 'Lumen Energy', 'Maple Street Bank', 'Northwind Traders', 'Pinecone Software', 'Quartz Media'];
const FIRST = ['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Mateo', 'Sophia', 'Lucas', 'Mia', 'Ethan', 'Isla', 'Kenji'];
const LAST = ['Schmidt', 'Okafor', 'Tanaka', 'Silva', 'Novak', 'Haddad', 'Larsen', 'Moreau', 'Kowalski', 'Reyes', 'Fischer', 'Iyer'];
const DAY = 86_400_000;

function pickOf<T>(list: readonly T[], i: number): T {
  return list[i % list.length]!;
}

function dateIn(baseMs: number, days: number): string {
  return new Date(baseMs + days * DAY).toISOString().slice(0, 10);
}

function dateTimeIn(baseMs: number, hours: number): string {
  return new Date(Math.floor((baseMs + hours * 3_600_000) / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** Inserts the demo data through the store's own validation, then back-dates it across ~60 days. */
export function seedDemoOrg(store: OrgStore, now: number): void {
  const ids: Record<string, string[]> = {};
  const add = (module: string, rows: Record<string, unknown>[]): void => {
    const def = moduleDef(module);
    if (!def) throw new Error(`seed: unknown module ${module}`);
    ids[module] = [];
    rows.forEach((row, i) => {
      const owner = USERS[i % USERS.length]!;
      const r = store.insert(def, { ...row, Owner: { id: owner.id } }, i, USERS[0]!.id);
      if (!r.ok) throw new Error(`seed: ${module}[${i}] ${r.error.code} ${JSON.stringify(r.error.details)}`);
      // Spread creation over the last two months; keep Modified_Time ≥ Created_Time.
      const created = Math.floor(now / 1000) * 1000 - (60 - ((i * 7) % 58)) * DAY - i * 3_600_000;
      r.record.createdMs = created;
      r.record.modifiedMs = Math.floor(Math.min(now - 3_600_000, created + ((i * 5) % 20) * DAY) / 1000) * 1000;
      r.record.indexedMs = r.record.modifiedMs;
      ids[module]!.push(r.record.id);
    });
  };
  const at = (module: string, i: number): { id: string } => ({ id: pickOf(ids[module] ?? [], i) });

  add(
    'Accounts',
    COMPANIES.map((c, i) => ({
      Account_Name: c,
      Account_Number: `ACC-${1000 + i}`,
      Phone: `+1 555 01${String(i).padStart(2, '0')}`,
      Website: `https://www.${c.toLowerCase().replace(/[^a-z]/g, '')}.example`,
      Account_Type: pickOf(['Customer', 'Prospect', 'Partner', 'Reseller'], i),
      Industry: pickOf(['Large Enterprise', 'Small/Medium Enterprise', 'Service Provider', 'Systems Integrator'], i),
      Annual_Revenue: 250_000 * (i + 1),
      Employees: 20 * (i + 3),
      Billing_City: pickOf(['Austin', 'Berlin', 'Chennai', 'Sydney', 'Tokyo', 'Toronto'], i),
      Billing_Country: pickOf(['USA', 'Germany', 'India', 'Australia', 'Japan', 'Canada'], i),
    })),
  );
  add(
    'Contacts',
    FIRST.map((fn, i) => ({
      First_Name: fn,
      Last_Name: pickOf(LAST, i),
      Email: `${fn.toLowerCase()}.${pickOf(LAST, i).toLowerCase()}@${pickOf(COMPANIES, i).toLowerCase().replace(/[^a-z]/g, '')}.example`,
      Phone: `+1 555 02${String(i).padStart(2, '0')}`,
      Title: pickOf(['CTO', 'VP Sales', 'Procurement Lead', 'Head of Support', 'CFO'], i),
      Account_Name: at('Accounts', i),
      Lead_Source: pickOf(['Trade Show', 'Web Download', 'Partner', 'Cold Call'], i),
    })),
  );
  add(
    'Leads',
    Array.from({ length: 15 }, (_, i) => ({
      First_Name: pickOf(FIRST, i + 3),
      Last_Name: pickOf(LAST, i + 5),
      Company: pickOf(COMPANIES, i + 2),
      Email: `lead${i + 1}@prospect${i + 1}.example`,
      Phone: `+1 555 03${String(i).padStart(2, '0')}`,
      Lead_Status: pickOf(['Not Contacted', 'Attempted to Contact', 'Contacted', 'Pre-Qualified', 'Contact in Future', 'Junk Lead'], i),
      Lead_Source: pickOf(['Advertisement', 'Web Research', 'Chat', 'Seminar Partner'], i),
      Industry: pickOf(['ERP (Enterprise Resource Planning)', 'Wireless Industry', 'Optical Networking'], i),
      No_of_Employees: 10 + i * 4,
    })),
  );
  add(
    'Deals',
    Array.from({ length: 14 }, (_, i) => ({
      Deal_Name: `${pickOf(COMPANIES, i)} — ${pickOf(['Annual licence', 'Pilot', 'Expansion', 'Renewal', 'Support plan'], i)}`,
      Stage: pickOf(['Qualification', 'Needs Analysis', 'Value Proposition', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost'], i),
      Amount: 5_000 + i * 3_750,
      Closing_Date: dateIn(now, 10 + i * 6),
      Probability: pickOf([10, 20, 40, 60, 75, 100, 0], i),
      Account_Name: at('Accounts', i),
      Contact_Name: at('Contacts', i),
      Type: pickOf(['New Business', 'Existing Business'], i),
      Deal_Priority: pickOf(['Normal', 'Urgent', 'Someday', 'Critical'], i),
      Next_Step: pickOf(['Send proposal', 'Schedule demo', 'Legal review', 'Kick-off call'], i),
    })),
  );
  add(
    'Campaigns',
    ['Spring Webinar Series', 'Trade Show Berlin', 'Partner Newsletter', 'Retail Expo', 'Customer Advocacy'].map((n, i) => ({
      Campaign_Name: n,
      Type: pickOf(['Webinar', 'Trade Show', 'Email', 'Conference', 'Referral Program'], i),
      Status: pickOf(['Planning', 'Active', 'Complete', 'Inactive'], i),
      Start_Date: dateIn(now, -30 + i * 10),
      End_Date: dateIn(now, -10 + i * 12),
      Budgeted_Cost: 2_000 * (i + 1),
      Expected_Revenue: 15_000 * (i + 1),
    })),
  );
  add(
    'Calls',
    Array.from({ length: 8 }, (_, i) => ({
      Subject: `${pickOf(['Discovery call', 'Follow-up', 'Pricing call', 'Onboarding check-in'], i)} with ${pickOf(FIRST, i)}`,
      Call_Type: pickOf(['Outbound', 'Inbound'], i),
      Call_Start_Time: dateTimeIn(now, -48 * (i + 1)),
      Call_Duration: pickOf(['05:00', '12:30', '30:00', '45:10'], i),
      Call_Status: pickOf(['Completed', 'Scheduled', 'Cancelled', 'Overdue'], i),
      Call_Purpose: pickOf(['Prospecting', 'Negotiation', 'Demo', 'Project'], i),
    })),
  );
  add(
    'Events',
    Array.from({ length: 6 }, (_, i) => ({
      Event_Title: `${pickOf(['Quarterly review', 'Product demo', 'Contract signing', 'Workshop'], i)} — ${pickOf(COMPANIES, i)}`,
      Start_DateTime: dateTimeIn(now, 24 * (i + 1)),
      End_DateTime: dateTimeIn(now, 24 * (i + 1) + 1),
      Venue: pickOf(['Zoom', 'Customer office', 'HQ room 3'], i),
    })),
  );
  add(
    'Tasks',
    Array.from({ length: 10 }, (_, i) => ({
      Subject: pickOf(['Prepare quote', 'Send contract', 'Call back about pricing', 'Update forecast', 'Review SLA'], i),
      Due_Date: dateIn(now, i - 3),
      Status: pickOf(['Not Started', 'In Progress', 'Completed', 'Deferred', 'Waiting for input'], i),
      Priority: pickOf(['High', 'Normal', 'Low', 'Highest'], i),
    })),
  );
  add(
    'Products',
    ['Zylker Cloud Suite', 'Edge Gateway X2', 'Analytics Add-on', 'Support Plus', 'Sensor Pack'].map((n, i) => ({
      Product_Name: n,
      Product_Code: `PRD-${200 + i}`,
      Product_Active: i !== 4,
      Product_Category: pickOf(['Software', 'Hardware', 'CRM Applications'], i),
      Unit_Price: 99 + i * 150,
      Qty_in_Stock: 40 + i * 10,
    })),
  );
  add(
    'Vendors',
    ['Component Supply Co', 'Fastship Freight', 'Cloudrack Hosting', 'PrintWorks'].map((n, i) => ({
      Vendor_Name: n,
      Email: `orders@${n.toLowerCase().replace(/[^a-z]/g, '')}.example`,
      Phone: `+1 555 04${String(i).padStart(2, '0')}`,
      GL_Account: pickOf(['Sales-Hardware', 'Sales-Software'], i),
    })),
  );
  add(
    'Price_Books',
    ['Standard 2026', 'Partner Discount', 'Enterprise Volume'].map((n, i) => ({ Price_Book_Name: n, Active: true, Pricing_Model: pickOf(['Flat', 'Differential'], i) })),
  );
  add(
    'Quotes',
    Array.from({ length: 6 }, (_, i) => ({
      Subject: `Quote Q-${3100 + i} for ${pickOf(COMPANIES, i)}`,
      Quote_Stage: pickOf(['Draft', 'Negotiation', 'Delivered', 'Confirmed', 'Closed Won', 'On Hold'], i),
      Valid_Till: dateIn(now, 30 - i),
      Account_Name: at('Accounts', i),
      Deal_Name: at('Deals', i),
    })),
  );
  add(
    'Sales_Orders',
    Array.from({ length: 5 }, (_, i) => ({
      Subject: `SO-${5200 + i} ${pickOf(COMPANIES, i + 1)}`,
      Status: pickOf(['Created', 'Approved', 'Delivered', 'Cancelled'], i),
      Due_Date: dateIn(now, 14 + i),
      Account_Name: at('Accounts', i + 1),
    })),
  );
  add(
    'Purchase_Orders',
    Array.from({ length: 4 }, (_, i) => ({
      Subject: `PO-${7300 + i} restock`,
      Status: pickOf(['Created', 'Approved', 'Delivered', 'Cancelled'], i),
      Vendor_Name: at('Vendors', i),
      PO_Date: dateIn(now, -i * 5),
    })),
  );
  add(
    'Invoices',
    Array.from({ length: 6 }, (_, i) => ({
      Subject: `INV-${9100 + i} ${pickOf(COMPANIES, i + 2)}`,
      Status: pickOf(['Created', 'Approved', 'Delivered', 'Paid', 'Cancelled'], i),
      Invoice_Date: dateIn(now, -20 + i * 3),
      Due_Date: dateIn(now, 10 + i * 3),
      Account_Name: at('Accounts', i + 2),
    })),
  );
  add(
    'Cases',
    Array.from({ length: 10 }, (_, i) => ({
      Subject: pickOf(['Login fails after password reset', 'Invoice shows wrong VAT', 'Gateway offline since update', 'Feature request: CSV export', 'Slow dashboard load'], i),
      Status: pickOf(['New', 'On Hold', 'Escalated', 'Closed'], i),
      Case_Origin: pickOf(['Email', 'Phone', 'Web'], i),
      Priority: pickOf(['High', 'Medium', 'Low'], i),
      Type: pickOf(['Problem', 'Question', 'Feature Request'], i),
      Account_Name: at('Accounts', i),
    })),
  );
  add(
    'Solutions',
    ['Resetting a locked account', 'Correcting VAT on invoices', 'Rebooting the edge gateway', 'Exporting reports to CSV'].map((t, i) => ({
      Solution_Title: t,
      Status: pickOf(['Published', 'Reviewed', 'Draft'], i),
      Question: `How do I handle: ${t.toLowerCase()}?`,
      Answer: 'Follow the steps in the knowledge base article and contact support if the problem persists.',
      Published: i % 3 === 0,
    })),
  );
  add(
    'Appointments__s',
    Array.from({ length: 5 }, (_, i) => ({
      Appointment_Name: `${pickOf(['Installation', 'Site survey', 'Training session', 'Maintenance visit'], i)} #${i + 1}`,
      Appointment_Start_Time: dateTimeIn(now, 36 * (i - 1)),
      Status: pickOf(['Upcoming', 'Completed', 'Cancelled', 'In Progress', 'Rescheduled'], i),
      Location: pickOf(['Customer site', 'Remote', 'Service centre'], i),
    })),
  );
  add(
    'Services__s',
    ['Installation', 'Site survey', 'Training (half day)', 'Annual maintenance'].map((n, i) => ({ Service_Name: n, Price: 150 + i * 200, Duration: pickOf(['2 hours', '4 hours', '1 day'], i), Status: 'Active' })),
  );

  const dealIds = ids.Deals ?? [];
  ['Customer asked for a revised quote with a 3-year term.', 'Security questionnaire sent back; waiting on legal.', 'Champion moved to a new role, re-qualify.'].forEach((content, i) => {
    const id = store.nextId();
    const t = Math.floor(now / 1000) * 1000 - (5 - i) * DAY;
    store.notes.set(id, {
      id,
      parentModule: 'Deals',
      parentId: pickOf(dealIds, i),
      title: pickOf(['Call summary', 'Status', 'Heads-up'], i),
      content,
      ownerId: USERS[i % USERS.length]!.id,
      createdMs: t,
      modifiedMs: t,
    });
  });
}
