import Papa from 'papaparse';
import { csvText, validateText } from '../test-support/validation-harness';
import type { ValidationReport } from './report-types';
import { ISSUES_CSV_COLUMNS, renderIssuesCsv } from './render-issues-csv';
import { escapeHtml, renderReportHtml } from './render-report-html';

const HOSTILE = '<script>alert("x")</script>';

/** A real report with hostile values in every text field a file controls. */
async function hostileReport(options: object = {}, delimiter = ','): Promise<ValidationReport> {
  const text = csvText(
    [
      ['sku', 'title', 'price', 'pictures', `<b onmouseover="x()">`, 'prise'],
      [`"><img src=x onerror=alert(1)>`, HOSTILE, '=HYPERLINK("https://evil.example/x")', 'http://insecure.example/a.jpg', '@SUM(A1)', '1'],
      ['A;2,x', 'Título; com vírgula, e aspas "', '-5', 'https://ok.example/a.jpg', '+cmd', '2'],
      ['A3', '', '10', 'https://ok.example/b.jpg', '\tx', '3'],
    ],
    { delimiter },
  );
  return validateText(text, { marketplace: 'mercado_livre', ...options });
}

function parseCsv(text: string, delimiter: string): string[][] {
  expect(text.startsWith('\ufeff')).toBe(true);
  const parsed = Papa.parse<string[]>(text.slice(1), { delimiter, newline: '\r\n', skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

describe('renderIssuesCsv', () => {
  it('writes one row per issue with every field, and parses back to the report', async () => {
    const report = await hostileReport();
    const rows = parseCsv(renderIssuesCsv(report), ',');
    expect(rows[0]).toEqual([...ISSUES_CSV_COLUMNS]);
    expect(rows).toHaveLength(report.issues.length + 1);
    report.issues.forEach((issue, i) => {
      const unsafe = (cell: string): string => (cell.startsWith("'") ? cell.slice(1) : cell);
      const [row, line, sku, column, rule, severity, message, value, fixedValue, fixable] = rows[i + 1];
      expect({ row, line, sku: unsafe(sku), column: unsafe(column), rule, severity, message, value: unsafe(value), fixedValue, fixable }).toEqual({
        row: String(issue.row),
        line: issue.line === null ? '' : String(issue.line),
        sku: issue.sku ?? '',
        column: issue.column ?? '',
        rule: issue.rule,
        severity: issue.severity,
        message: issue.message,
        value: issue.value ?? '',
        fixedValue: issue.fixed_value ?? '',
        fixable: String(issue.fixable),
      });
    });
  });

  it('is safe to open in a spreadsheet: no cell starts a formula, and cells with , or ; are quoted', async () => {
    const report = await hostileReport({ autoFix: true });
    const text = renderIssuesCsv(report);
    const cells = parseCsv(text, ',').flat();
    const formulaStart = /^[=+\-@\t\r]/;
    expect(cells.filter((cell) => formulaStart.test(cell) && !/^[+-]?\d+(\.\d+)?$/.test(cell))).toEqual([]);
    expect(cells).toContain('\'=HYPERLINK("https://evil.example/x")');
    expect(text).toContain(',"A;2,x",');
  });

  it("uses the input's delimiter unless told otherwise, and can leave out the BOM", async () => {
    const report = await hostileReport({}, ';');
    expect(report.input.delimiter).toBe(';');
    expect(parseCsv(renderIssuesCsv(report), ';')[0]).toEqual([...ISSUES_CSV_COLUMNS]);
    const tabbed = renderIssuesCsv(report, { delimiter: '\t', bom: false });
    expect(tabbed.startsWith('row\tline\tsku')).toBe(true);
  });
});

describe('renderReportHtml', () => {
  it('escapes every value from the file and makes no request of its own', async () => {
    const report = await hostileReport();
    const html = renderReportHtml(report, { title: `feed ${HOSTILE}.csv` });

    // Real tags only (text from the file is escaped, so its "<" never opens one).
    const tags = html.match(/<[a-z!/][^>]*>/gi) ?? [];
    const names = new Set(tags.map((tag) => /^<\/?([a-z!][a-z0-9]*)/i.exec(tag)?.[1]?.toLowerCase()));
    expect([...names].sort()).toEqual([
      '!doctype',
      'body',
      'code',
      'div',
      'h1',
      'h2',
      'head',
      'html',
      'li',
      'main',
      'meta',
      'p',
      'section',
      'span',
      'style',
      'table',
      'tbody',
      'td',
      'th',
      'thead',
      'title',
      'tr',
      'ul',
    ]);
    expect(tags.filter((tag) => /\s(src|href|action|formaction|poster|srcset|background|on\w+)\s*=/i.test(tag))).toEqual([]);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    expect(html).toContain(escapeHtml(HOSTILE));
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain(`<title>feed ${escapeHtml(HOSTILE)}.csv</title>`);
  });

  it('shows the summary, exact counts per rule and one table row per issue, readable on a phone', async () => {
    const report = await hostileReport();
    const html = renderReportHtml(report);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain(escapeHtml(report.summary_text));
    for (const [rule, count] of Object.entries(report.by_rule)) expect(html).toContain(`<td><code>${rule}</code></td><td class="num">${count}</td>`);
    const issueRows = html.slice(html.indexOf('<table class="issues">')).match(/<tr><td data-label="Row">/g) ?? [];
    expect(issueRows).toHaveLength(report.issues.length);
    expect(html).toContain('@media (max-width: 640px)');
  });

  it('says when the issue list is capped, and has a plain page for a clean file', async () => {
    const capped = renderReportHtml(await hostileReport({ maxIssues: 2 }));
    expect(capped).toMatch(/Showing the first 2 of \d+ issues; the counts above are exact\./);
    const clean = await validateText('a,b\n1,2\n');
    expect(renderReportHtml(clean)).toContain('<p class="note">No issues.</p>');
  });

  it('writes counts, rows and lines with en-US thousands separators, as Intl does', async () => {
    const report = await hostileReport();
    const intl = new Intl.NumberFormat('en-US');
    const values = [0, 7, 999, 1_000, 12_345, 999_999, 1_000_000, 1_234_567_890, Number.MAX_SAFE_INTEGER, -4_321, 2.5];
    const [first] = report.issues;
    for (const value of values) {
      const html = renderReportHtml({
        ...report,
        summary: { ...report.summary, rows_total: value },
        issues: [{ ...first, row: value, line: value }],
      });
      expect(html).toContain(`<li><span class="value">${intl.format(value)}</span><span class="label">rows</span></li>`);
      expect(html).toContain(`<td data-label="Row">${intl.format(value)}</td><td data-label="Line">${intl.format(value)}</td>`);
    }
  });
});
