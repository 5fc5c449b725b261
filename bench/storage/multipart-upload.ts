import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, statSync } from 'node:fs';
import { request } from 'node:http';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface UploadAnswer {
  status: number;
  body: unknown;
}

/**
 * POSTs a file as multipart/form-data (part `file`) with a known Content-Length, streaming it
 * from disk: neither side ever holds the file.
 */
export async function streamMultipartUpload(url: string, path: string): Promise<UploadAnswer> {
  const boundary = `----bench${randomUUID().replace(/-/g, '')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${basename(path)}"\r\nContent-Type: text/csv\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const length = head.length + statSync(path).size + tail.length;
  const req = request(url, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(length) },
  });
  const answered = once(req, 'response') as Promise<[import('node:http').IncomingMessage]>;
  req.write(head);
  await pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), req, { end: false });
  req.end(tail);
  const [response] = await answered;
  let text = '';
  for await (const chunk of response) text += String(chunk);
  return { status: response.statusCode ?? 0, body: text ? JSON.parse(text) : null };
}
