import { RulesetDefinitionError } from '../errors';

/** Typed reads of a rule's fields, each failing with a message naming the rule and field. */
export class SpecFields {
  private readonly read = new Set<string>(['rule', 'severity']);

  constructor(
    private readonly spec: Record<string, unknown>,
    readonly where: string,
  ) {}

  fail(problem: string): never {
    throw new RulesetDefinitionError(this.where, problem);
  }

  integer(name: string, options: { min?: number; optional?: false }): number;
  integer(name: string, options: { min?: number; optional: true }): number | undefined;
  integer(name: string, options: { min?: number; optional?: boolean }): number | undefined {
    const value = this.take(name, options.optional ?? false);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) this.fail(`"${name}" must be a whole number`);
    if (options.min !== undefined && value < options.min) this.fail(`"${name}" must be at least ${options.min}`);
    return value;
  }

  finiteNumber(name: string): number | undefined {
    const value = this.take(name, true);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(`"${name}" must be a finite number`);
    return value;
  }

  text(name: string): string;
  text(name: string, optional: true): string | undefined;
  text(name: string, optional = false): string | undefined {
    const value = this.take(name, optional);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '') this.fail(`"${name}" must be a non-empty string`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.take(name, true);
    if (value !== undefined && typeof value !== 'boolean') this.fail(`"${name}" must be true or false`);
    return value as boolean | undefined;
  }

  textList(name: string): string[];
  textList(name: string, optional: true): string[] | undefined;
  textList(name: string, optional = false): string[] | undefined {
    const value = this.take(name, optional);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length === 0) this.fail(`"${name}" must be a non-empty list of strings`);
    for (const item of value) {
      if (typeof item !== 'string' || item === '') this.fail(`"${name}" must hold only non-empty strings`);
    }
    return value as string[];
  }

  textRecord(name: string): Record<string, string> | undefined {
    const value = this.take(name, true);
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(`"${name}" must be an object`);
    for (const [key, item] of Object.entries(value)) {
      if (typeof item !== 'string') this.fail(`"${name}.${key}" must be a string`);
    }
    return value as Record<string, string>;
  }

  object(name: string): Record<string, unknown> | undefined {
    const value = this.take(name, true);
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(`"${name}" must be an object`);
    return value as Record<string, unknown>;
  }

  /** The raw value, checked by the caller. */
  raw(name: string): unknown {
    return this.take(name, true);
  }

  /** Call after reading: any field not read is a typo or belongs to another rule. */
  rejectUnknown(): void {
    const unknown = Object.keys(this.spec).filter((key) => !this.read.has(key));
    if (unknown.length > 0) this.fail(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`);
  }

  private take(name: string, optional: boolean): unknown {
    this.read.add(name);
    const value = this.spec[name];
    if (value === undefined && !optional) this.fail(`"${name}" is required`);
    return value;
  }
}
