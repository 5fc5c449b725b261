import { createTestDatabase, type TestDatabase } from '@validahub/testing';
import type { DataSource } from 'typeorm';
import { openTestDataSource, postJson, startTestApp, type TestApp } from './testing/test-app';

const PROBLEMS = 'https://validahub.dev/problems/';

describe('@Idempotent() over HTTP (Fastify + Postgres)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let app: TestApp;
  let keySeq = 0;
  const newKey = (label: string) => `${label}-${Date.now()}-${(keySeq += 1)}`;
  const count = async (table: string, where = 'true', params: unknown[] = []) =>
    Number(((await dataSource.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params)) as { n: number }[])[0].n);
  const widgets =
    (path = '/widgets') =>
    (body: unknown, headers: Record<string, string> = {}) =>
      postJson(app.baseUrl, path, body, headers);
  const postWidget = widgets();
  const postNote = widgets('/notes');

  beforeAll(async () => {
    db = await createTestDatabase('idem_http');
    dataSource = await openTestDataSource(db.url);
    app = await startTestApp(dataSource);
  });

  afterAll(async () => {
    await app?.close();
    await dataSource?.destroy();
    await db?.drop();
  });

  describe('replay', () => {
    it('replays the stored status, body and Location with Idempotent-Replayed: true, executing once', async () => {
      const key = newKey('replay');
      const first = await postWidget({ name: 'gear', color: 'red' }, { 'Idempotency-Key': key });
      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const created = first.body as { id: string; name: string; idempotency_key: string };
      expect(created).toMatchObject({ name: 'gear', color: 'red', idempotency_key: key });
      expect(first.headers.get('location')).toBe(`/widgets/${created.id}`);

      const second = await postWidget({ name: 'gear', color: 'red' }, { 'Idempotency-Key': key });
      expect(second.status).toBe(201);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(second.body).toEqual(first.body);
      expect(second.headers.get('location')).toBe(first.headers.get('location'));
      expect(await count('widgets', 'name = $1', ['gear'])).toBe(1);
    });

    it('treats a reordered body as the same request and the body field as the key (seed style)', async () => {
      const key = newKey('body-field');
      const first = await postWidget({ name: 'bolt', color: 'blue', idempotency_key: key });
      const second = await postWidget({ idempotency_key: key, color: 'blue', name: 'bolt' });
      const viaHeader = await postWidget({ color: 'blue', name: 'bolt' }, { 'Idempotency-Key': key });
      expect(first.status).toBe(201);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(viaHeader.headers.get('idempotent-replayed')).toBe('true');
      expect((second.body as { id: string }).id).toBe((first.body as { id: string }).id);
      expect((viaHeader.body as { id: string }).id).toBe((first.body as { id: string }).id);
      expect(await count('widgets', 'name = $1', ['bolt'])).toBe(1);
    });

    it('accepts the structured-field string form of the header and treats it as the bare key', async () => {
      const key = newKey('sf');
      const first = await postWidget({ name: 'sf-widget' }, { 'Idempotency-Key': `"${key}"` });
      const second = await postWidget({ name: 'sf-widget' }, { 'Idempotency-Key': key });
      expect(first.status).toBe(201);
      expect((first.body as { idempotency_key: string }).idempotency_key).toBe(key);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(await count('widgets', 'name = $1', ['sf-widget'])).toBe(1);
    });

    it('runs every request without a key (no idempotency asked for)', async () => {
      await postWidget({ name: 'keyless' });
      await postWidget({ name: 'keyless' });
      expect(await count('widgets', 'name = $1', ['keyless'])).toBe(2);
    });
  });

  describe('refusals', () => {
    it('answers 422 idempotency-key-reused for the same key with another body, and runs nothing', async () => {
      const key = newKey('mismatch');
      await postWidget({ name: 'first-body' }, { 'Idempotency-Key': key, 'X-Correlation-Id': 'corr-1' });
      const reused = await postWidget({ name: 'second-body' }, { 'Idempotency-Key': key, 'X-Correlation-Id': 'corr-2' });
      expect(reused.status).toBe(422);
      expect(reused.headers.get('content-type')).toContain('application/problem+json');
      expect(reused.body).toMatchObject({ type: `${PROBLEMS}idempotency-key-reused`, status: 422, correlation_id: 'corr-2' });
      expect(typeof (reused.body as { title: string }).title).toBe('string');
      expect(await count('widgets', 'name = $1', ['second-body'])).toBe(0);
    });

    it('answers 422 when only one value differs (values are compared exactly)', async () => {
      const key = newKey('mismatch-nested');
      await postWidget({ name: 'nested', color: 'green' }, { 'Idempotency-Key': key });
      const other = await postWidget({ name: 'nested', color: 'GREEN' }, { 'Idempotency-Key': key });
      expect(other.status).toBe(422);
    });

    it('answers 400 when the header and the body field carry different keys', async () => {
      const result = await postWidget({ name: 'conflict', idempotency_key: 'body-key' }, { 'Idempotency-Key': 'header-key' });
      expect(result.status).toBe(400);
      expect(result.headers.get('content-type')).toContain('application/problem+json');
      expect(result.body).toMatchObject({ type: `${PROBLEMS}conflicting-idempotency-keys`, status: 400 });
      expect(await count('widgets', 'name = $1', ['conflict'])).toBe(0);
    });

    it.each([
      ['too long', { 'Idempotency-Key': 'k'.repeat(256) }, {}],
      ['empty header', { 'Idempotency-Key': '' }, {}],
      ['non-ASCII', { 'Idempotency-Key': 'caf\u00e9' }, {}],
      ['broken structured string', { 'Idempotency-Key': '"unterminated' }, {}],
      ['structured string with parameters', { 'Idempotency-Key': '"abc";x=1' }, {}],
      ['body key not a string', {}, { idempotency_key: 42 }],
      ['body key empty', {}, { idempotency_key: '' }],
      ['body key with a control character', {}, { idempotency_key: 'a\tb' }],
    ])('answers 400 invalid-idempotency-key for %s', async (_label, headers, bodyExtra) => {
      const name = `invalid-${_label}`;
      const result = await postWidget({ name, ...bodyExtra }, headers as Record<string, string>);
      expect(result.status).toBe(400);
      expect(result.headers.get('content-type')).toContain('application/problem+json');
      expect(result.body).toMatchObject({ type: `${PROBLEMS}invalid-idempotency-key`, status: 400 });
      expect((result.body as { errors: unknown[] }).errors).toHaveLength(1);
      expect(await count('widgets', 'name = $1', [name])).toBe(0);
    });

    it('accepts a key of exactly 255 printable characters', async () => {
      const key = `${newKey('max')}-`.padEnd(255, '~');
      const result = await postWidget({ name: 'max-key' }, { 'Idempotency-Key': key });
      expect(result.status).toBe(201);
      expect((result.body as { idempotency_key: string }).idempotency_key).toBe(key);
    });

    it('answers 400 on a route that requires a key when none is sent', async () => {
      const optional = await postNote({ text: 'x' });
      expect(optional.status).toBe(201); // /notes does not require one
      const strict = await postJson(app.baseUrl, '/notes/strict', { text: 'needs-key' });
      expect(strict.status).toBe(400);
      expect(strict.body).toMatchObject({ type: `${PROBLEMS}invalid-idempotency-key` });
      expect(await count('note_attempts', 'text = $1', ['needs-key'])).toBe(0);
      const withKey = await postJson(app.baseUrl, '/notes/strict', { text: 'needs-key' }, { 'Idempotency-Key': newKey('strict') });
      expect(withKey.status).toBe(201);
    });
  });

  describe('scoping', () => {
    it('keeps keys apart per tenant: the same key in two tenants runs twice', async () => {
      const key = newKey('tenant');
      const a = await postWidget({ name: 'tenant-widget' }, { 'Idempotency-Key': key, 'X-Tenant-Id': 'tenant-a' });
      const b = await postWidget({ name: 'tenant-widget' }, { 'Idempotency-Key': key, 'X-Tenant-Id': 'tenant-b' });
      const aAgain = await postWidget({ name: 'tenant-widget' }, { 'Idempotency-Key': key, 'X-Tenant-Id': 'tenant-a' });
      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      expect(b.headers.get('idempotent-replayed')).toBeNull();
      expect((a.body as { id: string }).id).not.toBe((b.body as { id: string }).id);
      expect(aAgain.headers.get('idempotent-replayed')).toBe('true');
      expect((aAgain.body as { id: string }).id).toBe((a.body as { id: string }).id);
      const rows = (await dataSource.query('SELECT tenant_id FROM widgets WHERE name = $1 ORDER BY tenant_id', ['tenant-widget'])) as {
        tenant_id: string;
      }[];
      expect(rows.map((r) => r.tenant_id)).toEqual(['tenant-a', 'tenant-b']);
      const keys = (await dataSource.query('SELECT tenant_id FROM idempotency_keys WHERE idempotency_key = $1 ORDER BY tenant_id', [key])) as {
        tenant_id: string;
      }[];
      expect(keys.map((r) => r.tenant_id)).toEqual(['tenant-a', 'tenant-b']);
    });

    it('keeps keys apart per route: the same key on /widgets and /notes runs each once', async () => {
      const key = newKey('route');
      const widget = await postWidget({ name: 'route-scoped' }, { 'Idempotency-Key': key });
      const note = await postNote({ text: 'route-scoped' }, { 'Idempotency-Key': key });
      expect(widget.status).toBe(201);
      expect(note.status).toBe(201);
      expect(note.headers.get('idempotent-replayed')).toBeNull();
      const scopes = (await dataSource.query('SELECT scope FROM idempotency_keys WHERE idempotency_key = $1 ORDER BY scope', [key])) as {
        scope: string;
      }[];
      expect(scopes.map((r) => r.scope)).toEqual(['POST /notes', 'POST /widgets']);
    });
  });

  describe('what is stored', () => {
    it('stores a plain handler response (/notes, own body field) and replays it with its Location only', async () => {
      const key = newKey('note');
      const first = await postNote({ text: 'hello', request_key: key });
      expect(first.status).toBe(201);
      expect(first.headers.get('x-not-replayed')).toBe('first-only');
      const again = await postNote({ request_key: key, text: 'hello' });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('location')).toBe(first.headers.get('location'));
      expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'));
      expect(again.headers.get('x-not-replayed')).toBeNull();
      expect(await count('note_attempts', 'text = $1', ['hello'])).toBe(1);
    });

    it('does not store a validation 400: the claim is released and a corrected retry with the same key runs', async () => {
      const key = newKey('validation');
      const bad = await postNote({ text: 17, request_key: key });
      expect(bad.status).toBe(400);
      expect(await count('idempotency_keys', 'idempotency_key = $1', [key])).toBe(0);
      const corrected = await postNote({ text: 'corrected', request_key: key });
      expect(corrected.status).toBe(201);
      expect(corrected.headers.get('idempotent-replayed')).toBeNull();
      expect(await count('notes', 'text = $1', ['corrected'])).toBe(1);

      const widgetKey = newKey('widget-validation');
      expect((await postWidget({ name: '' }, { 'Idempotency-Key': widgetKey })).status).toBe(400);
      const fixed = await postWidget({ name: 'fixed-widget' }, { 'Idempotency-Key': widgetKey });
      expect(fixed.status).toBe(201);
      expect(fixed.headers.get('idempotent-replayed')).toBeNull();
      expect(await count('widgets', 'name = $1', ['fixed-widget'])).toBe(1);
    });

    it('does not store a 5xx: the claim is released and the retry executes again', async () => {
      const key = newKey('explode');
      const first = await postNote({ text: 'explode' }, { 'Idempotency-Key': key });
      expect(first.status).toBe(500);
      expect(await count('idempotency_keys', 'idempotency_key = $1', [key])).toBe(0);
      const second = await postNote({ text: 'explode' }, { 'Idempotency-Key': key });
      expect(second.status).toBe(500);
      expect(second.headers.get('idempotent-replayed')).toBeNull();
      expect(await count('note_attempts', 'text = $1', ['explode'])).toBe(2);
    });

    it('rolls back a transactional handler that fails after its insert, leaving neither row nor key', async () => {
      const key = newKey('crash');
      const failed = await postWidget({ name: 'crashy', fail: 'crash' }, { 'Idempotency-Key': key });
      expect(failed.status).toBe(500);
      expect(await count('widgets', 'name = $1', ['crashy'])).toBe(0);
      expect(await count('idempotency_keys', 'idempotency_key = $1', [key])).toBe(0);
    });

    it('stores a deliberate 404 and replays it without running the handler again', async () => {
      const key = newKey('missing');
      const first = await postNote({ text: 'missing' }, { 'Idempotency-Key': key });
      expect(first.status).toBe(404);
      const second = await postNote({ text: 'missing' }, { 'Idempotency-Key': key });
      expect(second.status).toBe(404);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(second.body).toEqual(first.body);
      expect(await count('note_attempts', 'text = $1', ['missing'])).toBe(1);
    });

    it('writes the completed key with its response, fingerprint and a 24 h retention', async () => {
      const key = newKey('row');
      const created = await postWidget({ name: 'row-check' }, { 'Idempotency-Key': key });
      const [row] = (await dataSource.query(
        `SELECT state, fingerprint, response_status, response_headers, response_body, lock_token, locked_until,
                EXTRACT(EPOCH FROM (expires_at - completed_at))::int AS retention
         FROM idempotency_keys WHERE idempotency_key = $1`,
        [key],
      )) as Record<string, unknown>[];
      expect(row).toMatchObject({ state: 'completed', response_status: 201, lock_token: null, locked_until: null, retention: 86_400 });
      expect(row.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(row.response_body).toEqual(created.body);
      expect(row.response_headers).toEqual({ location: created.headers.get('location') });
    });
  });
});
