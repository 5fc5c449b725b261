import { EnvReader } from '../env-reader';

/** What the `validahub` command line reads (besides its flags, which win). */
export interface CliSettings {
  /** The gateway the remote commands talk to. */
  url: string;
  /** Sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** NO_COLOR set (to anything non-empty): no colours, whatever the terminal. */
  noColor: boolean;
  /** FORCE_COLOR: true forces colours off a terminal, false turns them off; undefined decides by the terminal. */
  forceColor?: boolean;
}

export function readCliSettings(env: EnvReader): CliSettings {
  const force = env.raw('FORCE_COLOR');
  return {
    url: env.url('VALIDAHUB_URL', 'http://127.0.0.1:3001', ['http:', 'https:']),
    apiKey: env.string('VALIDAHUB_API_KEY'),
    noColor: env.raw('NO_COLOR') !== undefined,
    forceColor: force === undefined ? undefined : !['0', 'false'].includes(force.value.toLowerCase()),
  };
}
