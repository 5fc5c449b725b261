/** What the process exit code means; scripts and CI depend on these. */
export const EXIT_CODES = {
  /** The file has no errors (warnings allowed). */
  valid: 0,
  /** The file was checked and has errors. */
  invalid: 1,
  /** The check could not run: bad usage, missing or unreadable file, I/O failure. */
  failed: 2,
} as const;

/** A failure to report on stderr with exit code 2, without a stack trace. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
