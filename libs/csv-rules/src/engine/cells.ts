function isSpaceCode(code: number): boolean {
  return code <= 0x20 || code === 0xa0;
}

/** Empty or whitespace only; cheap for the usual cell that starts with a visible character. */
export function isBlankValue(value: string): boolean {
  if (value.length === 0) return true;
  if (!isSpaceCode(value.charCodeAt(0))) return false;
  return value.trim().length === 0;
}

export function isBlankRow(cells: readonly string[]): boolean {
  for (let i = 0; i < cells.length; i++) if (!isBlankValue(cells[i])) return false;
  return true;
}

/** With `\n` as the record separator, CRLF rows end in a CR; quoted last cells are already clean. */
export function stripTrailingCarriageReturn(cells: string[]): void {
  const last = cells.length - 1;
  if (last < 0) return;
  const value = cells[last];
  if (value.charCodeAt(value.length - 1) === 0x0d) cells[last] = value.slice(0, -1);
}
