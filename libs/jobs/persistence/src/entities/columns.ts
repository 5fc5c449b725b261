import { ValueTransformer } from 'typeorm';

/** pg returns NUMERIC as a string (to keep precision); progress fits a double comfortably. */
export const numericToNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null || value === undefined ? value : Number(value)),
};

/** SQL list of quoted values for CHECK constraints built from the domain's constants. */
export const sqlList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
