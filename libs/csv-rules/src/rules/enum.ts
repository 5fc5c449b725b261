import { defineRuleKind, quoted } from './rule-kind';

export interface EnumParams {
  values: readonly string[];
  /** Other spellings that the `enum_synonyms` fix turns into a value. */
  synonyms: Readonly<Record<string, string>>;
}

export const enumRule = defineRuleKind<EnumParams>({
  id: 'enum',
  judgesEmpty: false,
  parse(fields) {
    const values = fields.textList('values');
    const synonyms = fields.textRecord('synonyms') ?? {};
    fields.rejectUnknown();
    const duplicate = values.find((value, index) => values.indexOf(value) !== index);
    if (duplicate !== undefined) fields.fail(`"values" lists ${quoted(duplicate)} twice`);
    for (const [synonym, target] of Object.entries(synonyms)) {
      if (!values.includes(target)) fields.fail(`synonym ${quoted(synonym)} points to ${quoted(target)}, which is not in "values"`);
    }
    return { values, synonyms };
  },
  compile({ values }, { column }) {
    // A short list is scanned: cheaper than hashing a fresh substring for a Set lookup.
    const allowed = new Set(values);
    const few = values.length <= 8 ? [...values] : null;
    const isAllowed = few
      ? (value: string): boolean => {
          for (let i = 0; i < few.length; i++) if (few[i] === value) return true;
          return false;
        }
      : (value: string): boolean => allowed.has(value);
    const listed = values.length <= 12 ? values.join(', ') : `${values.slice(0, 12).join(', ')}, …`;
    return (value) => (isAllowed(value) ? null : `${column} ${quoted(value)} is not one of ${listed}`);
  },
});
