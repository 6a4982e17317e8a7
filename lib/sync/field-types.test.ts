import { describe, expect, it } from 'vitest';
import { jiraToZoho, mappingProblem, sameValue, zohoToJira, type JiraFieldType, type ZohoFieldType } from './field-types';

const z = (apiName: string, dataType: string, pickListValues?: string[]): ZohoFieldType => ({ apiName, dataType, ...(pickListValues ? { pickListValues } : {}) });
const j = (id: string, type: string, extra: Partial<NonNullable<JiraFieldType['schema']>> = {}): JiraFieldType => ({ id, schema: { type, ...extra } });

describe('field conversion', () => {
  it('fits text into the 255-character summary (F20)', () => {
    const r = zohoToJira('x'.repeat(300), z('Deal_Name', 'text'), j('summary', 'string', { system: 'summary' }));
    expect(r.ok && (r.value as string).length).toBe(255);
  });

  it('converts numbers, currency and dates with time zones', () => {
    expect(zohoToJira(1234.5, z('Amount', 'currency'), j('customfield_1', 'number'))).toEqual({ ok: true, value: 1234.5 });
    expect(zohoToJira('2026-11-28T10:00:00+05:30', z('Closing', 'datetime'), j('customfield_2', 'datetime'))).toEqual({ ok: true, value: '2026-11-28T04:30:00.000+0000' });
    expect(zohoToJira('2026-11-28', z('Closing_Date', 'date'), j('duedate', 'date'))).toEqual({ ok: true, value: '2026-11-28' });
    expect(jiraToZoho('2026-11-28T04:30:00.000+0000', j('customfield_2', 'datetime'), z('Closing', 'datetime'))).toEqual({ ok: true, value: '2026-11-28T04:30:00+00:00' });
  });

  it('maps picklists to options and back, refusing unknown picklist values', () => {
    expect(zohoToJira('Hot', z('Rating', 'picklist'), j('customfield_3', 'option'))).toEqual({ ok: true, value: { value: 'Hot' } });
    expect(jiraToZoho({ value: 'Hot' }, j('customfield_3', 'option'), z('Rating', 'picklist', ['Hot', 'Cold']))).toEqual({ ok: true, value: 'Hot' });
    expect(jiraToZoho({ value: 'Warm' }, j('customfield_3', 'option'), z('Rating', 'picklist', ['Hot', 'Cold'])).ok).toBe(false);
    expect(zohoToJira(['A', 'B'], z('Tags', 'multiselectpicklist'), j('customfield_4', 'array', { items: 'option' }))).toEqual({ ok: true, value: [{ value: 'A' }, { value: 'B' }] });
  });

  it('refuses type-incompatible mappings with a message naming both fields (F11)', () => {
    expect(mappingProblem(z('Amount', 'currency'), j('customfield_3', 'option'))).toMatch(/Amount.*customfield_3/);
    expect(mappingProblem(z('Photo', 'profileimage'), j('summary', 'string'))).toMatch(/cannot be synced/);
    expect(mappingProblem(z('Deal_Name', 'text'), j('summary', 'string'))).toBeNull();
  });

  it('turns text into ADF for rich-text fields and compares across representations', () => {
    const r = zohoToJira('Line one', z('Description', 'textarea'), j('description', 'string', { system: 'description' }));
    expect(r.ok).toBe(true);
    expect(sameValue(r.ok ? r.value : null, 'Line one')).toBe(true);
    expect(sameValue({ value: 'Hot' }, 'Hot')).toBe(true);
    expect(sameValue(1, 2)).toBe(false);
  });
});
