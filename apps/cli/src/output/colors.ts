import pc from 'picocolors';
import type { CliSettings } from '@validahub/config';

export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Colours for one stream: on a terminal unless NO_COLOR is set (https://no-color.org) or
 * TERM is dumb; FORCE_COLOR=1 forces them on (e.g. a CI log that renders ANSI), FORCE_COLOR=0 off.
 */
export function colorsFor(stream: { isTTY?: boolean }, settings: Pick<CliSettings, 'noColor' | 'forceColor'>, term?: string): Colors {
  if (settings.forceColor !== undefined) return pc.createColors(settings.forceColor);
  return pc.createColors(!settings.noColor && stream.isTTY === true && term !== 'dumb');
}
