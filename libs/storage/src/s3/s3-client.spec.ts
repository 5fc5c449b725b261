import { ConfigError, loadConfig } from '@validahub/config';
import { createS3Client } from './s3-client';

describe('createS3Client tuning from the config', () => {
  const s3 = (env: Record<string, string>) => loadConfig({ S3_ENDPOINT: 'http://127.0.0.1:9', ...env }).storage.s3;

  it('reads S3_MAX_ATTEMPTS and the timeouts from the environment, with defaults', async () => {
    expect(s3({})).toMatchObject({ connectTimeoutMs: 3_000, socketTimeoutMs: 60_000, maxAttempts: 3 });
    const tuned = s3({ S3_MAX_ATTEMPTS: '1', S3_CONNECT_TIMEOUT_MS: '250', S3_SOCKET_TIMEOUT_MS: '4000' });
    expect(tuned).toMatchObject({ connectTimeoutMs: 250, socketTimeoutMs: 4_000, maxAttempts: 1 });
    const client = createS3Client(tuned);
    expect(await client.config.maxAttempts()).toBe(1);
    client.destroy();
  });

  it('lets an explicit tuning win over the config', async () => {
    const client = createS3Client(s3({ S3_MAX_ATTEMPTS: '1' }), { maxAttempts: 5 });
    expect(await client.config.maxAttempts()).toBe(5);
    client.destroy();
  });

  it('refuses values out of range or not numbers', () => {
    for (const [name, value] of [
      ['S3_MAX_ATTEMPTS', '0'],
      ['S3_MAX_ATTEMPTS', '11'],
      ['S3_CONNECT_TIMEOUT_MS', 'soon'],
      ['S3_SOCKET_TIMEOUT_MS', '-1'],
    ]) {
      expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    }
  });
});
