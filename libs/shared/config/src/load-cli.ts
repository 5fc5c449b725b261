import { Env, EnvReader } from './env-reader';
import { CliSettings, readCliSettings } from './sections/cli';

/** The CLI's settings (VALIDAHUB_URL, VALIDAHUB_API_KEY, colours); throws ConfigError naming a bad one. */
export function loadCliSettings(env: Env): CliSettings {
  const reader = new EnvReader(env);
  const settings = readCliSettings(reader);
  reader.done();
  return settings;
}
