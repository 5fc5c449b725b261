/** A tiny, pure params checker: Redis and HTTP payloads are untrusted, and the domain imports no validator library. */
export interface FieldError {
  field: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

type Reader = (value: unknown, field: string, errors: FieldError[]) => unknown;

export interface FieldSpec {
  read: Reader;
  required?: boolean;
  default?: unknown;
}

export const fields = {
  string(opts: { min?: number; max?: number; pattern?: RegExp; oneOf?: readonly string[] } = {}): Reader {
    return (value, field, errors) => {
      if (typeof value !== 'string') return void errors.push({ field, message: 'must be a string' });
      if (opts.min !== undefined && value.length < opts.min) return void errors.push({ field, message: `must have at least ${opts.min} characters` });
      if (opts.max !== undefined && value.length > opts.max) return void errors.push({ field, message: `must have at most ${opts.max} characters` });
      if (opts.pattern && !opts.pattern.test(value)) return void errors.push({ field, message: `must match ${opts.pattern}` });
      if (opts.oneOf && !opts.oneOf.includes(value)) return void errors.push({ field, message: `must be one of: ${opts.oneOf.join(', ')}` });
      return value;
    };
  },
  boolean(): Reader {
    return (value, field, errors) => (typeof value === 'boolean' ? value : void errors.push({ field, message: 'must be true or false' }));
  },
  integer(opts: { min?: number; max?: number } = {}): Reader {
    return (value, field, errors) => {
      if (typeof value !== 'number' || !Number.isInteger(value)) return void errors.push({ field, message: 'must be an integer' });
      if ((opts.min !== undefined && value < opts.min) || (opts.max !== undefined && value > opts.max)) {
        return void errors.push({ field, message: `must be between ${opts.min ?? '-inf'} and ${opts.max ?? 'inf'}` });
      }
      return value;
    };
  },
};

/** Checks a plain object against a field map: unknown keys, missing required fields, each field's reader. */
export function parseObject<T>(raw: unknown, spec: Record<string, FieldSpec>, prefix = 'params'): ParseResult<T> {
  const errors: FieldError[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, errors: [{ field: prefix, message: 'must be an object' }] };
  }
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!(key in spec)) errors.push({ field: `${prefix}.${key}`, message: `unknown parameter; allowed: ${Object.keys(spec).join(', ') || 'none'}` });
  }
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(spec)) {
    const value = input[key];
    if (value === undefined || value === null) {
      if (field.required) errors.push({ field: `${prefix}.${key}`, message: 'is required' });
      else if (field.default !== undefined) out[key] = field.default;
      continue;
    }
    const before = errors.length;
    const parsed = field.read(value, `${prefix}.${key}`, errors);
    if (errors.length === before) out[key] = parsed;
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: out as T };
}
