import type { CellFix, FixStage } from '../fixes/fix-kind';
import type { RuleKind } from '../rules/rule-kind';
import type { FixName, RulesetDefinition, RuleSeverity } from '../rulesets/ruleset-definition';

/** A ruleset after loading: every field checked, every rule resolved to its kind. */
export interface LoadedRule {
  /** The id issues are reported under (a custom rule's name for `custom`). */
  id: string;
  kind: RuleKind;
  params: unknown;
  severity: RuleSeverity;
}

export interface LoadedFix {
  id: FixName;
  stage: FixStage;
  describe: string;
  apply: CellFix;
}

export interface LoadedColumn {
  name: string;
  description: string | null;
  aliases: readonly string[];
  defaultValue: string | null;
  list: { separators: readonly string[] } | null;
  fixes: readonly LoadedFix[];
  rules: readonly LoadedRule[];
}

export interface LoadedCategory {
  name: string;
  description: string | null;
  aliases: readonly string[];
  rulesByColumn: ReadonlyMap<string, readonly LoadedRule[]>;
}

export interface LoadedRuleset {
  marketplace: string;
  name: string;
  description: string;
  source: string | null;
  /** The column whose value identifies a row in reports (`sku_column`), or null. */
  skuColumn: string | null;
  columns: readonly LoadedColumn[];
  columnByName: ReadonlyMap<string, LoadedColumn>;
  /** Normalised header (name or alias) -> column. */
  columnByHeaderKey: ReadonlyMap<string, LoadedColumn>;
  categories: readonly LoadedCategory[];
  /** Normalised category name or alias -> category. */
  categoryByKey: ReadonlyMap<string, LoadedCategory>;
  definition: RulesetDefinition;
}
