import { defineRuleKind, quoted } from './rule-kind';

export const patternRule = defineRuleKind<{ regex: RegExp; hint: string }>({
  id: 'pattern',
  judgesEmpty: false,
  parse(fields) {
    const pattern = fields.text('pattern');
    const flags = fields.text('flags', true) ?? '';
    const hint = fields.text('hint');
    fields.rejectUnknown();
    if (/[gy]/.test(flags)) fields.fail('"flags" may not contain g or y (the check must not keep state)');
    try {
      return { regex: new RegExp(pattern, flags), hint };
    } catch (error) {
      return fields.fail(`"pattern" is not a valid regular expression: ${(error as Error).message}`);
    }
  },
  compile({ regex, hint }, { column }) {
    return (value) => (regex.test(value) ? null : `${column} ${quoted(value)} is not valid: ${hint}`);
  },
});
