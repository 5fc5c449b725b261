import { isValidCorrelationId, MAX_CORRELATION_ID_LENGTH, resolveCorrelationId } from './correlation-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('correlation ids', () => {
  it('accepts printable values up to the maximum length', () => {
    expect(isValidCorrelationId('request-123')).toBe(true);
    expect(isValidCorrelationId('a b/c:d')).toBe(true);
    expect(isValidCorrelationId('x'.repeat(MAX_CORRELATION_ID_LENGTH))).toBe(true);
  });

  it('rejects empty, too long, control or non-ASCII values', () => {
    expect(isValidCorrelationId('')).toBe(false);
    expect(isValidCorrelationId('x'.repeat(MAX_CORRELATION_ID_LENGTH + 1))).toBe(false);
    expect(isValidCorrelationId('a\tb')).toBe(false);
    expect(isValidCorrelationId('caf\u00e9')).toBe(false);
    expect(isValidCorrelationId(42)).toBe(false);
  });

  it('keeps a valid supplied id and generates a UUID otherwise', () => {
    expect(resolveCorrelationId('abc')).toEqual({ id: 'abc', supplied: true, valid: true });
    const absent = resolveCorrelationId(undefined);
    expect(absent).toMatchObject({ supplied: false, valid: true });
    expect(absent.id).toMatch(UUID);
    const bad = resolveCorrelationId('x'.repeat(200));
    expect(bad).toMatchObject({ supplied: true, valid: false });
    expect(bad.id).toMatch(UUID);
    expect(resolveCorrelationId(['a', 'b']).valid).toBe(false);
  });
});
