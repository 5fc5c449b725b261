import { characterCount, defineRuleKind, formatCount } from './rule-kind';

/** Lengths are counted after trimming, in characters (code points). */
export const maxLengthRule = defineRuleKind<{ max: number }>({
  id: 'max_length',
  judgesEmpty: false,
  parse(fields) {
    const max = fields.integer('max', { min: 1 });
    fields.rejectUnknown();
    return { max };
  },
  compile({ max }, { column }) {
    return (value) => {
      if (value.length <= max) return null;
      const length = characterCount(value.trim(), max);
      if (length <= max) return null;
      return `${column} has ${formatCount(length)} characters; at most ${formatCount(max)} are allowed`;
    };
  },
});

export const minLengthRule = defineRuleKind<{ min: number }>({
  id: 'min_length',
  judgesEmpty: false,
  parse(fields) {
    const min = fields.integer('min', { min: 1 });
    fields.rejectUnknown();
    return { min };
  },
  compile({ min }, { column }) {
    return (value) => {
      const length = characterCount(value.trim(), 0);
      if (length >= min) return null;
      return `${column} has ${formatCount(length)} characters; at least ${formatCount(min)} are required`;
    };
  },
});
