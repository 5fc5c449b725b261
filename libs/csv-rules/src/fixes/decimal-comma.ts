import { CANONICAL_DECIMAL } from '../rules/numbers';
import type { FixKind } from './fix-kind';

const CURRENCY_PREFIX = /^r\$\s*/i;
const COMMA_DECIMAL = /^(\d{1,3}(?:\.\d{3})+|\d+),(\d{1,2})$/;
const DOT_THOUSANDS = /^\d{1,3}(?:\.\d{3})+$/;
const PLAIN = /^(\d+)(?:\.(\d{1,2}))?$/;

/**
 * Brazilian prices to the canonical form: `R$ 1.234,56` -> `1234.56`, `1234,5` -> `1234.50`.
 * Only unambiguous forms are rewritten: `1.234` alone could be 1.234 or 1234, so it is left for
 * the rules to flag, unless `R$` or a second dot settles it. Never rounds.
 */
export const decimalCommaFix: FixKind = {
  id: 'decimal_comma',
  stage: 'repair',
  describe: 'rewritten from Brazilian number format',
  compile: () => (value) => {
    if (CANONICAL_DECIMAL.test(value)) return null;
    let body = value.trim();
    const hasCurrency = CURRENCY_PREFIX.test(body);
    if (hasCurrency) body = body.replace(CURRENCY_PREFIX, '');

    const comma = COMMA_DECIMAL.exec(body);
    if (comma) return canonical(comma[1], comma[2]);
    if (DOT_THOUSANDS.test(body) && (hasCurrency || body.indexOf('.') !== body.lastIndexOf('.'))) return canonical(body, '');
    const plain = hasCurrency ? PLAIN.exec(body) : null;
    if (plain) return canonical(plain[1], plain[2] ?? '');
    return null;
  },
};

function canonical(integerPart: string, fraction: string): string {
  return `${integerPart.replaceAll('.', '')}.${fraction.padEnd(2, '0')}`;
}
