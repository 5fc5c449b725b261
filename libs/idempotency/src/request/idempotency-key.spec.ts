import { extractIdempotencyKey, keyValidationError, parseStructuredString } from './idempotency-key';

const base = { headerValue: undefined, body: undefined, bodyField: 'idempotency_key', headerName: 'Idempotency-Key', required: false };

describe('parseStructuredString', () => {
  it.each([
    ['"abc"', 'abc'],
    ['""', ''],
    ['"a b"', 'a b'],
    ['"say \\"hi\\""', 'say "hi"'],
    ['"back\\\\slash"', 'back\\slash'],
  ])('decodes %s', (input, expected) => {
    expect(parseStructuredString(input)).toBe(expected);
  });

  it.each([
    ['unterminated', '"abc'],
    ['trailing parameters', '"abc";a=1'],
    ['trailing text', '"abc" x'],
    ['an escape of a normal character', '"a\\bc"'],
    ['a lone backslash at the end', '"abc\\'],
    ['a control character', '"a\tb"'],
    ['a non-ASCII character', '"caf\u00e9"'],
    ['no opening quote', 'abc"'],
  ])('refuses %s', (_label, input) => {
    expect(parseStructuredString(input)).toBeUndefined();
  });
});

describe('keyValidationError', () => {
  it('accepts 1..255 printable ASCII characters, spaces included', () => {
    expect(keyValidationError('a')).toBeUndefined();
    expect(keyValidationError('k'.repeat(255))).toBeUndefined();
    expect(keyValidationError('order 42 ~!@#$%^&*()')).toBeUndefined();
  });

  it('names the problem of a bad key', () => {
    expect(keyValidationError('')).toMatch(/empty/);
    expect(keyValidationError('k'.repeat(256))).toMatch(/at most 255.*256/);
    expect(keyValidationError('tab\there')).toMatch(/printable ASCII/);
    expect(keyValidationError('emoji-\u{1F600}')).toMatch(/printable ASCII/);
  });
});

describe('extractIdempotencyKey', () => {
  it('returns no key when neither header nor body field is present', () => {
    expect(extractIdempotencyKey({ ...base, body: { name: 'x' } })).toEqual({ ok: true, key: undefined, source: undefined });
  });

  it('reads a bare header, a structured-field header and the body field', () => {
    expect(extractIdempotencyKey({ ...base, headerValue: 'abc' })).toEqual({ ok: true, key: 'abc', source: 'header' });
    expect(extractIdempotencyKey({ ...base, headerValue: '"abc"' })).toEqual({ ok: true, key: 'abc', source: 'header' });
    expect(extractIdempotencyKey({ ...base, body: { idempotency_key: 'abc' } })).toEqual({ ok: true, key: 'abc', source: 'body' });
  });

  it('accepts header and body when they agree (after decoding the structured form)', () => {
    const result = extractIdempotencyKey({ ...base, headerValue: '"abc"', body: { idempotency_key: 'abc' } });
    expect(result).toEqual({ ok: true, key: 'abc', source: 'header' });
  });

  it('refuses header and body that disagree', () => {
    const result = extractIdempotencyKey({ ...base, headerValue: 'abc', body: { idempotency_key: 'xyz' } });
    expect(result).toMatchObject({ ok: false, problem: { reason: 'conflict' } });
  });

  it('ignores a null body field and a body that is not an object', () => {
    expect(extractIdempotencyKey({ ...base, body: { idempotency_key: null } })).toMatchObject({ ok: true, key: undefined });
    expect(extractIdempotencyKey({ ...base, body: ['idempotency_key'] })).toMatchObject({ ok: true, key: undefined });
    expect(extractIdempotencyKey({ ...base, body: 'idempotency_key=abc' })).toMatchObject({ ok: true, key: undefined });
  });

  it('ignores the body when the route names no body field', () => {
    const result = extractIdempotencyKey({ ...base, bodyField: null, body: { idempotency_key: 'abc' } });
    expect(result).toMatchObject({ ok: true, key: undefined });
  });

  it.each([
    ['a repeated header', { headerValue: ['a', 'b'] }, 'Idempotency-Key'],
    ['an empty header', { headerValue: '' }, 'Idempotency-Key'],
    ['a malformed structured header', { headerValue: '"abc' }, 'Idempotency-Key'],
    ['a numeric body key', { body: { idempotency_key: 7 } }, 'idempotency_key'],
    ['an object body key', { body: { idempotency_key: { a: 1 } } }, 'idempotency_key'],
    ['an overlong body key', { body: { idempotency_key: 'x'.repeat(300) } }, 'idempotency_key'],
  ])('refuses %s, naming the field', (_label, input, field) => {
    const result = extractIdempotencyKey({ ...base, ...input });
    expect(result).toMatchObject({ ok: false, problem: { reason: 'invalid', field } });
  });

  it('refuses a missing key only when the route requires one', () => {
    expect(extractIdempotencyKey({ ...base, required: true })).toMatchObject({ ok: false, problem: { reason: 'missing' } });
    expect(extractIdempotencyKey({ ...base, required: true, headerValue: 'k' })).toMatchObject({ ok: true, key: 'k' });
  });
});
