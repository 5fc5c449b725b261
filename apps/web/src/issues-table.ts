import { byId, el, fillSelect } from './dom';
import { ANY, COLUMNS, distinct, filterIssues, Issue, SortKey, sortIssues } from './issues-view';

/** The issues table: sortable headers (buttons with aria-sort), filters by severity, rule and column. */
export class IssuesTable {
  private issues: Issue[] = [];
  private sort: { key: SortKey; ascending: boolean } = { key: 'row', ascending: true };
  private readonly body = byId<HTMLTableElement>('issues').tBodies[0];
  private readonly filters = {
    severity: byId<HTMLSelectElement>('filter-severity'),
    rule: byId<HTMLSelectElement>('filter-rule'),
    column: byId<HTMLSelectElement>('filter-column'),
  };

  constructor() {
    const head = byId('issues-head');
    for (const column of COLUMNS) {
      const th = el('th', column.sortable ? null : column.label, { scope: 'col' });
      if (column.sortable) {
        const button = el('button', column.label, { type: 'button', 'data-sort': column.key });
        button.addEventListener('click', () => this.sortBy(column.key as SortKey));
        th.append(button);
      }
      head.append(th);
    }
    for (const select of Object.values(this.filters)) select.addEventListener('change', () => this.render());
  }

  show(issues: Issue[]): void {
    this.issues = issues;
    fillSelect(
      this.filters.severity,
      distinct(issues, (i) => i.severity),
      'All severities',
    );
    fillSelect(this.filters.rule, distinct(issues, (i) => i.rule).sort(), 'All rules');
    fillSelect(this.filters.column, distinct(issues, (i) => i.column).sort(), 'All columns');
    this.render();
  }

  private sortBy(key: SortKey): void {
    this.sort = { key, ascending: this.sort.key === key ? !this.sort.ascending : true };
    this.render();
  }

  private render(): void {
    const filters = { severity: this.filters.severity.value || ANY, rule: this.filters.rule.value || ANY, column: this.filters.column.value || ANY };
    const shown = sortIssues(filterIssues(this.issues, filters), this.sort.key, this.sort.ascending);
    this.body.replaceChildren(
      ...shown.map((issue) => {
        const row = el('tr');
        row.append(
          el('td', String(issue.row)),
          el('td', issue.line === null ? '' : String(issue.line)),
          el('td', issue.sku ?? ''),
          el('td', issue.column ?? ''),
          el('td', issue.rule),
          el('td', issue.fixable ? `${issue.severity} (fixable)` : issue.severity, { class: `sev-${issue.severity}` }),
          el('td', issue.message, { class: 'message' }),
          el('td', issue.value ?? ''),
          el('td', issue.fixed_value ?? ''),
        );
        return row;
      }),
    );
    for (const th of byId('issues-head').querySelectorAll('th')) th.removeAttribute('aria-sort');
    const active = byId('issues-head').querySelector(`button[data-sort="${this.sort.key}"]`)?.parentElement;
    active?.setAttribute('aria-sort', this.sort.ascending ? 'ascending' : 'descending');
    byId('issue-count').textContent = `Showing ${shown.length} of ${this.issues.length} issues.`;
  }
}
