import { jsonDepth } from './fastify-setup';

describe('jsonDepth', () => {
  it('counts object and array levels; scalars are depth 0', () => {
    expect(jsonDepth(1, 32)).toBe(0);
    expect(jsonDepth({}, 32)).toBe(1);
    expect(jsonDepth({ a: [1, { b: null }] }, 32)).toBe(3);
  });

  it('stops counting past the limit, even on very deep values', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonDepth(deep, 32)).toBe(33);
  });
});
