import { describe, expect, it } from 'vitest';
import { valueMapSchema, type ValueMapInput } from '../../contracts/value-mapping';
import { mapJiraToZoho, mapZohoToJira } from './value-map';

const map = (input: ValueMapInput) => valueMapSchema.parse(input);
const PRIORITY = map({
  entries: [
    { zohoValue: 'Urgent', jiraValue: 'Highest' },
    { zohoValue: 'Critical', jiraValue: 'Highest' },
    { zohoValue: 'Normal', jiraValue: 'Medium' },
  ],
});

describe('Zoho → Jira', () => {
  it('converts mapped values one to one and many to one', () => {
    expect(mapZohoToJira('Normal', PRIORITY)).toEqual({ write: true, value: 'Medium' });
    expect(mapZohoToJira('Urgent', PRIORITY)).toEqual({ write: true, value: 'Highest' });
    expect(mapZohoToJira('Critical', PRIORITY)).toEqual({ write: true, value: 'Highest' });
  });

  it('gives an unmapped value the default, else leaves the field or clears it as chosen', () => {
    expect(mapZohoToJira('Someday', { ...PRIORITY, defaultJiraValue: 'Low' })).toEqual({ write: true, value: 'Low' });
    expect(mapZohoToJira('Someday', PRIORITY)).toEqual({ write: false, unmapped: ['Someday'] });
    expect(mapZohoToJira('Someday', { ...PRIORITY, unmapped: 'CLEAR' })).toEqual({ write: true, value: null });
  });

  it('passes an empty value on as a clear, without looking it up', () => {
    expect(mapZohoToJira(null, PRIORITY)).toEqual({ write: true, value: null });
    expect(mapZohoToJira('', { ...PRIORITY, defaultJiraValue: 'Low' })).toEqual({ write: true, value: null });
  });

  it('maps each value of a multi-select on its own and drops duplicates', () => {
    expect(mapZohoToJira(['Urgent', 'Critical', 'Normal'], PRIORITY)).toEqual({
      write: true,
      value: ['Highest', 'Medium'],
    });
    expect(mapZohoToJira(['Urgent', 'Other'], { ...PRIORITY, unmapped: 'CLEAR' })).toEqual({
      write: true,
      value: ['Highest'],
    });
    expect(mapZohoToJira(['Urgent', 'Other'], { ...PRIORITY, defaultJiraValue: 'Low' })).toEqual({
      write: true,
      value: ['Highest', 'Low'],
    });
    expect(mapZohoToJira(['Urgent', 'Other'], PRIORITY)).toEqual({ write: false, unmapped: ['Other'] });
    expect(mapZohoToJira([], PRIORITY)).toEqual({ write: true, value: [] });
  });
});

describe('Jira → Zoho (2 Way)', () => {
  it('reads priorities ({name}), options ({value}) and labels, and takes the first entry of a many-to-one value', () => {
    expect(mapJiraToZoho({ id: '1', name: 'Highest' }, PRIORITY)).toEqual({ write: true, value: 'Urgent' });
    expect(mapJiraToZoho({ id: '10100', value: 'Medium' }, PRIORITY)).toEqual({ write: true, value: 'Normal' });
    expect(mapJiraToZoho(['Highest', 'Medium'], PRIORITY)).toEqual({ write: true, value: ['Urgent', 'Normal'] });
  });

  it('uses the Zoho default, else leaves or clears', () => {
    expect(mapJiraToZoho({ name: 'Lowest' }, { ...PRIORITY, defaultZohoValue: 'Normal' })).toEqual({
      write: true,
      value: 'Normal',
    });
    expect(mapJiraToZoho({ name: 'Lowest' }, PRIORITY)).toEqual({ write: false, unmapped: ['Lowest'] });
    expect(mapJiraToZoho({ name: 'Lowest' }, { ...PRIORITY, unmapped: 'CLEAR' })).toEqual({ write: true, value: null });
    // The Jira default is for the other direction only.
    expect(mapJiraToZoho({ name: 'Lowest' }, { ...PRIORITY, defaultJiraValue: 'Low' })).toEqual({
      write: false,
      unmapped: ['Lowest'],
    });
  });
});
