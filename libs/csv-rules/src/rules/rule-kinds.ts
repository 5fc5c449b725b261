import { enumRule } from './enum';
import { gtinRule } from './gtin';
import { maxLengthRule, minLengthRule } from './length';
import { maxItemsRule, urlRule } from './lists';
import { notGreaterThanRule } from './not-greater-than';
import { decimalsRule, integerRule, numberRule, positiveRule, rangeRule } from './numbers';
import { patternRule } from './pattern';
import { requiredForCategoryRule, requiredRule } from './required';
import type { RuleKind } from './rule-kind';
import { uniqueRule } from './unique';

/** Every built-in rule kind by id (`custom` is resolved separately, see custom/). */
export const RULE_KINDS: ReadonlyMap<string, RuleKind> = new Map(
  (
    [
      requiredRule,
      requiredForCategoryRule,
      maxLengthRule,
      minLengthRule,
      patternRule,
      uniqueRule,
      numberRule,
      integerRule,
      positiveRule,
      decimalsRule,
      rangeRule,
      enumRule,
      gtinRule,
      urlRule,
      maxItemsRule,
      notGreaterThanRule,
    ] as RuleKind[]
  ).map((kind) => [kind.id, kind]),
);
