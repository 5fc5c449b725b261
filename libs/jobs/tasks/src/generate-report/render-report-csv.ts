import type { ReportCounts, ReportData } from './report-data';

const COUNT_METRICS: readonly (keyof ReportCounts)[] = [
  'jobs',
  'rows_checked',
  'rows_invalid',
  'invalid_row_rate',
  'errors',
  'warnings',
  'fixes_applied',
];

/**
 * The report's tables as one CSV in long form, `section,key,metric,value` (sections: totals,
 * marketplace, rule, column, daily), so a spreadsheet pivots it and a program reads every number
 * back without knowing the layout. Text that a spreadsheet would run as a formula is neutralised.
 */
export function renderReportCsv(data: ReportData): string {
  const lines = [['section', 'key', 'metric', 'value']];
  const counts = (section: string, key: string, values: ReportCounts) => {
    for (const metric of COUNT_METRICS) lines.push([section, key, metric, String(values[metric])]);
  };
  counts('totals', '', data.totals);
  lines.push(['totals', '', 'validate_jobs', String(data.totals.validate_jobs)], ['totals', '', 'correct_jobs', String(data.totals.correct_jobs)]);
  for (const row of data.by_marketplace) counts('marketplace', row.marketplace, row);
  for (const row of data.top_rules) lines.push(['rule', row.rule, 'count', String(row.count)]);
  for (const row of data.top_columns) lines.push(['column', row.column, 'count', String(row.count)]);
  for (const row of data.daily) counts('daily', row.date, row);
  return lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function csvCell(value: string): string {
  // A leading = + - @ tab or CR makes spreadsheets evaluate the cell; a quote mark keeps it text.
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
