/** A template's name: lower-case letters, digits, `_` and `-`, starting with a letter or digit. */
export const TEMPLATE_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** `name` or `name@3` as jobs, schedules and workflow steps refer to a template. */
export interface TemplateRef {
  name: string;
  /** Absent: the latest version. */
  version?: number;
}

/** Parses a template reference; null when it is not `name` or `name@<positive integer>`. */
export function parseTemplateRef(value: string): TemplateRef | null {
  const match = /^([^@]+)(?:@([1-9]\d{0,8}))?$/.exec(value);
  if (!match || !TEMPLATE_NAME_PATTERN.test(match[1])) return null;
  return match[2] ? { name: match[1], version: Number(match[2]) } : { name: match[1] };
}
