import { InvalidOptionsError } from '../errors';

/** What the caller may ask for; `auto` detects. Latin-1 labels mean Windows-1252, as in browsers. */
export type EncodingOption = 'auto' | 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

export type TextEncodingName = Exclude<EncodingOption, 'auto'>;

const LABELS: Record<string, EncodingOption> = {
  auto: 'auto',
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
  win1252: 'windows-1252',
  latin1: 'windows-1252',
  'latin-1': 'windows-1252',
  'iso-8859-1': 'windows-1252',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
};

export function parseEncodingOption(label: string | undefined): EncodingOption {
  if (label === undefined) return 'auto';
  const known = LABELS[label.trim().toLowerCase()];
  if (!known) {
    throw new InvalidOptionsError(`unknown encoding "${label}"; use one of ${Object.keys(LABELS).join(', ')}`);
  }
  return known;
}
