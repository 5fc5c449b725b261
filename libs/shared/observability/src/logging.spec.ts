import { Writable } from 'node:stream';
import pino from 'pino';
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
