// F45: the indexed property document (values as Jira indexes them per JQL name type), its merge with other
// SCIs' names on the same issue, and the catalog kept equal to the Forge manifest's jira:entityProperty module.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  JIRA_INDEXED_VALUE_LIMIT,
  JQL_FIELD_CATALOG,
  JQL_FIELDS_PROPERTY,
  jqlFieldsSchema,
  type JqlField,
} from '../../contracts/jql-fields';
import { indexedValuesOf } from '../../sandbox/jira/entity-properties';
import { indexedValue, jqlDocument, mergeJqlDocument } from './jql-document';

const fields: JqlField[] = [
  { zohoField: 'Stage', jqlName: 'zohoDealStage' },
  { zohoField: 'Amount', jqlName: 'zohoAmount' },
  { zohoField: 'Account_Name', jqlName: 'zohoAccountName' },
  { zohoField: 'id', jqlName: 'zohoRecordId' },
  { zohoField: 'Owner', jqlName: 'zohoOwner' },
  { zohoField: 'Closing_Date', jqlName: 'zohoClosingDate' },
];

describe('jqlDocument', () => {
  it('keeps each chosen value under its JQL name, lookups and owners by name', () => {
    const record = {
      id: '5725767000000524157',
      Stage: 'Closed Won',
      Amount: 75000.5,
      Account_Name: { id: '1', name: 'Zylker Foods' },
      Owner: { id: '9', name: 'Patricia Boyle', email: 'p@example.com' },
      Closing_Date: '2026-11-30',
    };
    expect(jqlDocument(fields, record)).toEqual({
      zohoDealStage: 'Closed Won',
      zohoAmount: 75000.5,
      zohoAccountName: 'Zylker Foods',
      zohoRecordId: '5725767000000524157',
      zohoOwner: 'Patricia Boyle',
      zohoClosingDate: '2026-11-30',
    });
  });

  it('leaves empty and unusable values out, so IS EMPTY finds them', () => {
    expect(
      jqlDocument(fields, { id: '1', Stage: null, Amount: 'lots', Account_Name: null, Closing_Date: 'soon' }),
    ).toEqual({ zohoRecordId: '1' });
  });

  it('indexes multi-select values as an array and numeric strings as numbers', () => {
    expect(indexedValue('string', ['A', 'B'])).toEqual(['A', 'B']);
    expect(indexedValue('number', '42.5')).toBe(42.5);
    expect(indexedValue('string', true)).toBe('true');
  });
});

describe('mergeJqlDocument', () => {
  const own: JqlField[] = [
    { zohoField: 'Stage', jqlName: 'zohoDealStage' },
    { zohoField: 'Amount', jqlName: 'zohoAmount' },
  ];

  it('answers null when the issue already holds these values (no write)', () => {
    expect(
      mergeJqlDocument({ zohoAmount: 10, zohoDealStage: 'X' }, own, { zohoDealStage: 'X', zohoAmount: 10 }),
    ).toBeNull();
    expect(mergeJqlDocument(undefined, own, {})).toBeNull();
  });

  it("keeps another SCI's names and drops this SCI's emptied ones", () => {
    expect(
      mergeJqlDocument({ zohoAccountName: 'Zylker', zohoDealStage: 'X', zohoAmount: 10 }, own, { zohoDealStage: 'Y' }),
    ).toEqual({
      zohoAccountName: 'Zylker',
      zohoDealStage: 'Y',
    });
  });
});

describe('the JQL field catalog', () => {
  it('is exactly what forge-app/manifest.yml asks Jira to index, within the 30-value limit', async () => {
    const manifest: unknown = parseYaml(
      await readFile(new URL('../../forge-app/manifest.yml', import.meta.url), 'utf8'),
    );
    const declared = indexedValuesOf(manifest).filter((v) => v.propertyKey === JQL_FIELDS_PROPERTY);
    expect(declared.map((v) => ({ jqlName: v.searchAlias, type: v.type, path: v.path }))).toEqual(
      JQL_FIELD_CATALOG.map((c) => ({ jqlName: c.jqlName, type: c.type, path: c.jqlName })),
    );
    expect(declared.every((v) => v.entityType === 'issue')).toBe(true);
    expect(indexedValuesOf(manifest).length).toBeLessThanOrEqual(JIRA_INDEXED_VALUE_LIMIT);
  });

  it('refuses a JQL name chosen twice and names outside the catalog', () => {
    const twice = jqlFieldsSchema.safeParse([
      { zohoField: 'Stage', jqlName: 'zohoText1' },
      { zohoField: 'Lead_Source', jqlName: 'zohoText1' },
    ]);
    expect(twice.success).toBe(false);
    expect(twice.error?.issues[0]?.message).toContain('zohoText1 is chosen twice');
    expect(jqlFieldsSchema.safeParse([{ zohoField: 'Stage', jqlName: 'dealStage' }]).success).toBe(false);
  });
});
