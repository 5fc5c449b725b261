import { fields, ParamsOf, paramsSchema } from './params';

describe('paramsSchema', () => {
  const schema = paramsSchema({
    name: fields.string({ min: 1, max: 5 }).required(),
    flag: fields.boolean().default(false),
    n: fields.integer({ min: 1, max: 3 }),
  });

  it('applies defaults and keeps valid values', () => {
    expect(schema.parse({ name: 'ab' })).toEqual({ ok: true, value: { name: 'ab', flag: false } });
    expect(schema.parse({ name: 'ab', flag: true, n: 2 })).toEqual({ ok: true, value: { name: 'ab', flag: true, n: 2 } });
  });

  it('reports unknown keys, missing and bad values together', () => {
    const result = schema.parse({ extra: 1, flag: 'yes', n: 9 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toEqual([
        { field: 'params.extra', message: 'unknown parameter; allowed: name, flag, n' },
        { field: 'params.name', message: 'is required' },
        { field: 'params.flag', message: 'must be true or false' },
        { field: 'params.n', message: 'must be between 1 and 3' },
      ]);
    }
  });

  it('treats inherited property names as unknown parameters', () => {
    const result = schema.parse(JSON.parse('{"name":"ab","constructor":1,"__proto__":{"x":1}}'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field)).toEqual(['params.constructor', 'params.__proto__']);
  });

  it('rejects non-objects, and absent params when a field is required', () => {
    expect(schema.parse([])).toEqual({ ok: false, errors: [{ field: 'params', message: 'must be an object' }] });
    expect(schema.parse('x').ok).toBe(false);
    expect(schema.parse(undefined).ok).toBe(false);
    expect(schema.parse(null, 'body')).toEqual({ ok: false, errors: [{ field: 'body', message: 'must be an object' }] });
  });

  it('accepts absent params as {} when no field is required', () => {
    const loose = paramsSchema({ flag: fields.boolean().default(true) });
    expect(loose.parse(undefined)).toEqual({ ok: true, value: { flag: true } });
    expect(loose.parse(null)).toEqual({ ok: true, value: { flag: true } });
    expect(paramsSchema({}).parse({ a: 1 })).toEqual({ ok: false, errors: [{ field: 'params.a', message: 'unknown parameter; allowed: none' }] });
  });

  it.each([
    [fields.string(), 5, 'must be a string'],
    [fields.string({ min: 2 }), 'a', 'must have at least 2 characters'],
    [fields.string({ max: 2 }), 'abc', 'must have at most 2 characters'],
    [fields.string({ pattern: /^[a-z]+$/ }), 'A1', 'must match /^[a-z]+$/'],
    [fields.string({ oneOf: ['x', 'y'] }), 'z', 'must be one of: x, y'],
    [fields.integer(), 1.5, 'must be an integer'],
    [fields.integer({ min: 0 }), -1, 'must be between 0 and inf'],
    [fields.integer({ max: 9 }), 10, 'must be between -inf and 9'],
  ])('field %# names what is wrong', (field, value, message) => {
    expect(paramsSchema({ v: field }).parse({ v: value })).toEqual({ ok: false, errors: [{ field: 'params.v', message }] });
  });

  it('runs refinements only on otherwise valid params', () => {
    const checked = schema.refine((p) => (p.name === 'bad' ? [{ field: 'params.name', message: 'is taken' }] : []));
    expect(checked.parse({ name: 'bad' })).toEqual({ ok: false, errors: [{ field: 'params.name', message: 'is taken' }] });
    expect(checked.parse({ name: 'good' }).ok).toBe(true);
    expect(checked.parse({ name: 'bad', n: 7 })).toEqual({ ok: false, errors: [{ field: 'params.n', message: 'must be between 1 and 3' }] });
  });

  it('describes itself as JSON Schema', () => {
    const described = paramsSchema({
      uri: fields.string({ min: 1, max: 10, pattern: /^a/ }).required(),
      kind: fields.string({ oneOf: ['a', 'b'] }).default('a'),
      n: fields.integer({ min: 0 }),
    }).toJsonSchema();
    expect(described).toEqual({
      type: 'object',
      properties: {
        uri: { type: 'string', minLength: 1, maxLength: 10, pattern: '^a' },
        kind: { type: 'string', enum: ['a', 'b'], default: 'a' },
        n: { type: 'integer', minimum: 0 },
      },
      required: ['uri'],
      additionalProperties: false,
    });
  });

  it('derives the params type from the schema', () => {
    type Params = ParamsOf<typeof schema>;
    // Required and defaulted fields are always present; optional ones may be left out.
    const minimal: Params = { name: 'a', flag: true };
    const full: Params = { name: 'a', flag: false, n: 2 };
    // @ts-expect-error name is required
    const noName: Params = { flag: true };
    // @ts-expect-error flag has a default, so the parsed value always carries it
    const noFlag: Params = { name: 'a' };
    // @ts-expect-error n is a number
    const badN: Params = { name: 'a', flag: true, n: 'x' };
    const parsed = schema.parse({ name: 'a' });
    if (parsed.ok) {
      const name: string = parsed.value.name;
      const n: number | undefined = parsed.value.n;
      expect([name, n]).toEqual(['a', undefined]);
    }
    expect([minimal, full, noName, noFlag, badN]).toHaveLength(5);
  });
});

describe('nested fields', () => {
  const schema = paramsSchema({
    source: fields
      .variants('type', {
        http: {
          url: fields.string({ min: 1 }).required(),
          headers: fields.stringMap({ keys: /^[a-z-]+$/, maxEntries: 2, value: fields.string({ max: 5 }) }),
        },
        s3: { uri: fields.string({ pattern: /^s3:\/\// }).required() },
      })
      .required(),
    limits: fields.object({ max: fields.integer({ min: 1 }).default(10), label: fields.string() }),
  });

  it('parses each variant with its own fields and defaults nested ones', () => {
    expect(schema.parse({ source: { type: 'http', url: 'u', headers: { accept: 'a' } }, limits: {} })).toEqual({
      ok: true,
      value: { source: { type: 'http', url: 'u', headers: { accept: 'a' } }, limits: { max: 10 } },
    });
    expect(schema.parse({ source: { type: 's3', uri: 's3://b/k' } })).toEqual({ ok: true, value: { source: { type: 's3', uri: 's3://b/k' } } });
  });

  it('names the nested field that is wrong', () => {
    const errors = (raw: unknown) => {
      const result = schema.parse(raw);
      return result.ok ? [] : result.errors;
    };
    expect(errors({ source: { type: 'ftp' } })).toEqual([{ field: 'params.source.type', message: 'must be one of: http, s3' }]);
    expect(errors({ source: 'x' })).toEqual([{ field: 'params.source', message: 'must be an object' }]);
    expect(errors({ source: { type: 's3', url: 'u' } })).toEqual([
      { field: 'params.source.url', message: 'unknown parameter; allowed: type, uri' },
      { field: 'params.source.uri', message: 'is required' },
    ]);
    expect(errors({ source: { type: 'http', url: 'u', headers: { Bad: 'x', ok: 'toolong', a: 'x' } } })).toEqual([
      { field: 'params.source.headers', message: 'must have at most 2 entries' },
    ]);
    expect(errors({ source: { type: 'http', url: 'u', headers: { Bad: 'x', ok: 'toolong' } } })).toEqual([
      { field: 'params.source.headers.Bad', message: 'name must match /^[a-z-]+$/' },
      { field: 'params.source.headers.ok', message: 'must have at most 5 characters' },
    ]);
    expect(errors({ source: { type: 's3', uri: 's3://b' }, limits: { max: 0, other: 1 } })).toEqual([
      { field: 'params.limits.other', message: 'unknown parameter; allowed: max, label' },
      { field: 'params.limits.max', message: 'must be between 1 and inf' },
    ]);
  });

  it('keeps a "__proto__" header name as a key, never as a prototype', () => {
    const loose = paramsSchema({ h: fields.stringMap({ keys: /^[a-z_]+$/, maxEntries: 3, value: fields.string() }) });
    const parsed = loose.parse(JSON.parse('{"h":{"__proto__":"x"}}'));
    if (!parsed.ok) throw new Error('expected valid params');
    expect(Object.getPrototypeOf(parsed.value.h)).toBe(Object.prototype);
    expect(Object.keys(parsed.value.h!)).toEqual(['__proto__']);
  });

  it('types each variant by its tag', () => {
    const parsed = schema.parse({ source: { type: 's3', uri: 's3://b/k' } });
    if (!parsed.ok) throw new Error('expected valid params');
    const source = parsed.value.source;
    const where: string = source.type === 'http' ? source.url : source.uri;
    // @ts-expect-error an s3 source has no url
    const wrong: Extract<typeof source, { type: 's3' }>['url'] = 'x';
    expect([where, wrong]).toEqual(['s3://b/k', 'x']);
  });

  it('describes nested fields as JSON Schema', () => {
    const described = schema.toJsonSchema();
    expect(described.properties.limits).toEqual({
      type: 'object',
      properties: { max: { type: 'integer', minimum: 1, default: 10 }, label: { type: 'string' } },
      additionalProperties: false,
    });
    expect(described.properties.source.oneOf?.[1]).toEqual({
      type: 'object',
      properties: { type: { type: 'string', enum: ['s3'] }, uri: { type: 'string', pattern: '^s3:\\/\\/' } },
      required: ['type', 'uri'],
      additionalProperties: false,
    });
    expect(described.properties.source.oneOf?.[0].properties?.headers).toEqual({
      type: 'object',
      maxProperties: 2,
      propertyNames: { pattern: '^[a-z-]+$' },
      additionalProperties: { type: 'string', maxLength: 5 },
    });
  });
});
