import type { RuleKind } from '../rule-kind';
import { asinRule } from './asin';

/**
 * Named custom rules, for checks that data alone cannot express. A ruleset uses one with
 * `{ rule: 'custom', name: 'asin', params: {...} }`; issues are reported under its name.
 */
export const CUSTOM_RULES: ReadonlyMap<string, RuleKind> = new Map<string, RuleKind>([[asinRule.id, asinRule as RuleKind]]);
