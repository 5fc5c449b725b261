import type { ReportCounts, ReportData } from './report-data';
import { renderDailyChart } from './render-report-chart';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const number = new Intl.NumberFormat('en-US');
const percent = (rate: number) => `${(rate * 100).toFixed(2)}%`;

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1f24; max-width: 60rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { padding: .3rem .7rem; border-bottom: 1px solid #d0d7de; text-align: right; }
th:first-child, td:first-child { text-align: left; } th { background: #f6f8fa; }
.tiles { display: flex; flex-wrap: wrap; gap: 1rem; } .tile { border: 1px solid #d0d7de; border-radius: 6px; padding: .6rem 1rem; }
.tile b { display: block; font-size: 1.3rem; }
svg text { font-size: 11px; fill: #57606a; } svg .axis { stroke: #8c959f; } svg .checked { fill: #8cb4e8; } svg .invalid { fill: #cf222e; }
`;

function table(headers: string[], rows: (string | number)[][]): string {
  const head = `<tr>${headers.map((h) => `<th>${escape(h)}</th>`).join('')}</tr>`;
  const body = rows.map(
    (row) => `<tr>${row.map((cell) => `<td>${escape(typeof cell === 'number' ? number.format(cell) : cell)}</td>`).join('')}</tr>`,
  );
  return `<table>${head}${body.join('')}</table>`;
}

const countCells = (c: ReportCounts) => [c.jobs, c.rows_checked, c.rows_invalid, percent(c.invalid_row_rate), c.fixes_applied];
const COUNT_HEADERS = ['jobs', 'rows checked', 'rows invalid', 'invalid-row rate', 'fixes applied'];

/**
 * The report as one self-contained page: inline styles and an inline SVG chart, no script, no
 * link, font or image to fetch, so it shows the same offline and under a `default-src 'none'` CSP.
 */
export function renderReportPage(data: ReportData): string {
  const scope = data.marketplace ? `marketplace ${data.marketplace}` : 'all marketplaces';
  const title = `Validation report ${data.period.from} to ${data.period.to}`;
  const tiles = [
    ['jobs', number.format(data.totals.jobs)],
    ['rows checked', number.format(data.totals.rows_checked)],
    ['invalid-row rate', percent(data.totals.invalid_row_rate)],
    ['fixes applied', number.format(data.totals.fixes_applied)],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escape(title)}</h1>
<p>Finished validate_csv_job and correct_csv_job jobs, ${escape(scope)}; numbers taken at ${escape(data.generated_at)}.</p>
<div class="tiles">${tiles.map(([label, value]) => `<div class="tile">${escape(label)}<b>${escape(value)}</b></div>`).join('')}</div>
<h2>Daily</h2>
<figure>${renderDailyChart(data.daily)}<figcaption>Rows checked per day; the darker part of each bar is invalid rows.</figcaption></figure>
<h2>By marketplace</h2>
${table(
  ['marketplace', ...COUNT_HEADERS],
  data.by_marketplace.map((row) => [row.marketplace, ...countCells(row)]),
)}
<h2>Top rules</h2>
${table(
  ['rule', 'issues'],
  data.top_rules.map((row) => [row.rule, row.count]),
)}
<h2>Top columns</h2>
${table(
  ['column', 'issues'],
  data.top_columns.map((row) => [row.column, row.count]),
)}
<h2>Every day</h2>
${table(
  ['date', ...COUNT_HEADERS],
  data.daily.map((row) => [row.date, ...countCells(row)]),
)}
</body></html>
`;
}
