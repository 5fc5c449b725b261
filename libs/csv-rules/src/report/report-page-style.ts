/**
 * The report page's only stylesheet, inlined: the page makes no request of its own. On narrow
 * screens the issue table turns into one card per issue, each cell labelled from `data-label`.
 */
export const REPORT_PAGE_STYLE = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --error: #a40e26; --warning: #7d4e00; --fix: #116329; }
* { box-sizing: border-box; }
body { margin: 0; padding: 16px; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1200px; margin: 0 auto; }
h1 { font-size: 1.5rem; margin: 0 0 4px; }
h2 { font-size: 1.15rem; margin: 24px 0 8px; }
.context, .note { color: var(--muted); margin: 0 0 12px; overflow-wrap: anywhere; }
.summary-text { font-size: 1.05rem; margin: 12px 0; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(120px, 1fr)); gap: 8px; margin: 0; padding: 0; list-style: none; }
.stats li { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
.stats .value { display: block; font-size: 1.35rem; font-weight: 600; }
.stats .label { color: var(--muted); font-size: 0.9rem; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
.issues td { overflow-wrap: anywhere; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; white-space: pre-wrap; }
.sev { font-weight: 600; }
.sev-error { color: var(--error); }
.sev-warning { color: var(--warning); }
.sev-fix { color: var(--fix); }
@media (max-width: 640px) {
  body { padding: 12px; }
  .issues thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .issues tr { display: block; border: 1px solid var(--line); border-radius: 6px; margin-bottom: 10px; padding: 6px 0; }
  .issues td { display: grid; grid-template-columns: 7.5em 1fr; gap: 8px; border: 0; padding: 2px 10px; }
  .issues td::before { content: attr(data-label); color: var(--muted); font-weight: 600; }
}
`;
