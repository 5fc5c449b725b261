import type { FixKind } from './fix-kind';

const SPACE_RUNS = / {2,}/g;

function isEdgeSpace(code: number): boolean {
  return code <= 0x20 || code === 0xa0;
}

function needsTrim(value: string): boolean {
  return isEdgeSpace(value.charCodeAt(0)) || isEdgeSpace(value.charCodeAt(value.length - 1));
}

/** Codes, numbers, enum values: surrounding whitespace (spaces, tabs, NBSP, line breaks) is never meant. */
export const trimFix: FixKind = {
  id: 'trim',
  stage: 'normalize',
  describe: 'trimmed of surrounding whitespace',
  compile: () => (value) => (value.length > 0 && needsTrim(value) ? value.trim() : null),
};

/** Text columns: trimmed too, and runs of spaces inside collapse to one (line breaks are kept). */
export const whitespaceFix: FixKind = {
  id: 'whitespace',
  stage: 'normalize',
  describe: 'trimmed of surrounding whitespace and repeated inner spaces',
  compile: () => (value) => {
    if (value.length === 0) return null;
    const trimNeeded = needsTrim(value);
    if (!trimNeeded && value.indexOf('  ') === -1) return null;
    const fixed = (trimNeeded ? value.trim() : value).replace(SPACE_RUNS, ' ');
    return fixed === value ? null : fixed;
  },
};
