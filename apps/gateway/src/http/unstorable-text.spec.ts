import { findUnstorableText, isUnstorableText } from './unstorable-text';

describe('unstorable text', () => {
  it('flags NUL and lone surrogates, and nothing else', () => {
    expect(isUnstorableText('a\u0000b')).toBe(true);
    expect(isUnstorableText('x\ud800')).toBe(true);
    expect(isUnstorableText('\udc00x')).toBe(true);
    expect(isUnstorableText('emoji 😀 ok')).toBe(false);
    expect(isUnstorableText('ação ✓')).toBe(false);
    expect(isUnstorableText('')).toBe(false);
  });

  it('names the path of the first bad value or key', () => {
    expect(findUnstorableText({ task: 't', params: { category: 'a\u0000' } }, '')).toBe('params.category');
    expect(findUnstorableText({ params: { tags: ['ok', 'b\ud800'] } }, '')).toBe('params.tags[1]');
    expect(findUnstorableText({ params: { ['k\u0000']: 1 } }, '')).toBe('params.k\u0000');
    expect(findUnstorableText({ marketplace: 'q\u0000' }, 'query')).toBe('query.marketplace');
    expect(findUnstorableText({ params: { category: 'electronics', n: 3, x: null } }, '')).toBeUndefined();
  });
});
