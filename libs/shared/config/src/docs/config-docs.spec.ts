import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_DOC_TARGETS, describeConfig, readEnvironment, replaceBetweenMarkers, VARIABLE_MEANINGS } from '../index';

const ROOT = join(__dirname, '..', '..', '..', '..', '..');

describe('configuration documentation', () => {
  const variables = describeConfig();

  it('describes every variable the readers ask for, and nothing they do not', () => {
    expect(variables.filter((v) => !v.meaning).map((v) => v.name)).toEqual([]);
    const read = new Set(variables.map((v) => v.key));
    expect(Object.keys(VARIABLE_MEANINGS).filter((key) => !read.has(key))).toEqual([]);
    expect(variables.find((v) => v.name === 'REDIS_URL')).toMatchObject({ aliases: ['CELERY_BROKER_URL'], default: 'redis://127.0.0.1:6379/0' });
    expect(variables.find((v) => v.name === 'MAX_RETRIES_<PLAN>')).toMatchObject({ default: '' });
    expect(variables.length).toBeGreaterThanOrEqual(44);
  });

  it.each(CONFIG_DOC_TARGETS.map((target) => [target.file, target] as const))(
    '%s holds the generated text (run npm run config:docs)',
    (_file, target) => {
      const text = readFileSync(join(ROOT, target.file), 'utf8');
      expect(replaceBetweenMarkers(text, target.start, target.end, target.render(variables))).toBe(text);
    },
  );
});

describe('readEnvironment', () => {
  it('takes .env values under the real environment, and is fine without the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vh-env-'));
    writeFileSync(join(dir, '.env'), 'PORT=4000\nLOG_LEVEL=debug\n# a comment\nQUEUE_PREFIX="from file"\n');
    expect(readEnvironment({ envFile: join(dir, '.env'), env: { PORT: '5000' } })).toEqual({
      PORT: '5000',
      LOG_LEVEL: 'debug',
      QUEUE_PREFIX: 'from file',
    });
    expect(readEnvironment({ envFile: join(dir, 'missing.env'), env: { A: '1' } })).toEqual({ A: '1' });
  });
});
