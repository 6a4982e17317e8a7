// F45: validation of an SCI's JQL fields against live Zoho metadata: each chosen field must exist in the
// module and hold values Jira can index under the chosen JQL name's type (contracts/jql-fields.ts).
// Problems name the body path, as sci-validation.ts does.
import type { ZohoFieldMeta } from '../../clients/zoho';
import { jqlFieldType, ZOHO_RECORD_ID_FIELD, ZOHO_TYPES_BY_JQL_TYPE } from '../../contracts/jql-fields';
import type { SciDefinition } from '../../lib/sci/definition';
import type { Problem } from './api-errors';

const labelOf = (f: ZohoFieldMeta) => f.display_label ?? f.field_label ?? f.api_name;

/** Every problem with the JQL fields; `zohoFields` null means the module was already reported. */
export function validateJqlFields(def: SciDefinition, zohoFields: ZohoFieldMeta[] | null): Problem[] {
  const problems: Problem[] = [];
  if (!zohoFields) return problems;
  const fields = new Map(zohoFields.map((f) => [f.api_name, f]));
  def.options.jqlFields.forEach((setting, i) => {
    const path = `options.jqlFields.${i}.zohoField`;
    const type = jqlFieldType(setting.jqlName)!;
    if (setting.zohoField === ZOHO_RECORD_ID_FIELD) {
      if (type !== 'string')
        problems.push({
          path,
          message: `The record id is text: search it with a text JQL name, not ${setting.jqlName} (${type}).`,
        });
      return;
    }
    const field = fields.get(setting.zohoField);
    if (!field) {
      problems.push({ path, message: `The Zoho CRM module ${def.zohoModule} has no field "${setting.zohoField}".` });
      return;
    }
    const fits = Object.entries(ZOHO_TYPES_BY_JQL_TYPE).find(([, types]) => types.includes(field.data_type))?.[0];
    if (!fits) {
      problems.push({
        path,
        message: `${labelOf(field)} is a ${field.data_type} field, which Jira cannot index for JQL. Choose another field.`,
      });
    } else if (fits !== type) {
      problems.push({
        path,
        message: `${labelOf(field)} holds ${fits} values, but ${setting.jqlName} is searched as ${type}. Choose a ${fits} JQL name for it.`,
      });
    }
  });
  return problems;
}
