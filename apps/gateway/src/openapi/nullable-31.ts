// @nestjs/swagger writes OpenAPI 3.0's `nullable: true`, which means nothing to a JSON Schema
// validator (and beside `allOf`, nothing at all). The document is OpenAPI 3.1, whose schemas are
// JSON Schema 2020-12: a null is spelled as a type. This rewrites every schema in place.

type Schema = Record<string, unknown>;

const isObject = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

function withNull(schema: Schema): Schema {
  const { nullable: _nullable, ...rest } = schema;
  if (Array.isArray(rest.allOf) && rest.allOf.length === 1 && rest.type === undefined) {
    // `{ nullable, allOf: [$ref] }` -> `{ oneOf: [$ref, null] }`
    const { allOf, ...others } = rest;
    return { ...others, oneOf: [allOf[0], { type: 'null' }] };
  }
  if (Array.isArray(rest.allOf) && rest.allOf.length === 1 && rest.type === 'object') {
    const { allOf, type: _type, ...others } = rest;
    return { ...others, oneOf: [allOf[0], { type: 'null' }] };
  }
  if (typeof rest.type === 'string') {
    const out: Schema = { ...rest, type: [rest.type, 'null'] };
    if (Array.isArray(rest.enum) && !rest.enum.includes(null)) out.enum = [...rest.enum, null];
    return out;
  }
  if (Array.isArray(rest.enum)) return { ...rest, type: [typeof rest.enum[0], 'null'], enum: [...rest.enum, null] };
  return { oneOf: [rest, { type: 'null' }] };
}

/** Replaces `nullable: true` by 3.1 null types everywhere under `node` (returns a new tree). */
export function toNullTypes<T>(node: T): T {
  if (Array.isArray(node)) return node.map(toNullTypes) as T;
  if (!isObject(node)) return node;
  const converted: Schema = {};
  for (const [key, value] of Object.entries(node)) converted[key] = toNullTypes(value);
  return (converted.nullable === true ? withNull(converted) : stripFalseNullable(converted)) as T;
}

function stripFalseNullable(schema: Schema): Schema {
  if (schema.nullable !== false) return schema;
  const { nullable: _nullable, ...rest } = schema;
  return rest;
}
