import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AppConfig } from '@validahub/config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { problems } from '../http/problem';

export const WEB_APP_PATH = 'app';

/** The only files the page is made of; nothing else under /app is served (no path ever reaches the disk). */
const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'app.js.map': 'application/json',
};

/** Same-origin assets only, no inline script or style: the page is built to need nothing else. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The web page for people at /app: built by `npm run build:web` into WEB_ASSETS_DIR and served as is. */
@ApiExcludeController()
@Controller(WEB_APP_PATH)
export class WebAppController {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: AppConfig) {}

  @Get()
  page(@Res() reply: FastifyReply): Promise<void> {
    return this.send('index.html', reply);
  }

  @Get(':file')
  asset(@Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    return this.send(file, reply);
  }

  private async send(file: string, reply: FastifyReply): Promise<void> {
    const type = Object.hasOwn(FILES, file) ? FILES[file] : undefined;
    if (!type) throw problems.notFound(`No file ${file} in the web page.`);
    // Read on each request (a few KB): a rebuilt page is served without a restart.
    const body = await readFile(resolve(this.config.http.webAssetsDir, file)).catch(() => undefined);
    if (!body)
      throw problems.notFound(`The web page is not built (${file} is missing from ${this.config.http.webAssetsDir}); run npm run build:web.`);
    await reply
      .type(type)
      .header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Referrer-Policy', 'no-referrer')
      .header('Cache-Control', 'no-cache')
      .send(body);
  }
}
