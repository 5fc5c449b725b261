import { normalizeName } from '../headers/normalize-name';
import type { EnumParams } from '../rules/enum';
import type { FixKind } from './fix-kind';

/** `Novo`, `NEW`, `novo` -> `new`: the enum's own values in any case or accent, plus its declared synonyms. */
export const enumSynonymsFix: FixKind = {
  id: 'enum_synonyms',
  stage: 'repair',
  describe: 'replaced by the accepted spelling',
  compile({ rules }, fields) {
    const enumRule = rules.find((rule) => rule.kindId === 'enum');
    if (!enumRule) return fields.fail('the enum_synonyms fix needs an enum rule on the same column');
    const { values, synonyms } = enumRule.params as EnumParams;
    const allowed = new Set(values);
    const byKey = new Map<string, string>();
    const add = (spelling: string, target: string): void => {
      const key = normalizeName(spelling);
      const existing = byKey.get(key);
      if (existing !== undefined && existing !== target) {
        fields.fail(`"${spelling}" would map to both "${existing}" and "${target}"`);
      }
      byKey.set(key, target);
    };
    for (const value of values) add(value, value);
    for (const [synonym, target] of Object.entries(synonyms)) add(synonym, target);

    return (value) => {
      if (allowed.has(value)) return null;
      const target = byKey.get(normalizeName(value));
      return target === undefined ? null : target;
    };
  },
};
