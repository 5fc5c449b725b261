import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import pinoHttp, { type Options } from 'pino-http';
import { pinoLoggerParams } from './logging';

describe('pinoLoggerParams', () => {
  it('keeps API keys (Authorization, X-API-Key) and cookies out of request log lines', () => {
    let line = '';
    const { redact } = pinoLoggerParams({ level: 'info', service: 'test' }).pinoHttp as { redact: pino.LoggerOptions['redact'] };
    const sink = new Writable({ write: (chunk, _encoding, done) => ((line += String(chunk)), done()) });
    const headers = { authorization: 'Bearer vh_secret1', 'x-api-key': 'vh_secret2', cookie: 'session=secret3', accept: 'application/json' };
    pino({ redact }, sink).info({ req: { headers } }, 'request completed');
    expect(line).not.toMatch(/secret[123]/);
    expect(JSON.parse(line).req.headers).toEqual({
      authorization: '[Redacted]',
      'x-api-key': '[Redacted]',
      cookie: '[Redacted]',
      accept: 'application/json',
    });
  });

  it('writes one lean line per request: method, url, status and correlation id, no headers', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    const logger = pinoHttp(pinoLoggerParams({ level: 'info', service: 'test' }).pinoHttp as Options, sink);
    const server = createServer((req, res) => {
      (req as { id?: string }).id = 'corr-1';
      logger(req, res);
      res.statusCode = 202;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await (
        await fetch(`http://127.0.0.1:${port}/api/v1/jobs?x=1`, { method: 'POST', headers: { authorization: 'Bearer vh_secret' }, body: '{}' })
      ).text();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]);
    expect(line).toMatchObject({
      service: 'test',
      correlation_id: 'corr-1',
      req: { method: 'POST', url: '/api/v1/jobs?x=1' },
      res: { status_code: 202 },
    });
    expect(line.req.headers).toBeUndefined();
    expect(lines[0]).not.toContain('vh_secret');
  });

  it('buffers stdout writes only when asked', () => {
    expect(Array.isArray(pinoLoggerParams({ level: 'info', service: 'test' }).pinoHttp)).toBe(false);
    const [, stream] = pinoLoggerParams({ level: 'info', service: 'test', bufferBytes: 4096 }).pinoHttp as [Options, { minLength: number }];
    expect(stream.minLength).toBe(4096);
  });

  it('keeps presigned URLs and cookies the gateway sends out of response log lines, but not job locations', () => {
    const lines: string[] = [];
    const { redact } = pinoLoggerParams({ level: 'info', service: 'test' }).pinoHttp as { redact: pino.LoggerOptions['redact'] };
    const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    const logger = pino({ redact }, sink);
    const presigned = 'https://bucket.s3.amazonaws.com/tenants/t/results/r.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abcdef123';
    logger.info({ res: { headers: { location: presigned, 'set-cookie': 'session=secret4' } } }, 'request completed');
    logger.info({ res: { headers: { location: '/api/v1/jobs/0b7c' } } }, 'request completed');
    expect(lines[0]).not.toMatch(/abcdef123|secret4|X-Amz-Algorithm/);
    expect(JSON.parse(lines[0]).res.headers).toEqual({
      location: 'https://bucket.s3.amazonaws.com/tenants/t/results/r.csv?[Redacted]',
      'set-cookie': '[Redacted]',
    });
    expect(JSON.parse(lines[1]).res.headers.location).toBe('/api/v1/jobs/0b7c');
  });
});
