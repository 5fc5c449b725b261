/**
 * Every error the engine raises on purpose carries a stable `code`, so callers (workers, the
 * CLI) can classify it without string matching. Errors from the input or output streams are
 * passed through unchanged: their type tells the caller whether a retry can help.
 */
export abstract class CsvRulesError extends Error {
  abstract readonly code: string;

  protected constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export type UnreadableReason = 'binary_content' | 'record_too_large';

/** The bytes are not a CSV at all (binary content) or cannot be read within the limits. Permanent. */
export class UnreadableCsvError extends CsvRulesError {
  readonly code = 'unreadable_csv';

  constructor(
    readonly reason: UnreadableReason,
    message: string,
  ) {
    super(message);
  }
}

/** The caller's AbortSignal fired; `reason` is the signal's reason. */
export class ValidationAbortedError extends CsvRulesError {
  readonly code = 'validation_aborted';

  constructor(readonly reason: unknown) {
    super(`CSV validation was aborted${describeReason(reason)}`, { cause: reason });
  }
}

export class UnknownRulesetError extends CsvRulesError {
  readonly code = 'unknown_ruleset';

  constructor(
    readonly marketplace: string,
    readonly ruleset: string,
    known: readonly string[],
  ) {
    super(`no ruleset "${ruleset}" for marketplace "${marketplace}"; known: ${known.join(', ')}`);
  }
}

export class InvalidOptionsError extends CsvRulesError {
  readonly code = 'invalid_options';

  constructor(message: string) {
    super(message);
  }
}

/** A ruleset's data is broken; raised when the ruleset is loaded, naming the place. */
export class RulesetDefinitionError extends CsvRulesError {
  readonly code = 'invalid_ruleset';

  constructor(
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
  }
}

/**
 * The corrected CSV would pass its size limit (a small file that auto-fix pads out to something
 * huge, such as thousands of empty columns). Permanent: the worker reports it as a resource limit.
 */
export class OutputLimitExceededError extends CsvRulesError {
  readonly code = 'output_limit_exceeded';

  constructor(
    readonly limitBytes: number,
    readonly inputBytesRead: number,
    derived: boolean,
  ) {
    const rule = derived ? ' (the larger of 2 x the input and the input + 64 MiB)' : '';
    super(`the corrected CSV would be larger than ${limitBytes} bytes${rule}, after ${inputBytesRead} bytes of input; no corrected CSV was produced`);
  }
}

function describeReason(reason: unknown): string {
  if (reason === undefined) return '';
  if (reason instanceof Error) return `: ${reason.message}`;
  return `: ${String(reason)}`;
}
