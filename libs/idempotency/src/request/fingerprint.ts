import { createHash } from 'node:crypto';
import { isPlainObject } from './idempotency-key';

export interface FingerprintInput {
  method: string;
  /** The route pattern (e.g. `/api/v1/jobs`), not the concrete URL. */
  route: string;
  body: unknown;
  /** Excluded from the body: the key itself is not part of "the same request". */
  bodyField: string | null;
}

/** sha256 (hex) of the canonical request: method, route pattern and body with keys sorted recursively. */
export function fingerprintRequest(input: FingerprintInput): string {
  const canonical = canonicalJson({
    method: input.method.toUpperCase(),
    route: input.route,
    body: bodyWithoutKey(input.body, input.bodyField),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/** JSON with object keys sorted at every depth; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(toJsonValue(value)));
}

function bodyWithoutKey(body: unknown, field: string | null): unknown {
  if (Buffer.isBuffer(body)) return { $bytes: body.toString('base64') };
  if (!field || !isPlainObject(body)) return body ?? null;
  const rest: Record<string, unknown> = { ...body };
  delete rest[field];
  return rest;
}

// Goes through JSON once so toJSON(), undefined members and non-finite numbers behave as on the wire.
function toJsonValue(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? null : JSON.parse(text);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isPlainObject(value)) {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key]);
    return sorted;
  }
  return value;
}
