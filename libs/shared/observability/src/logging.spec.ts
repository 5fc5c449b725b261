import { Writable } from 'node:stream';
import pino from 'pino';
import { pinoLoggerParams } from './logging';

describe('pinoLoggerParams', () => {
  it('keeps API keys (Authorization, X-API-Key) and cookies out of request log lines', () => {
    let line = '';
    const { redact } = pinoLoggerParams({ level: 'info', service: 'test' }).pinoHttp as { redact: string[] };
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
});
