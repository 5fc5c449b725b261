import { mapHeaders, type HeaderIssue } from '../headers/map-headers';
import { normalizeName } from '../headers/normalize-name';
import type { CellCheck, CompileContext } from '../rules/rule-kind';
import type { LoadedCategory, LoadedColumn, LoadedFix, LoadedRule, LoadedRuleset } from '../ruleset/loaded-ruleset';
import type { RuleSeverity } from '../rulesets/ruleset-definition';

export interface CompiledRule {
  id: string;
  severity: RuleSeverity;
  check: CellCheck;
}

export interface ColumnPlan {
  position: number;
  name: string;
  /** The whitespace fix, run on every value; null without one or without auto-fix. */
  normalize: LoadedFix | null;
  /** Fixes tried, in order, on a value that breaks a rule; empty without auto-fix. */
  repairs: readonly LoadedFix[];
  /** Rules for empty cells (`required` ...). */
  emptyRules: readonly CompiledRule[];
  /** Rules for non-empty cells, in declared order (value-remembering ones last); the first failure is the cell's issue. */
  valueRules: readonly CompiledRule[];
}

export interface ValidationPlan {
  width: number;
  /** 1 at the header positions whose whitespace fix collapses inner spaces (auto-fix only). */
  collapsesSpaces: Uint8Array;
  /** Name used in issues for each header position. */
  names: readonly string[];
  columns: readonly ColumnPlan[];
  missingColumns: ReadonlyArray<{ column: LoadedColumn; accepted: string[] }>;
}

export function findCategory(ruleset: LoadedRuleset, category: string | null): LoadedCategory | null {
  if (category === null) return null;
  return ruleset.categoryByKey.get(normalizeName(category)) ?? null;
}

/**
 * Compiles the ruleset against this file's header, once per run: each present column gets its
 * fixes and closures in order, so the per-row work is a walk over small arrays. Columns whose
 * rules read other columns come last, so they see those columns already fixed.
 */
export function compilePlan(
  ruleset: LoadedRuleset,
  category: LoadedCategory | null,
  header: readonly string[],
  autoFix: boolean,
  onHeaderIssue: (issue: HeaderIssue) => void,
): ValidationPlan {
  const mapping = mapHeaders(header, ruleset, onHeaderIssue);
  const positionByColumn = new Map<string, number>();
  mapping.columns.forEach((column, position) => {
    if (column) positionByColumn.set(column.name, position);
  });
  const positionOf = (name: string): number => positionByColumn.get(name) ?? -1;
  const rulesOf = (column: LoadedColumn): readonly LoadedRule[] => [
    ...column.rules,
    ...(category?.rulesByColumn.get(column.name) ?? []),
  ];

  const columns: ColumnPlan[] = [];
  const readsOthers: ColumnPlan[] = [];
  const missingColumns: Array<{ column: LoadedColumn; accepted: string[] }> = [];
  for (const column of ruleset.columns) {
    const rules = rulesOf(column);
    const position = positionOf(column.name);
    if (position === -1) {
      if (rules.some((rule) => rule.kind.judgesEmpty)) {
        missingColumns.push({ column, accepted: [column.name, ...column.aliases] });
      }
      continue;
    }
    const context: CompileContext = {
      column: column.name,
      category: category?.name ?? null,
      list: column.list,
      positionOf,
    };
    const ordered = [...rules].sort((a, b) => Number(a.kind.remembersValues ?? false) - Number(b.kind.remembersValues ?? false));
    const compile = (rule: LoadedRule): CompiledRule => ({
      id: rule.id,
      severity: rule.severity,
      check: rule.kind.compile(rule.params, context),
    });
    const plan: ColumnPlan = {
      position,
      name: column.name,
      normalize: autoFix ? (column.fixes.find((fix) => fix.stage === 'normalize') ?? null) : null,
      repairs: autoFix ? column.fixes.filter((fix) => fix.stage === 'repair') : [],
      emptyRules: ordered.filter((rule) => rule.kind.judgesEmpty).map(compile),
      valueRules: ordered.filter((rule) => !rule.kind.judgesEmpty).map(compile),
    };
    if (rules.some((rule) => rule.kind.referencedColumns?.(rule.params).length)) readsOthers.push(plan);
    else columns.push(plan);
  }
  columns.push(...readsOthers);
  const collapsesSpaces = new Uint8Array(header.length);
  for (const plan of columns) if (plan.normalize?.id === 'whitespace') collapsesSpaces[plan.position] = 1;
  return { width: header.length, collapsesSpaces, names: mapping.names, columns, missingColumns };
}
