import { createTestDatabase, type TestDatabase } from '@validahub/testing';
import type { DataSource } from 'typeorm';
import { openTestDataSource, postJson, startTestApp, type HttpResult, type TestApp } from './testing/test-app';

const IN_PROGRESS = 'https://validahub.dev/problems/idempotency-request-in-progress';
const REUSED = 'https://validahub.dev/problems/idempotency-key-reused';

// Real HTTP on a real port, so the 50 requests really race each other on the database.
describe('@Idempotent() under concurrent duplicates', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let app: TestApp;

  const count = async (sql: string, params: unknown[]) => Number(((await dataSource.query(sql, params)) as { n: number }[])[0].n);
  const isOriginal = (r: HttpResult) => r.status === 201 && r.headers.get('idempotent-replayed') === null;
  const isReplay = (r: HttpResult) => r.status === 201 && r.headers.get('idempotent-replayed') === 'true';
  const isInFlight = (r: HttpResult) =>
    r.status === 409 && Number(r.headers.get('retry-after')) >= 1 && (r.body as { type?: string }).type === IN_PROGRESS;

  beforeAll(async () => {
    db = await createTestDatabase('idem_race');
    dataSource = await openTestDataSource(db.url);
    app = await startTestApp(dataSource);
  });

  afterAll(async () => {
    await app?.close();
    await dataSource?.destroy();
    await db?.drop();
  });

  it('50 identical requests create exactly one widget; the others replay it or get 409 with Retry-After', async () => {
    const body = { name: 'race-widget', delay_ms: 150 };
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => postJson(app.baseUrl, '/widgets', body, { 'Idempotency-Key': 'race-identical' })),
    );

    expect(await count(`SELECT count(*)::int AS n FROM widgets WHERE name = 'race-widget'`, [])).toBe(1);
    const originals = responses.filter(isOriginal);
    const replays = responses.filter(isReplay);
    const inFlight = responses.filter(isInFlight);
    expect(originals).toHaveLength(1);
    expect(replays.length + inFlight.length).toBe(49);
    expect(inFlight.length).toBeGreaterThan(0); // the delay keeps the first in flight while others arrive
    for (const replay of replays) expect(replay.body).toEqual(originals[0].body);
    console.info(`identical race: 1 original, ${replays.length} replays, ${inFlight.length} x 409`);
  });

  it('50 mixed requests on one key (25 same body, 25 other bodies) execute exactly once', async () => {
    const key = 'race-mixed';
    const bodies = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0 ? { name: 'mixed-same', delay_ms: 100 } : { name: `mixed-other-${i}`, delay_ms: 100 },
    );
    const responses = await Promise.all(bodies.map((body) => postJson(app.baseUrl, '/widgets', body, { 'Idempotency-Key': key })));

    const rows = (await dataSource.query(`SELECT name FROM widgets WHERE name LIKE 'mixed-%'`)) as { name: string }[];
    expect(rows).toHaveLength(1);
    const winner = rows[0].name;
    const originals = responses.filter(isOriginal);
    expect(originals).toHaveLength(1);
    expect((originals[0].body as { name: string }).name).toBe(winner);

    let reused = 0;
    responses.forEach((response, i) => {
      if (bodies[i].name === winner) {
        expect(isOriginal(response) || isReplay(response) || isInFlight(response)).toBe(true);
      } else {
        expect(response.status).toBe(422);
        expect((response.body as { type: string }).type).toBe(REUSED);
        reused += 1;
      }
    });
    expect(reused).toBe(bodies.filter((b) => b.name !== winner).length);
    console.info(`mixed race: winner "${winner}", ${reused} x 422`);
  });

  it('50 identical requests on a plain handler (/notes) run it exactly once too', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => postJson(app.baseUrl, '/notes', { text: 'race-note' }, { 'Idempotency-Key': 'race-note' })),
    );
    expect(await count(`SELECT count(*)::int AS n FROM note_attempts WHERE text = $1`, ['race-note'])).toBe(1);
    expect(responses.filter(isOriginal)).toHaveLength(1);
    expect(responses.filter((r) => isReplay(r) || isInFlight(r))).toHaveLength(49);
  });

  it('50 different keys run 50 times: idempotency never merges distinct requests', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => postJson(app.baseUrl, '/widgets', { name: 'distinct' }, { 'Idempotency-Key': `distinct-${i}` })),
    );
    expect(responses.every(isOriginal)).toBe(true);
    expect(await count(`SELECT count(*)::int AS n FROM widgets WHERE name = 'distinct'`, [])).toBe(50);
  });
});
