import { jsonParam, unnestRows } from './parameters';

describe('jsonParam', () => {
  it('sends null and undefined as SQL NULL, anything else as JSON text', () => {
    expect(jsonParam(null)).toBeNull();
    expect(jsonParam(undefined)).toBeNull();
    expect(jsonParam({ code: 'E', n: 1 })).toBe('{"code":"E","n":1}');
    expect(jsonParam('text')).toBe('"text"');
    expect(jsonParam(0)).toBe('0');
  });
});

describe('unnestRows', () => {
  const rows = [
    { id: 'a', n: 1, tags: null },
    { id: 'b', n: 2, tags: { x: true } },
  ];
  const columns = { id: ['uuid', 'id'], n: ['int', 'n'], tags: ['jsonb', 'tags'] } as const;

  it('names and types each column and passes one array per column in that order, jsonb as JSON text', () => {
    const source = unnestRows(rows, columns, 'u');
    expect(source.sql).toBe('unnest($1::uuid[], $2::int[], $3::jsonb[]) AS u(id, n, tags)');
    expect(source.params).toEqual([
      ['a', 'b'],
      [1, 2],
      [null, '{"x":true}'],
    ]);
  });

  it('keeps the statement text the same for no rows (empty arrays)', () => {
    const source = unnestRows([], columns, 'u');
    expect(source.sql).toBe(unnestRows(rows, columns, 'u').sql);
    expect(source.params).toEqual([[], [], []]);
  });
});
