// Rule evaluation (record × conditions → match) and the type checks the API uses before saving rules.
import { describe, expect, it } from 'vitest';
import { syncRulesSchema, type SyncCondition } from '../../contracts/sync-rules';
import type { ZohoFieldType } from './field-types';
import { conditionHolds, conditionProblems, hasNoRules, operatorsFor, recordMatches, ruleFields } from './sync-rules';

const fields = new Map<string, ZohoFieldType>([
  ['Stage', { apiName: 'Stage', dataType: 'picklist', pickListValues: ['Qualification', 'Negotiation', 'Closed Won', 'Closed Lost'] }],
  ['Amount', { apiName: 'Amount', dataType: 'currency' }],
  ['Closing_Date', { apiName: 'Closing_Date', dataType: 'date' }],
  ['Modified_Time', { apiName: 'Modified_Time', dataType: 'datetime' }],
  ['Deal_Name', { apiName: 'Deal_Name', dataType: 'text' }],
  ['Hot', { apiName: 'Hot', dataType: 'boolean' }],
  ['Tags', { apiName: 'Tags', dataType: 'multiselectpicklist', pickListValues: ['A', 'B', 'C'] }],
  ['Owner', { apiName: 'Owner', dataType: 'ownerlookup' }],
  ['Photo', { apiName: 'Photo', dataType: 'profileimage' }],
]);
const f = (name: string) => fields.get(name)!;
const c = (zohoField: string, operator: SyncCondition['operator'], ...values: string[]): SyncCondition => ({ zohoField, operator, values });
const rules = (match: 'all' | 'any', ...conditions: SyncCondition[]) => syncRulesSchema.parse({ match, conditions });

describe('conditionHolds', () => {
  it('compares picklists and text by value, case-insensitively, with in / not in', () => {
    expect(conditionHolds(c('Stage', 'equals', 'Negotiation'), 'Negotiation', f('Stage'))).toBe(true);
    expect(conditionHolds(c('Stage', 'equals', 'Negotiation'), 'Qualification', f('Stage'))).toBe(false);
    expect(conditionHolds(c('Stage', 'not_equals', 'Closed Lost'), 'Negotiation', f('Stage'))).toBe(true);
    expect(conditionHolds(c('Stage', 'in', 'Closed Won', 'Negotiation'), 'Negotiation', f('Stage'))).toBe(true);
    expect(conditionHolds(c('Stage', 'not_in', 'Closed Won', 'Negotiation'), 'Negotiation', f('Stage'))).toBe(false);
    expect(conditionHolds(c('Deal_Name', 'equals', 'acme renewal'), 'Acme Renewal', f('Deal_Name'))).toBe(true);
  });

  it('compares numbers, dates and date-times by their order; an empty value never passes a comparison', () => {
    expect(conditionHolds(c('Amount', 'greater_than', '50000'), 75000, f('Amount'))).toBe(true);
    expect(conditionHolds(c('Amount', 'greater_than', '50000'), 50000, f('Amount'))).toBe(false);
    expect(conditionHolds(c('Amount', 'greater_equal', '50000'), 50000, f('Amount'))).toBe(true);
    expect(conditionHolds(c('Amount', 'less_than', '1000'), null, f('Amount'))).toBe(false);
    expect(conditionHolds(c('Amount', 'not_equals', '1000'), null, f('Amount'))).toBe(true);
    expect(conditionHolds(c('Closing_Date', 'less_equal', '2026-06-30'), '2026-06-30', f('Closing_Date'))).toBe(true);
    expect(conditionHolds(c('Closing_Date', 'less_than', '2026-06-30'), '2026-07-01', f('Closing_Date'))).toBe(false);
    expect(conditionHolds(c('Modified_Time', 'greater_than', '2026-01-01T00:00:00+00:00'), '2026-01-01T02:00:00+01:00', f('Modified_Time'))).toBe(true);
  });

  it('reads empty, checkboxes, multi-selects and users', () => {
    expect(conditionHolds(c('Deal_Name', 'empty'), '', f('Deal_Name'))).toBe(true);
    expect(conditionHolds(c('Tags', 'not_empty'), [], f('Tags'))).toBe(false);
    expect(conditionHolds(c('Hot', 'equals', 'true'), true, f('Hot'))).toBe(true);
    expect(conditionHolds(c('Hot', 'equals', 'true'), false, f('Hot'))).toBe(false);
    expect(conditionHolds(c('Hot', 'not_equals', 'true'), null, f('Hot'))).toBe(true);
    expect(conditionHolds(c('Tags', 'in', 'B'), ['A', 'B'], f('Tags'))).toBe(true);
    expect(conditionHolds(c('Tags', 'not_in', 'C'), ['A', 'B'], f('Tags'))).toBe(true);
    expect(conditionHolds(c('Owner', 'equals', '4150868000000225013'), { id: '4150868000000225013', name: 'Patricia Boyle' }, f('Owner'))).toBe(true);
    expect(conditionHolds(c('Owner', 'equals', 'patricia boyle'), { id: '1', name: 'Patricia Boyle' }, f('Owner'))).toBe(true);
  });
});

describe('recordMatches', () => {
  const deal = { Stage: 'Negotiation', Amount: 75000, Closing_Date: '2026-03-01' };

  it('keeps everything in scope without conditions', () => {
    expect(recordMatches(syncRulesSchema.parse(undefined), deal, fields)).toBe(true);
    expect(hasNoRules(syncRulesSchema.parse(undefined))).toBe(true);
    expect(hasNoRules(syncRulesSchema.parse({ jql: 'labels = vip' }))).toBe(false);
  });

  it('combines conditions with all or any', () => {
    const both = [c('Stage', 'in', 'Negotiation', 'Closed Won'), c('Amount', 'greater_than', '100000')] as const;
    expect(recordMatches(rules('all', ...both), deal, fields)).toBe(false);
    expect(recordMatches(rules('any', ...both), deal, fields)).toBe(true);
    expect(recordMatches(rules('all', c('Stage', 'equals', 'Negotiation'), c('Amount', 'greater_equal', '75000')), deal, fields)).toBe(true);
  });

  it('treats a condition on a field the metadata no longer has as not holding', () => {
    expect(recordMatches(rules('all', c('Gone_Field', 'empty')), deal, fields)).toBe(false);
  });

  it('names the fields the conditions read, once each', () => {
    expect(ruleFields(rules('any', c('Stage', 'equals', 'Negotiation'), c('Stage', 'empty'), c('Amount', 'empty')))).toEqual(['Stage', 'Amount']);
  });
});

describe('operators and value checks', () => {
  it('offers operators by the field type', () => {
    expect(operatorsFor(f('Amount'))).toContain('greater_than');
    expect(operatorsFor(f('Stage'))).not.toContain('greater_than');
    expect(operatorsFor(f('Hot'))).toEqual(['equals', 'not_equals']);
    expect(operatorsFor(f('Photo'))).toEqual([]);
  });

  it('refuses an operator the type does not have, a wrong value count and values of the wrong type', () => {
    expect(conditionProblems(c('Stage', 'greater_than', 'Negotiation'), f('Stage'), 'Stage')[0]).toMatchObject({ on: 'operator' });
    expect(conditionProblems(c('Stage', 'greater_than', 'Negotiation'), f('Stage'), 'Stage')[0]!.message).toMatch(/"is greater than" does not apply to Stage/);
    expect(conditionProblems(c('Amount', 'greater_than', 'lots'), f('Amount'), 'Amount')).toEqual([{ on: 'values', message: 'Amount is a number field: "lots" is not a number.' }]);
    expect(conditionProblems(c('Closing_Date', 'less_than', '31/01/2026'), f('Closing_Date'), 'Closing Date')[0]!.message).toMatch(/YYYY-MM-DD/);
    expect(conditionProblems(c('Closing_Date', 'less_than', '2026-02-30'), f('Closing_Date'), 'Closing Date')).toHaveLength(1);
    expect(conditionProblems(c('Stage', 'equals', 'Won'), f('Stage'), 'Stage')[0]!.message).toBe('"Won" is not a value of the Zoho CRM picklist Stage.');
    expect(conditionProblems(c('Stage', 'equals'), f('Stage'), 'Stage')[0]!.message).toMatch(/exactly one value/);
    expect(conditionProblems(c('Stage', 'empty', 'x'), f('Stage'), 'Stage')[0]!.message).toMatch(/takes no value/);
    expect(conditionProblems(c('Photo', 'empty'), f('Photo'), 'Photo')[0]!.message).toMatch(/cannot compare/);
    expect(conditionProblems(c('Amount', 'less_equal', '1e5'), f('Amount'), 'Amount')).toEqual([]);
    expect(conditionProblems(c('Stage', 'in', 'Negotiation', 'Closed Won'), f('Stage'), 'Stage')).toEqual([]);
  });
});
