import { distinct, filterIssues, Issue, sortIssues } from './issues-view';

const issue = (over: Partial<Issue>): Issue => ({
  row: 1,
  line: 2,
  sku: 'A-1',
  column: 'price',
  rule: 'number',
  severity: 'error',
  message: 'm',
  value: null,
  fixed_value: null,
  ...over,
});

describe('issues table logic', () => {
  const issues = [
    issue({ row: 3, line: 4, column: 'title', rule: 'max_length', severity: 'warning', sku: 'B-10' }),
    issue({ row: 1, line: 2, column: 'price', rule: 'decimal_comma', severity: 'fix', sku: 'B-2' }),
    issue({ row: 2, line: 3, column: null, rule: 'ragged_row', severity: 'error', sku: null }),
    issue({ row: 1, line: 2, column: 'sku', rule: 'pattern', severity: 'error', sku: 'B-2' }),
  ];

  it('filters by severity, rule and column together', () => {
    expect(filterIssues(issues, { severity: 'error', rule: '', column: '' }).map((i) => i.rule)).toEqual(['ragged_row', 'pattern']);
    expect(filterIssues(issues, { severity: '', rule: 'pattern', column: 'sku' }).map((i) => i.row)).toEqual([1]);
    expect(filterIssues(issues, { severity: 'warning', rule: '', column: 'price' })).toEqual([]);
  });

  it('sorts by any column both ways, stably, numbers as numbers and severities by weight', () => {
    expect(sortIssues(issues, 'row', true).map((i) => `${i.row}${i.rule}`)).toEqual(['1decimal_comma', '1pattern', '2ragged_row', '3max_length']);
    expect(sortIssues(issues, 'row', false).map((i) => i.row)).toEqual([3, 2, 1, 1]);
    expect(sortIssues(issues, 'severity', true).map((i) => i.severity)).toEqual(['error', 'error', 'warning', 'fix']);
    expect(sortIssues(issues, 'sku', true).map((i) => i.sku)).toEqual([null, 'B-2', 'B-2', 'B-10']);
  });

  it('lists the values each filter offers', () => {
    expect(distinct(issues, (i) => i.column)).toEqual(['title', 'price', 'sku']);
    expect(distinct(issues, (i) => i.severity)).toEqual(['warning', 'fix', 'error']);
  });
});
