import { defineRuleKind } from './rule-kind';

export const requiredRule = defineRuleKind<null>({
  id: 'required',
  judgesEmpty: true,
  parse(fields) {
    fields.rejectUnknown();
    return null;
  },
  compile(_params, { column }) {
    const message = `${column} is required`;
    return () => message;
  },
});

/** Same check as `required`, but it is declared inside a category and reported under its own id. */
export const requiredForCategoryRule = defineRuleKind<null>({
  id: 'required_for_category',
  judgesEmpty: true,
  parse(fields) {
    fields.rejectUnknown();
    return null;
  },
  compile(_params, { column, category }) {
    const message = `${column} is required for category ${category ?? '(none)'}`;
    return () => message;
  },
});
