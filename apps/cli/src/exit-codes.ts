/** What the process exit code means; scripts and CI depend on these (documented in the README). */
export const EXIT_CODES = {
  /** The file has no errors (warnings allowed), or the command did what was asked. */
  valid: 0,
  /** The file was checked (locally, or by the job) and has errors. */
  invalid: 1,
  /** The command could not run: bad usage, missing or unreadable file, I/O failure. */
  failed: 2,
  /** The job ended without succeeding (failed, cancelled, expired), or --wait timed out. */
  jobNotSucceeded: 3,
  /** The API refused the request (a 4xx problem: not found, bad params, no key, ...). */
  refused: 4,
  /** The gateway could not be reached, or answered 5xx (a dependency down). */
  unavailable: 5,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** A failure to report on stderr with its exit code (default 2), without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT_CODES.failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
