import type { LoadedColumn, LoadedRuleset } from '../ruleset/loaded-ruleset';
import { normalizeName } from './normalize-name';

export interface HeaderIssue {
  column: string | null;
  rule: 'blank_header' | 'duplicate_header';
  severity: 'error' | 'warning';
  message: string;
  value: string | null;
}

export interface HeaderMapping {
  /** For each header position, the ruleset column it feeds (null: blank, duplicate or unknown). */
  columns: (LoadedColumn | null)[];
  /** For each header position, the name used in issues: the ruleset's name, else the header as spelled. */
  names: string[];
}

/** Issues go straight to `onIssue`: a pathological header (millions of cells) must not pile them up. */
export function mapHeaders(header: readonly string[], ruleset: LoadedRuleset, onIssue: (issue: HeaderIssue) => void): HeaderMapping {
  const columns: (LoadedColumn | null)[] = [];
  const names: string[] = [];
  const firstPositionByKey = new Map<string, number>();

  header.forEach((spelled, position) => {
    const trimmed = spelled.trim();
    const key = normalizeName(trimmed);
    const column = key === '' ? undefined : ruleset.columnByHeaderKey.get(key);
    const identity = column ? `column:${column.name}` : `header:${key}`;
    names.push(column?.name ?? trimmed);

    if (trimmed === '') {
      columns.push(null);
      onIssue({
        column: null,
        rule: 'blank_header',
        severity: 'warning',
        message: `column ${position + 1} has no header; its values are not checked`,
        value: spelled,
      });
      return;
    }
    const first = firstPositionByKey.get(identity);
    if (first !== undefined) {
      columns.push(null);
      onIssue({
        column: trimmed,
        rule: 'duplicate_header',
        severity: 'error',
        message:
          `header "${trimmed}" (column ${position + 1}) repeats "${header[first].trim()}" (column ${first + 1}); ` +
          'only the first is checked',
        value: spelled,
      });
      return;
    }
    firstPositionByKey.set(identity, position);
    columns.push(column ?? null);
  });

  return { columns, names };
}
