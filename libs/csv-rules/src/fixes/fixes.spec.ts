import { decimalCommaFix } from './decimal-comma';
import type { CellFix, FixKind } from './fix-kind';
import { neutralizeFormula } from './formula-injection';
import { gtinDigitsFix } from './gtin-digits';
import { SpecFields } from '../rules/spec-fields';
import { trimFix, whitespaceFix } from './whitespace';

function compiled(kind: FixKind): CellFix {
  return kind.compile({ column: 'c', rules: [] }, new SpecFields({}, 'test'));
}

describe('fixes', () => {
  it.each([
    ['R$ 1.234,56', '1234.56'],
    ['R$1.234,56', '1234.56'],
    ['1234,56', '1234.56'],
    ['1.234,5', '1234.50'],
    ['0,99', '0.99'],
    ['R$ 10', '10.00'],
    ['R$ 10.5', '10.50'],
    ['1.234.567,89', '1234567.89'],
    [' 12,3 ', '12.30'],
  ])('decimal_comma rewrites %j as %j', (from, to) => {
    expect(compiled(decimalCommaFix)(from)).toBe(to);
  });

  it.each(['10.50', '1234', '1.234', '12,345', '1,234.56', 'abc', '', '-1,5'])('decimal_comma leaves %j alone', (value) => {
    expect(compiled(decimalCommaFix)(value)).toBeNull();
  });

  it.each([
    ['4006381333931', null],
    ['4006 3813 3393 1', '4006381333931'],
    ['400-638-133-393-1', '4006381333931'],
    ['36000291452', '036000291452'],
    ['1234565', '01234565'],
    ['0012345678905', null],
    ['12345678905', '012345678905'],
    ['123', null],
    ['12-3', '123'],
    ['4006381333932', null],
    ['ABC-123', null],
  ])('gtin_digits turns %j into %j', (from, to) => {
    expect(compiled(gtinDigitsFix)(from)).toBe(to);
  });

  it.each([
    ['  a  b  ', 'a b'],
    ['a\u00a0', 'a'],
    ['line 1  \nline  2', 'line 1 \nline 2'],
    ['ok', null],
    ['', null],
  ])('whitespace turns %j into %j', (from, to) => {
    expect(compiled(whitespaceFix)(from)).toBe(to);
  });

  it('trim only trims', () => {
    expect(compiled(trimFix)(' a  b ')).toBe('a  b');
    expect(compiled(trimFix)('ab')).toBeNull();
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+cmd', "'+cmd"],
    ['-cmd', "'-cmd"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['-5', null],
    ['+3.2', null],
    ['-1,5', null],
    ['-1e5', null],
    ['a=b', null],
    ['', null],
  ])('formula neutralising turns %j into %j', (from, to) => {
    expect(neutralizeFormula(from)).toBe(to);
  });
});
