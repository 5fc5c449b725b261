// Reads and validates the idempotency key from the `Idempotency-Key` header and/or a body field.
// The header follows draft-ietf-httpapi-idempotency-key-header: a structured-field string
// (`"abc"`); a bare value (`abc`) is accepted too, because the seed clients send it that way.

export const MAX_KEY_LENGTH = 255;
const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;

export type KeySource = 'header' | 'body';

export interface KeyProblem {
  reason: 'invalid' | 'conflict' | 'missing';
  field: string;
  message: string;
}

export type KeyExtraction = { ok: true; key: string | undefined; source?: KeySource } | { ok: false; problem: KeyProblem };

export interface KeyInputs {
  headerValue: string | string[] | undefined;
  body: unknown;
  /** The body field that may carry the key (e.g. `idempotency_key`), or null when the route has none. */
  bodyField: string | null;
  headerName: string;
  required: boolean;
}

export function extractIdempotencyKey(input: KeyInputs): KeyExtraction {
  const header = readHeader(input.headerValue, input.headerName);
  if (header.problem) return { ok: false, problem: header.problem };
  const body = readBodyField(input.body, input.bodyField);
  if (body.problem) return { ok: false, problem: body.problem };

  if (header.key !== undefined && body.key !== undefined && header.key !== body.key) {
    return {
      ok: false,
      problem: {
        reason: 'conflict',
        field: input.headerName,
        message: `the ${input.headerName} header and the body field "${input.bodyField}" carry different keys`,
      },
    };
  }
  const key = header.key ?? body.key;
  if (key === undefined && input.required) {
    return {
      ok: false,
      problem: {
        reason: 'missing',
        field: input.headerName,
        message: `this route needs an idempotency key (${input.headerName} header${input.bodyField ? ` or body field "${input.bodyField}"` : ''})`,
      },
    };
  }
  return { ok: true, key, source: header.key !== undefined ? 'header' : body.key !== undefined ? 'body' : undefined };
}

/** Why a key is unacceptable, or undefined when it is a valid key. */
export function keyValidationError(key: string): string | undefined {
  if (key.length === 0) return 'must not be empty';
  if (key.length > MAX_KEY_LENGTH) return `must be at most ${MAX_KEY_LENGTH} characters, got ${key.length}`;
  if (!PRINTABLE_ASCII.test(key)) return 'must contain printable ASCII characters only';
  return undefined;
}

/**
 * Decodes an RFC 8941 sf-string (`"a\"b"` -> `a"b`). Returns undefined when the text is not a
 * well-formed sf-string (unterminated, bad escape, trailing data such as parameters).
 */
export function parseStructuredString(text: string): string | undefined {
  if (!text.startsWith('"')) return undefined;
  let out = '';
  for (let i = 1; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '\\') {
      const next = text[i + 1];
      if (next !== '"' && next !== '\\') return undefined;
      out += next;
      i += 1;
    } else if (ch === '"') {
      return i === text.length - 1 ? out : undefined;
    } else {
      const code = ch.charCodeAt(0);
      if (code < 0x20 || code > 0x7e) return undefined;
      out += ch;
    }
  }
  return undefined;
}

function readHeader(value: string | string[] | undefined, headerName: string): { key?: string; problem?: KeyProblem } {
  if (value === undefined) return {};
  if (Array.isArray(value)) {
    return { problem: { reason: 'invalid', field: headerName, message: `send a single ${headerName} header` } };
  }
  const trimmed = value.trim();
  let key = trimmed;
  if (trimmed.startsWith('"')) {
    const decoded = parseStructuredString(trimmed);
    if (decoded === undefined) {
      return { problem: { reason: 'invalid', field: headerName, message: 'is not a well-formed structured-field string' } };
    }
    key = decoded;
  }
  const error = keyValidationError(key);
  return error ? { problem: { reason: 'invalid', field: headerName, message: `${headerName} ${error}` } } : { key };
}

function readBodyField(body: unknown, field: string | null): { key?: string; problem?: KeyProblem } {
  if (!field || !isPlainObject(body) || !Object.prototype.hasOwnProperty.call(body, field)) return {};
  const value = body[field];
  // JSON clients often send an absent optional field as null.
  if (value === undefined || value === null) return {};
  if (typeof value !== 'string') {
    return { problem: { reason: 'invalid', field, message: `${field} must be a string` } };
  }
  const error = keyValidationError(value);
  return error ? { problem: { reason: 'invalid', field, message: `${field} ${error}` } } : { key: value };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}
