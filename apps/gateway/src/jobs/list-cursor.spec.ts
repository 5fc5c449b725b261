import { ProblemException } from '../http/problem';
import { decodeListCursor, encodeListCursor } from './list-cursor';

const ID = '0b6f7c1e-2d3a-4f5b-8c9d-0e1f2a3b4c5d';
const raw = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

function fieldOfRefusal(cursor: string): unknown {
  try {
    decodeListCursor(cursor);
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemException);
    const { spec } = error as ProblemException;
    expect(spec.status).toBe(400);
    return spec.errors?.[0].field;
  }
  throw new Error(`cursor ${cursor} was accepted`);
}

describe('list cursor', () => {
  it('round-trips the position of the last job of a page', () => {
    const position = { createdAt: new Date('2026-12-03T09:15:00.123Z'), id: ID };
    expect(decodeListCursor(encodeListCursor(position))).toEqual(position);
  });

  it.each([
    ['not base64url', 'abc+/='],
    ['base64url of something else', raw('hello')],
    ['no id', raw('2026-12-03T09:15:00.123Z|')],
    ['an id that is not a UUID', raw('2026-12-03T09:15:00.123Z|not-a-uuid')],
    ['an uppercase UUID (not ours)', raw(`2026-12-03T09:15:00.123Z|${ID.toUpperCase()}`)],
    ['a date without milliseconds', raw(`2026-12-03T09:15:00Z|${ID}`)],
    ['a day that does not exist', raw(`2026-02-30T00:00:00.000Z|${ID}`)],
    ['an hour that does not exist', raw(`2026-02-03T25:00:00.000Z|${ID}`)],
    ['extra text after the id', raw(`2026-12-03T09:15:00.123Z|${ID}|x`)],
  ])('refuses %s with a 400 on `cursor`', (_what, cursor) => {
    expect(fieldOfRefusal(cursor)).toBe('cursor');
  });
});
