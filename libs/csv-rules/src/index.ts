export { validateCsv } from './validate-csv';
export {
  DEFAULT_MARKETPLACE,
  DEFAULT_MAX_RECORD_CHARS,
  type ValidateCsvOptions,
  type ValidationProgress,
} from './options';
export { DEFAULT_MAX_ISSUES } from './report/report-builder';
export type { IssueSeverity, ReportInput, ReportIssue, ReportSummary, ValidationReport } from './report/report-types';
export {
  CsvRulesError,
  InvalidOptionsError,
  RulesetDefinitionError,
  UnknownRulesetError,
  UnreadableCsvError,
  ValidationAbortedError,
  type UnreadableReason,
} from './errors';
export {
  DEFAULT_RULESET,
  getRuleset,
  hasRuleset,
  listMarketplaces,
  type MarketplaceInfo,
  type RulesetInfo,
} from './ruleset/ruleset-registry';
export { loadRuleset } from './ruleset/load-ruleset';
export type { LoadedColumn, LoadedRuleset } from './ruleset/loaded-ruleset';
export type {
  CategoryDefinition,
  ColumnDefinition,
  FixName,
  RuleSeverity,
  RuleSpec,
  RulesetDefinition,
} from './rulesets/ruleset-definition';
export { DELIMITERS, type Delimiter } from './parsing/dialect';
