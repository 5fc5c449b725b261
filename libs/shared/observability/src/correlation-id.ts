import { randomUUID } from 'node:crypto';

/** The header that carries a request's correlation id in and out (lower case, as Node stores headers). */
export const CORRELATION_ID_HEADER = 'x-correlation-id';
export const MAX_CORRELATION_ID_LENGTH = 128;

// Printable ASCII only: the id is echoed in headers and written to logs, so no control characters.
const PRINTABLE = /^[\x20-\x7E]+$/;

export function isValidCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_CORRELATION_ID_LENGTH && PRINTABLE.test(value);
}

export type CorrelationIdResolution = { id: string; supplied: boolean; valid: boolean };

/**
 * Picks the id for a request: the client's when it is valid, otherwise a fresh UUID (the caller
 * decides whether an invalid supplied value is an error). Repeated headers count as invalid.
 */
export function resolveCorrelationId(header: string | string[] | undefined): CorrelationIdResolution {
  if (header === undefined) return { id: randomUUID(), supplied: false, valid: true };
  if (isValidCorrelationId(header)) return { id: header, supplied: true, valid: true };
  return { id: randomUUID(), supplied: true, valid: false };
}
