import type { ReportSummary } from './report-types';

const numberFormat = new Intl.NumberFormat('en-US');

export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${numberFormat.format(count)} ${count === 1 ? singular : plural}`;
}

/** The summary in a few sentences, for people: what was checked, what is left, what auto-fix did or would do. */
export function describeSummary(summary: ReportSummary): string {
  const sentences = [
    `${counted(summary.rows_total, 'row')} checked: ${numberFormat.format(summary.rows_valid)} valid, ` +
      `${numberFormat.format(summary.rows_invalid)} with errors.`,
    `${counted(summary.errors, 'error')} and ${counted(summary.warnings, 'warning')}.`,
  ];
  if (summary.fixes_applied > 0) sentences.push(`auto_fix made ${counted(summary.fixes_applied, 'fix', 'fixes')}.`);
  if (summary.fixable > 0) {
    const verb = summary.fixable === 1 ? 'issue can' : 'issues can';
    sentences.push(`${numberFormat.format(summary.fixable)} ${verb} be fixed automatically with auto_fix.`);
  }
  return sentences.join(' ');
}
