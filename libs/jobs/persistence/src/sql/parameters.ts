/** A jsonb parameter: the value as JSON text, SQL NULL for null or undefined (cast with `::jsonb`). */
export function jsonParam(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** One column of rows written through `unnest`: its Postgres element type and the field it comes from. */
export type UnnestColumn<Row> = readonly [pgType: string, field: keyof Row];

/** Columns by name, in the order they appear in the row source. */
export type UnnestColumns<Row> = Readonly<Record<string, UnnestColumn<Row>>>;

export interface RowSource {
  /** `unnest($1::uuid[], ...) AS alias(id, ...)`, to use after FROM. */
  sql: string;
  /** One array per column, in column order. */
  params: unknown[][];
}

/**
 * Turns rows into an `unnest` row source with one array parameter per column, so a statement
 * writes any number of rows with the same text and a fixed number of parameters (one round trip,
 * and Postgres can reuse the plan). `jsonb` columns are sent as JSON text. Placeholders start
 * at `$1`: the row source carries all of the statement's parameters.
 */
export function unnestRows<Row>(rows: readonly Row[], columns: UnnestColumns<Row>, alias: string): RowSource {
  const entries = Object.entries(columns);
  const arrays = entries.map(([, [type]], i) => `$${i + 1}::${type}[]`);
  return {
    sql: `unnest(${arrays.join(', ')}) AS ${alias}(${entries.map(([name]) => name).join(', ')})`,
    params: entries.map(([, [type, field]]) => rows.map((row) => (type === 'jsonb' ? jsonParam(row[field]) : row[field]))),
  };
}
