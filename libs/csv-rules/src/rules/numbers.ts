import { defineRuleKind, formatCount, quoted } from './rule-kind';

/** The canonical form: optional minus, digits, optional `.` and digits. No thousands separators. */
export const CANONICAL_DECIMAL = /^-?\d+(?:\.\d+)?$/;
const CANONICAL_INTEGER = /^-?\d+$/;

export const numberRule = defineRuleKind<null>({
  id: 'number',
  judgesEmpty: false,
  parse(fields) {
    fields.rejectUnknown();
    return null;
  },
  compile(_params, { column }) {
    return (value) =>
      CANONICAL_DECIMAL.test(value) ? null : `${column} ${quoted(value)} is not a number in the form 1234.56`;
  },
});

export const integerRule = defineRuleKind<null>({
  id: 'integer',
  judgesEmpty: false,
  parse(fields) {
    fields.rejectUnknown();
    return null;
  },
  compile(_params, { column }) {
    return (value) => (CANONICAL_INTEGER.test(value) ? null : `${column} ${quoted(value)} is not a whole number`);
  },
});

const NUMERIC = ['number', 'integer'] as const;

/** For a value already in canonical form: no minus sign and some digit other than 0. */
function isPositive(value: string): boolean {
  if (value.charCodeAt(0) === 0x2d) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x31 && code <= 0x39) return true;
  }
  return false;
}

export const positiveRule = defineRuleKind<null>({
  id: 'positive',
  judgesEmpty: false,
  needsEarlier: NUMERIC,
  parse(fields) {
    fields.rejectUnknown();
    return null;
  },
  compile(_params, { column }) {
    return (value) => (isPositive(value) ? null : `${column} ${quoted(value)} must be greater than 0`);
  },
});

export const decimalsRule = defineRuleKind<{ max: number }>({
  id: 'decimals',
  judgesEmpty: false,
  needsEarlier: NUMERIC,
  parse(fields) {
    const max = fields.integer('max', { min: 0 });
    fields.rejectUnknown();
    return { max };
  },
  compile({ max }, { column }) {
    return (value) => {
      const dot = value.indexOf('.');
      if (dot === -1 || value.length - dot - 1 <= max) return null;
      return `${column} ${quoted(value)} has ${value.length - dot - 1} decimals; at most ${max} are allowed`;
    };
  },
});

export const rangeRule = defineRuleKind<{ min: number; max: number }>({
  id: 'range',
  judgesEmpty: false,
  needsEarlier: NUMERIC,
  parse(fields) {
    const min = fields.finiteNumber('min') ?? -Infinity;
    const max = fields.finiteNumber('max') ?? Infinity;
    fields.rejectUnknown();
    if (min === -Infinity && max === Infinity) fields.fail('needs "min", "max" or both');
    if (min > max) fields.fail(`"min" (${min}) is greater than "max" (${max})`);
    return { min, max };
  },
  compile({ min, max }, { column }) {
    const bounds =
      min === -Infinity ? `at most ${formatCount(max)}` : max === Infinity ? `at least ${formatCount(min)}` : `between ${formatCount(min)} and ${formatCount(max)}`;
    return (value) => {
      const number = Number(value);
      return number >= min && number <= max ? null : `${column} ${quoted(value)} must be ${bounds}`;
    };
  },
});
