/**
 * A refused admin request, sorted the way both the HTTP routes (400/404/409) and the CLI
 * (exit codes, `--json` error object) report it.
 */
export class TenancyAdminError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not-found' | 'conflict',
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'TenancyAdminError';
  }

  static invalid(field: string, message: string): TenancyAdminError {
    return new TenancyAdminError('invalid', message, field);
  }
}

const DURATION = /^(\d{1,6})([smhdw])$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90d`, `12h`, `30m`, `2w`, `45s` -> milliseconds; null when it is not such a duration. */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (!match || Number(match[1]) === 0) return null;
  return Number(match[1]) * UNIT_MS[match[2]];
}
