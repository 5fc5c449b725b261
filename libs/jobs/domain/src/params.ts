/**
 * A small, pure params toolkit: Redis and HTTP payloads are untrusted, and the domain imports no
 * validator library. A schema checks a plain object and fills its defaults; its TypeScript type
 * is derived from it (`ParamsOf<typeof schema>`) and it describes itself as JSON Schema.
 */
export interface FieldError {
  field: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** The JSON Schema of one field (what an OpenAPI document would show). */
export interface FieldJsonSchema {
  type: 'string' | 'integer' | 'boolean' | 'object' | 'array';
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  default?: unknown;
  properties?: Record<string, FieldJsonSchema>;
  required?: string[];
  additionalProperties?: boolean | FieldJsonSchema;
  maxProperties?: number;
  propertyNames?: { pattern: string };
  oneOf?: FieldJsonSchema[];
  items?: FieldJsonSchema;
  minItems?: number;
  uniqueItems?: boolean;
}

/** Reads one present value: returns it, or pushes an error (and returns undefined). */
type Reader<T> = (value: unknown, field: string, errors: FieldError[]) => T | undefined;

/** Whether a field must be given, is filled with a default when absent, or may stay absent. */
export type Presence = 'required' | 'defaulted' | 'optional';

export class Field<T, P extends Presence = 'optional'> {
  constructor(
    readonly read: Reader<T>,
    readonly jsonSchema: FieldJsonSchema,
    readonly presence: P,
    readonly defaultValue?: T,
  ) {}

  required(): Field<T, 'required'> {
    return new Field(this.read, this.jsonSchema, 'required');
  }

  default(value: T): Field<T, 'defaulted'> {
    return new Field(this.read, { ...this.jsonSchema, default: value }, 'defaulted', value);
  }
}

function optionalField<T>(jsonSchema: FieldJsonSchema, read: Reader<T>): Field<T> {
  const described = Object.fromEntries(Object.entries(jsonSchema).filter(([, v]) => v !== undefined)) as FieldJsonSchema;
  return new Field(read, described, 'optional');
}

export const fields = {
  string(opts: { min?: number; max?: number; pattern?: RegExp; oneOf?: readonly string[] } = {}): Field<string> {
    const schema: FieldJsonSchema = { type: 'string', minLength: opts.min, maxLength: opts.max, pattern: opts.pattern?.source, enum: opts.oneOf };
    return optionalField(schema, (value, field, errors) => {
      if (typeof value !== 'string') return void errors.push({ field, message: 'must be a string' });
      if (opts.min !== undefined && value.length < opts.min) return void errors.push({ field, message: `must have at least ${opts.min} characters` });
      if (opts.max !== undefined && value.length > opts.max) return void errors.push({ field, message: `must have at most ${opts.max} characters` });
      if (opts.pattern && !opts.pattern.test(value)) return void errors.push({ field, message: `must match ${opts.pattern}` });
      if (opts.oneOf && !opts.oneOf.includes(value)) return void errors.push({ field, message: `must be one of: ${opts.oneOf.join(', ')}` });
      return value;
    });
  },
  boolean(): Field<boolean> {
    return optionalField({ type: 'boolean' }, (value, field, errors) =>
      typeof value === 'boolean' ? value : void errors.push({ field, message: 'must be true or false' }),
    );
  },
  integer(opts: { min?: number; max?: number } = {}): Field<number> {
    return optionalField({ type: 'integer', minimum: opts.min, maximum: opts.max }, (value, field, errors) => {
      if (typeof value !== 'number' || !Number.isInteger(value)) return void errors.push({ field, message: 'must be an integer' });
      if ((opts.min !== undefined && value < opts.min) || (opts.max !== undefined && value > opts.max)) {
        return void errors.push({ field, message: `must be between ${opts.min ?? '-inf'} and ${opts.max ?? 'inf'}` });
      }
      return value;
    });
  },
  /** A nested object with its own fields; errors name the full path (`params.source.url`). */
  object<S extends ParamsShape>(shape: S): Field<ShapeValue<S>> {
    return optionalField(objectJsonSchema(shape), (value, field, errors) => collect(parseShape<ShapeValue<S>>(shape, value, field), errors));
  },
  /**
   * One of several object shapes, told apart by the string field `tag`:
   * `fields.variants('type', { http: { url: ... }, s3: { uri: ... } })`.
   */
  variants<K extends string, V extends Record<string, ParamsShape>>(tag: K, variants: V): Field<VariantValue<K, V>> {
    const names = Object.keys(variants);
    const shapeOf = (name: string): ParamsShape => ({ [tag]: fields.string({ oneOf: [name] }).required(), ...variants[name] });
    const jsonSchema: FieldJsonSchema = { type: 'object', oneOf: names.map((name) => objectJsonSchema(shapeOf(name))) };
    return optionalField(jsonSchema, (value, field, errors) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return void errors.push({ field, message: 'must be an object' });
      const name = (value as Record<string, unknown>)[tag];
      if (typeof name !== 'string' || !Object.hasOwn(variants, name)) {
        return void errors.push({ field: `${field}.${tag}`, message: `must be one of: ${names.join(', ')}` });
      }
      return collect(parseShape<VariantValue<K, V>>(shapeOf(name), value, field), errors);
    });
  },
  /** A non-empty set of distinct values from `oneOf` (e.g. output formats), kept in the order given. */
  choices(opts: { oneOf: readonly string[] }): Field<string[]> {
    const jsonSchema: FieldJsonSchema = { type: 'array', items: { type: 'string', enum: opts.oneOf }, minItems: 1, uniqueItems: true };
    return optionalField(jsonSchema, (value, field, errors) => {
      if (!Array.isArray(value) || value.length === 0)
        return void errors.push({ field, message: `must be a non-empty list of: ${opts.oneOf.join(', ')}` });
      const wrong = value.filter((item) => typeof item !== 'string' || !opts.oneOf.includes(item));
      if (wrong.length) return void errors.push({ field, message: `must hold only: ${opts.oneOf.join(', ')}` });
      if (new Set(value).size !== value.length) return void errors.push({ field, message: 'must not repeat a value' });
      return [...(value as string[])];
    });
  },
  /** An object of string values under names that match `keys` (HTTP headers, labels). */
  stringMap(opts: { keys: RegExp; maxEntries: number; value: Field<string> }): Field<Record<string, string>> {
    const jsonSchema: FieldJsonSchema = {
      type: 'object',
      maxProperties: opts.maxEntries,
      propertyNames: { pattern: opts.keys.source },
      additionalProperties: opts.value.jsonSchema,
    };
    return optionalField(jsonSchema, (value, field, errors) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return void errors.push({ field, message: 'must be an object' });
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length > opts.maxEntries) return void errors.push({ field, message: `must have at most ${opts.maxEntries} entries` });
      const before = errors.length;
      const kept: [string, string][] = [];
      for (const [key, item] of entries) {
        if (!opts.keys.test(key)) errors.push({ field: `${field}.${key}`, message: `name must match ${opts.keys}` });
        else kept.push([key, opts.value.read(item, `${field}.${key}`, errors) as string]);
      }
      // fromEntries defines own properties: a "__proto__" key stays a key, never a prototype.
      return errors.length === before ? Object.fromEntries(kept) : undefined;
    });
  },
};

type VariantValue<K extends string, V extends Record<string, ParamsShape>> = {
  [N in keyof V & string]: Simplify<{ [T in K]: N } & ShapeValue<V[N]>>;
}[keyof V & string];

function collect<T>(result: ParseResult<T>, errors: FieldError[]): T | undefined {
  if (result.ok) return result.value;
  errors.push(...result.errors);
  return undefined;
}

function objectJsonSchema(shape: ParamsShape): FieldJsonSchema {
  const { required, ...described } = describeShape(shape);
  return { ...described, ...(required.length ? { required } : {}), additionalProperties: false };
}

export type ParamsShape = Record<string, Field<unknown, Presence>>;

type FieldValue<F> = F extends Field<infer T, Presence> ? T : never;
type OptionalKeys<S extends ParamsShape> = { [K in keyof S]: S[K] extends Field<unknown, 'optional'> ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The object a shape accepts: required and defaulted fields are always there, optional ones may be absent. */
export type ShapeValue<S extends ParamsShape> = Simplify<
  { [K in Exclude<keyof S, OptionalKeys<S>>]: FieldValue<S[K]> } & { [K in OptionalKeys<S>]?: FieldValue<S[K]> }
>;

/** The params type a schema accepts: `type SleepParams = ParamsOf<typeof sleepParams>`. */
export type ParamsOf<S> = S extends ParamsSchema<infer T> ? T : never;

export interface ParamsJsonSchema {
  type: 'object';
  properties: Record<string, FieldJsonSchema>;
  required: string[];
  additionalProperties: false;
}

export interface ParamsSchema<T> {
  /** Checks a plain object: unknown keys, missing required fields, each field; fills defaults. */
  parse(raw: unknown, prefix?: string): ParseResult<T>;
  /** Adds a check across fields, run only when every field is valid (e.g. "this ruleset exists"). */
  refine(check: (params: T) => FieldError[]): ParamsSchema<T>;
  toJsonSchema(): ParamsJsonSchema;
}

/**
 * A params schema from a field map. A schema with no required field also accepts absent params
 * (undefined or null) as `{}`.
 */
export function paramsSchema<S extends ParamsShape>(shape: S): ParamsSchema<ShapeValue<S>> {
  return schema(shape, (raw, prefix) => parseShape(shape, raw, prefix));
}

function schema<T>(shape: ParamsShape, parse: (raw: unknown, prefix: string) => ParseResult<T>): ParamsSchema<T> {
  return {
    parse: (raw, prefix = 'params') => parse(raw, prefix),
    refine: (check) =>
      schema(shape, (raw, prefix) => {
        const parsed = parse(raw, prefix);
        if (!parsed.ok) return parsed;
        const errors = check(parsed.value);
        return errors.length ? { ok: false, errors } : parsed;
      }),
    toJsonSchema: () => ({ ...describeShape(shape), additionalProperties: false }),
  };
}

function describeShape(shape: ParamsShape): { type: 'object'; properties: Record<string, FieldJsonSchema>; required: string[] } {
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(shape).map(([key, f]) => [key, f.jsonSchema])),
    required: Object.keys(shape).filter((key) => shape[key].presence === 'required'),
  };
}

function parseShape<T>(shape: ParamsShape, raw: unknown, prefix: string): ParseResult<T> {
  const specs = Object.entries(shape);
  if ((raw === undefined || raw === null) && specs.every(([, f]) => f.presence !== 'required')) raw = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, errors: [{ field: prefix, message: 'must be an object' }] };
  }
  const errors: FieldError[] = [];
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(shape, key))
      errors.push({ field: `${prefix}.${key}`, message: `unknown parameter; allowed: ${Object.keys(shape).join(', ') || 'none'}` });
  }
  const out: Record<string, unknown> = {};
  for (const [key, f] of specs) {
    const value = input[key];
    if (value === undefined || value === null) {
      if (f.presence === 'required') errors.push({ field: `${prefix}.${key}`, message: 'is required' });
      else if (f.presence === 'defaulted') out[key] = f.defaultValue;
      continue;
    }
    const before = errors.length;
    const parsed = f.read(value, `${prefix}.${key}`, errors);
    if (errors.length === before) out[key] = parsed;
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: out as T };
}
