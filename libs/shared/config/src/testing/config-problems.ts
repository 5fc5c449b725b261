import { ConfigError, loadConfig } from '../index';

/** The problems loadConfig reports for an environment (none when it loads): for specs. */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
