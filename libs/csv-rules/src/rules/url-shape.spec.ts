import { MemoryBudget } from '../engine/memory-budget';
import { ListScanner } from './list-scanner';
import { urlRule } from './lists';
import { createUrlShapeCheck } from './url-shape';

const context = { column: 'pictures', category: null, list: { separators: ['|', ','] }, positionOf: () => -1, memory: new MemoryBudget(0) };
const check = urlRule.compile({ schemes: ['https'] }, context);
const slowCheck = createUrlShapeCheck(['https']);

/** The slow path alone: walk the items and check each one in place. */
function slowVerdict(value: string): boolean {
  const scanner = new ListScanner(['|', ',']);
  scanner.scan(value, slowCheck);
  return scanner.refusedStart === -1;
}

describe('url rule', () => {
  const cases = [
    'https://a.com/x.jpg',
    'https://a.com',
    'https://a.com:443',
    'https://a.com:443/x',
    'https://a.com:99999/x',
    'https://a.com:/x',
    'https://sub-domain.example.com.br/p/a%20b.jpg?x=1&y=2#f',
    'https://a.com/x y.jpg',
    'https://a.com/x\ty.jpg',
    'https://a.com/x.jpg\u00a0',
    ' https://a.com/x.jpg ',
    'https://a.com/1.jpg|https://b.com/2.jpg',
    'https://a.com/1.jpg | https://b.com/2.jpg',
    'https://a.com/1.jpg||https://b.com/2.jpg',
    'https://a.com/1.jpg|',
    '|https://a.com/1.jpg',
    'https://a.com/w_1,h_2/1.jpg|https://b.com/2.jpg',
    'https://a.com/1.jpg,https://b.com/2.jpg',
    'https://a.com/1.jpg, http://b.com/2.jpg',
    'http://a.com/x.jpg',
    'https:/a.com/x.jpg',
    'https://.com/x.jpg',
    'https://a./x.jpg',
    'https://a..b.com/x',
    'https://a_b.com/x',
    'https://localhost',
    'https://a.com?q',
    'https://a.com#frag',
    'https://a.com/"quoted"',
    'HTTPS://A.COM/X',
    'ftp://a.com/x',
    '',
  ];

  it.each(cases)('agrees with the item-by-item check on %j', (value) => {
    if (value.trim() === '') return;
    expect(check(value, 1, []) === null).toBe(slowVerdict(value));
  });

  it('accepts other schemes when configured', () => {
    const either = urlRule.compile({ schemes: ['https', 'http'] }, { ...context, list: null });
    expect(either('http://a.com/x', 1, [])).toBeNull();
    expect(either('ftp://a.com/x', 1, [])).toBe('pictures "ftp://a.com/x" is not an https:// or http:// URL');
  });
});
