// Reads typed values out of an environment map and collects every problem, so start-up
// fails once with a message that names each bad variable instead of one at a time.

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Told about every variable a reader is asked for, with the default it falls back to (see describe-config.ts). */
export type ReadRecorder = (names: readonly string[], fallback?: unknown) => void;

export class EnvReader {
  private readonly problems: string[] = [];

  constructor(
    private readonly env: Env,
    private readonly recorder?: ReadRecorder,
  ) {}

  /** First non-empty value among the names (the first name is the canonical one). */
  raw(...names: string[]): { name: string; value: string } | undefined {
    this.recorder?.(names);
    for (const name of names) {
      const value = this.env[name];
      if (value !== undefined && value.trim() !== '') return { name, value: value.trim() };
    }
    return undefined;
  }

  string(names: string | string[], fallback: string): string;
  string(names: string | string[]): string | undefined;
  string(names: string | string[], fallback?: string): string | undefined {
    this.recorder?.(toList(names), fallback);
    return this.raw(...toList(names))?.value ?? fallback;
  }

  required(names: string | string[]): string {
    const found = this.raw(...toList(names));
    if (!found) this.problems.push(`${toList(names)[0]} is required`);
    return found?.value ?? '';
  }

  int(names: string | string[], fallback: number, range: { min?: number; max?: number } = {}): number {
    this.recorder?.(toList(names), fallback);
    const found = this.raw(...toList(names));
    if (!found) return fallback;
    const n = Number(found.value);
    if (!Number.isInteger(n)) return this.bad(found.name, `must be a whole number, got "${found.value}"`, fallback);
    if (range.min !== undefined && n < range.min) return this.bad(found.name, `must be >= ${range.min}, got ${n}`, fallback);
    if (range.max !== undefined && n > range.max) return this.bad(found.name, `must be <= ${range.max}, got ${n}`, fallback);
    return n;
  }

  bool(names: string | string[], fallback: boolean): boolean {
    this.recorder?.(toList(names), fallback);
    const found = this.raw(...toList(names));
    if (!found) return fallback;
    const v = found.value.toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    return this.bad(found.name, `must be true or false, got "${found.value}"`, fallback);
  }

  url(names: string | string[], fallback: string, protocols: string[]): string {
    this.recorder?.(toList(names), fallback);
    const found = this.raw(...toList(names));
    const value = found?.value ?? fallback;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        return this.bad(found?.name ?? toList(names)[0], `must use ${protocols.join(' or ')}, got "${parsed.protocol}"`, fallback);
      }
      return value;
    } catch {
      return this.bad(found?.name ?? toList(names)[0], `is not a valid URL: "${value}"`, fallback);
    }
  }

  oneOf<T extends string>(names: string | string[], fallback: T, allowed: readonly T[]): T {
    this.recorder?.(toList(names), fallback);
    const found = this.raw(...toList(names));
    if (!found) return fallback;
    if ((allowed as readonly string[]).includes(found.value)) return found.value as T;
    return this.bad(found.name, `must be one of ${allowed.join(', ')}, got "${found.value}"`, fallback);
  }

  list(names: string | string[], fallback: string[] = []): string[] {
    const found = this.raw(...toList(names));
    if (!found) return fallback;
    return found.value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  /** Names of the set (non-empty) variables that start with `prefix`, sorted. */
  namesStartingWith(prefix: string): string[] {
    return Object.keys(this.env)
      .filter((name) => name.startsWith(prefix) && this.raw(name) !== undefined)
      .sort();
  }

  /** Record a problem found by a caller's own check. */
  problem(name: string, message: string): void {
    this.problems.push(`${name} ${message}`);
  }

  /** Throws a ConfigError naming every bad variable, if any. */
  done(): void {
    if (this.problems.length) throw new ConfigError([...this.problems]);
  }

  private bad<T>(name: string, message: string, fallback: T): T {
    this.problems.push(`${name} ${message}`);
    return fallback;
  }
}

function toList(names: string | string[]): string[] {
  return Array.isArray(names) ? names : [names];
}
