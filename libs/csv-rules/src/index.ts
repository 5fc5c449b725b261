export { validateCsv } from './validate-csv';
export { DEFAULT_MARKETPLACE, DEFAULT_MAX_COLUMNS, DEFAULT_MAX_RECORD_CHARS, type ValidateCsvOptions, type ValidationProgress } from './options';
export { DEFAULT_MAX_ISSUES } from './report/report-builder';
export { DEFAULT_MAX_UNIQUE_INDEX_BYTES } from './engine/memory-budget';
export type { IssueSeverity, ReportInput, ReportIssue, ReportSummary, ValidationReport } from './report/report-types';
export { describeSummary } from './report/describe-summary';
export { ISSUES_CSV_COLUMNS, renderIssuesCsv, type IssuesCsvOptions } from './report/render-issues-csv';
export { renderReportHtml, type ReportHtmlOptions } from './report/render-report-html';
export {
  CsvRulesError,
  InvalidOptionsError,
  OutputLimitExceededError,
  RulesetDefinitionError,
  UnknownRulesetError,
  UnreadableCsvError,
  ValidationAbortedError,
  type UnreadableReason,
} from './errors';
export { DEFAULT_RULESET, getRuleset, hasRuleset, listMarketplaces, type MarketplaceInfo, type RulesetInfo } from './ruleset/ruleset-registry';
export { loadRuleset } from './ruleset/load-ruleset';
export type { LoadedColumn, LoadedRuleset } from './ruleset/loaded-ruleset';
export type { CategoryDefinition, ColumnDefinition, FixName, RuleSeverity, RuleSpec, RulesetDefinition } from './rulesets/ruleset-definition';
export { DELIMITERS, type Delimiter } from './parsing/dialect';
