import type { CorrectedCsvWriter } from '../output/corrected-writer';
import { CsvLineFormatter } from '../output/csv-line';
import type { Delimiter } from '../parsing/dialect';
import type { ReportBuilder } from '../report/report-builder';
import { formatCount } from '../rules/rule-kind';
import type { LoadedCategory, LoadedRuleset } from '../ruleset/loaded-ruleset';
import { MemoryBudget } from './memory-budget';
import { RowProcessor } from './row-processor';
import { compilePlan } from './validation-plan';

export interface HeaderContext {
  ruleset: LoadedRuleset;
  category: LoadedCategory | null;
  autoFix: boolean;
  maxColumns: number;
  maxUniqueIndexBytes: number;
  delimiter: Delimiter;
  report: ReportBuilder;
  writer: CorrectedCsvWriter | null;
}

/**
 * Reads the header and sets up the row processing, or reports `too_many_columns` and returns
 * null when the header is wider than `maxColumns`: such a file is refused before any
 * per-column state is built (a header of a few hundred thousand empty cells would otherwise
 * pad every row of the corrected CSV out to as many delimiters).
 */
export function startRows(
  header: string[],
  place: { line: number; undecodable: boolean; record: string | null },
  context: HeaderContext,
): RowProcessor | null {
  const { report } = context;
  report.at(0, place.line);
  if (header.length > context.maxColumns) {
    const message =
      `the header has ${formatCount(header.length)} columns; at most ${formatCount(context.maxColumns)} are accepted, ` + 'so no row was read';
    report.add(null, 'too_many_columns', 'error', message, null);
    return null;
  }
  const memory = new MemoryBudget(context.maxUniqueIndexBytes);
  const plan = compilePlan(context.ruleset, context.category, header, context.autoFix, memory, (issue) =>
    report.add(issue.column, issue.rule, issue.severity, issue.message, issue.value),
  );
  const formatter = new CsvLineFormatter(context.delimiter);
  const processor = new RowProcessor(plan, report, context.autoFix, context.writer, formatter, place.line);
  processor.processHeader(header, place.undecodable, place.record);
  return processor;
}

/** A category the ruleset has no rules for changes nothing: say so, and which ones it has. */
export function reportUnknownCategory(report: ReportBuilder, ruleset: LoadedRuleset, category: string): void {
  const where = `${ruleset.marketplace}/${ruleset.name}`;
  const known = ruleset.categories.map((entry) => (entry.aliases.length > 0 ? `${entry.name} (also ${entry.aliases.join(', ')})` : entry.name));
  const message =
    known.length === 0
      ? `category "${category}" has no rules: ${where} has no category-specific rules, so only its base rules ran`
      : `category "${category}" is not one ${where} has rules for, so only its base rules ran; known categories: ${known.join('; ')}`;
  report.at(0, null);
  report.add(null, 'unknown_category', 'warning', message, category);
}
