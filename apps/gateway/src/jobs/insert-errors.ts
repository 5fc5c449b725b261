import { problems } from '../http/problem';

/** The Postgres SQLSTATE of a failed query (TypeORM wraps the pg error as driverError). */
export function sqlStateOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const candidate = e as { code?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate.code;
    e = candidate.driverError ?? candidate.cause;
  }
  return undefined;
}

/**
 * A multi-row insert failed because of what one of its rows holds (a data exception, class 22,
 * a constraint, class 23, or a tenant's quota, VH429): retrying its rows one by one isolates
 * the culprit.
 */
export function mayBeOneRowsFault(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state !== undefined && /^(22|23|VH)/.test(state);
}

// untranslatable_character, character_not_in_repertoire, invalid text representation (of jsonb).
const UNSTORABLE_TEXT_STATES = new Set(['22P05', '22021', '22P02']);

/** The 400 for a value Postgres refused to store (the request checks should catch it first). */
export function unstorableValueProblem(error: unknown) {
  const state = sqlStateOf(error);
  if (state === undefined || !UNSTORABLE_TEXT_STATES.has(state)) return undefined;
  return problems.validation(
    [{ field: 'params', message: 'contains text that cannot be stored (a NUL character or a lone surrogate)' }],
    'The request contains text that cannot be stored.',
  );
}
