/** An issue of a validation report, as the report JSON has it. */
export interface Issue {
  row: number;
  line: number | null;
  sku: string | null;
  column: string | null;
  rule: string;
  severity: 'error' | 'warning' | 'fix';
  message: string;
  value: string | null;
  fixed_value: string | null;
  fixable?: boolean;
}

export type SortKey = 'row' | 'line' | 'sku' | 'column' | 'rule' | 'severity' | 'message';
export interface IssueFilters {
  severity: string;
  rule: string;
  column: string;
}
export const ANY = '';

export const COLUMNS: { key: SortKey | 'value' | 'fixed_value'; label: string; sortable: boolean }[] = [
  { key: 'row', label: 'Row', sortable: true },
  { key: 'line', label: 'Line', sortable: true },
  { key: 'sku', label: 'SKU', sortable: true },
  { key: 'column', label: 'Column', sortable: true },
  { key: 'rule', label: 'Rule', sortable: true },
  { key: 'severity', label: 'Severity', sortable: true },
  { key: 'message', label: 'Message', sortable: true },
  { key: 'value', label: 'Value', sortable: false },
  { key: 'fixed_value', label: 'Fixed to', sortable: false },
];

const SEVERITY_ORDER: Record<string, number> = { error: 0, warning: 1, fix: 2 };

export function filterIssues(issues: readonly Issue[], filters: IssueFilters): Issue[] {
  return issues.filter(
    (issue) =>
      (filters.severity === ANY || issue.severity === filters.severity) &&
      (filters.rule === ANY || issue.rule === filters.rule) &&
      (filters.column === ANY || (issue.column ?? '') === filters.column),
  );
}

/** A stable sort: equal keys keep the report's order (row, then column order). */
export function sortIssues(issues: readonly Issue[], key: SortKey, ascending: boolean): Issue[] {
  const value = (issue: Issue): number | string => {
    if (key === 'severity') return SEVERITY_ORDER[issue.severity] ?? 9;
    const raw = issue[key];
    return raw === null || raw === undefined ? '' : raw;
  };
  const direction = ascending ? 1 : -1;
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => {
      const [x, y] = [value(a.issue), value(b.issue)];
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
      return order !== 0 ? order * direction : a.index - b.index;
    })
    .map(({ issue }) => issue);
}

/** The values a filter can take, in first-seen order. */
export function distinct(issues: readonly Issue[], pick: (issue: Issue) => string | null): string[] {
  return [...new Set(issues.map((issue) => pick(issue) ?? ''))].filter((value) => value !== '');
}
