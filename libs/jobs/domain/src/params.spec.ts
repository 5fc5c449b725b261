import { fields, parseObject } from './params';

describe('parseObject', () => {
  const spec = {
    name: { read: fields.string({ min: 1, max: 5 }), required: true },
    flag: { read: fields.boolean(), default: false },
    n: { read: fields.integer({ min: 1, max: 3 }) },
  };

  it('applies defaults and keeps valid values', () => {
    expect(parseObject({ name: 'ab' }, spec)).toEqual({ ok: true, value: { name: 'ab', flag: false } });
  });

  it('reports unknown keys, missing and bad values together', () => {
    const result = parseObject({ extra: 1, flag: 'yes', n: 9 }, spec);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field).sort()).toEqual(['params.extra', 'params.flag', 'params.n', 'params.name']);
  });

  it('rejects non-objects', () => {
    expect(parseObject([], spec).ok).toBe(false);
    expect(parseObject('x', spec).ok).toBe(false);
  });
});
