import { describe, expect, it } from 'vitest';
import { jqlAnd, jqlEq, jqlField, jqlIn, jqlIssueProperty, jqlOrderBy, jqlString } from './jql';

describe('jqlString', () => {
  it('quotes plain values', () => {
    expect(jqlString('DEMO')).toBe('"DEMO"');
    expect(jqlString(10000)).toBe('"10000"');
  });
  it('escapes double quotes and backslashes so the literal cannot end early', () => {
    expect(jqlString('say "hi"')).toBe('"say \\"hi\\""');
    expect(jqlString('C:\\temp\\')).toBe('"C:\\\\temp\\\\"');
    expect(jqlString('" OR project = X OR "')).toBe('"\\" OR project = X OR \\""');
  });
  it('writes control characters as escapes', () => {
    expect(jqlString('a\nb\r\tc')).toBe('"a\\nb\\r\\tc"');
  });
  it('keeps reserved words as plain text', () => {
    expect(jqlString('AND')).toBe('"AND"');
    expect(jqlEq('summary', 'order by')).toBe('summary = "order by"');
  });
});

describe('clauses', () => {
  it('field = value, in (...), property paths, AND, ORDER BY', () => {
    const q = jqlOrderBy(
      jqlAnd(jqlEq('project', '10000'), jqlIn(jqlIssueProperty('zohoCrmLink', 'key'), ['s:1', 'x"y'])),
      { field: 'id' },
      { field: 'updated', desc: true },
    );
    expect(q).toBe('project = "10000" AND issue.property[zohoCrmLink].key in ("s:1", "x\\"y") ORDER BY id ASC, updated DESC');
  });
  it('quotes field names that are reserved words or hold spaces', () => {
    expect(jqlField('cf[10034]')).toBe('cf[10034]');
    expect(jqlField('Story Points')).toBe('"Story Points"');
    expect(jqlField('order')).toBe('"order"');
  });
  it('puts an OR clause in parentheses under AND, ignoring OR inside strings', () => {
    expect(jqlAnd(jqlEq('project', 'A'), 'status = "1" OR status = "2"' as never)).toBe('project = "A" AND (status = "1" OR status = "2")');
    expect(jqlAnd(jqlEq('summary', 'this OR that'))).toBe('summary = "this OR that"');
  });
  it('refuses property keys and paths it cannot express safely, and empty lists', () => {
    expect(() => jqlIssueProperty('a]b', 'key')).toThrow();
    expect(() => jqlIssueProperty('link', 'key = "x"')).toThrow();
    expect(() => jqlIn('key', [])).toThrow();
  });
});
