import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { isTransientStorageError, ObjectNotFoundError, StorageAccessError, StorageUnavailableError } from '../errors';
import { TEST_S3_CONFIG } from '../testing/s3-test-bucket';
import { countingStream, readAll, rejectionOf } from '../testing/test-data';
import { createS3Client, type S3ClientTuning } from './s3-client';
import { S3ObjectStorage } from './s3-object-storage';

function storageAt(endpoint: string, tuning: S3ClientTuning): S3ObjectStorage {
  return new S3ObjectStorage({
    client: createS3Client({ ...TEST_S3_CONFIG, endpoint }, tuning),
    healthBucket: 'health-bucket',
    pingTimeoutMs: 2_000,
  });
}

async function timed(work: Promise<unknown>): Promise<{ error: Error; ms: number }> {
  const started = Date.now();
  const error = await rejectionOf(work);
  return { error, ms: Date.now() - started };
}

describe('S3ObjectStorage when S3 cannot be reached', () => {
  const closed = storageAt('http://127.0.0.1:1', { maxAttempts: 2, connectTimeoutMs: 500 });
  const uri = 's3://some-bucket/input.csv';

  it.each<[string, () => Promise<unknown>]>([
    ['openRead', () => closed.openRead(uri)],
    ['write', () => closed.write(uri, 'sku\n')],
    ['head', () => closed.head(uri)],
    ['exists', () => closed.exists(uri)],
    ['delete', () => closed.delete(uri)],
    ['ping', () => closed.ping()],
  ])('%s fails fast with a transient StorageUnavailableError', async (_name, call) => {
    const { error, ms } = await timed(call());
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(error).toMatchObject({ code: 'storage_unavailable', retryable: true });
    expect(isTransientStorageError(error)).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');
    expect(ms).toBeLessThan(2_000);
  });
});

describe('S3ObjectStorage when S3 accepts connections but never answers', () => {
  let server: TcpServer;
  const sockets = new Set<Socket>();
  let endpoint: string;

  beforeAll(async () => {
    server = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('times out idle requests as transient errors', async () => {
    const hanging = storageAt(endpoint, { maxAttempts: 1, socketTimeoutMs: 300 });
    const { error, ms } = await timed(hanging.head('s3://some-bucket/input.csv'));
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(isTransientStorageError(error)).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(2_000);
  });

  it('fails ping within its own deadline', async () => {
    const hanging = new S3ObjectStorage({ client: createS3Client({ ...TEST_S3_CONFIG, endpoint }), healthBucket: 'b-health', pingTimeoutMs: 300 });
    const { error, ms } = await timed(hanging.ping());
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(ms).toBeLessThan(1_500);
  });
});

describe('S3ObjectStorage classifying what an S3 server answers', () => {
  let server: HttpServer;
  let respond: (request: IncomingMessage, response: ServerResponse) => void;
  let requests = 0;
  let storage: S3ObjectStorage;

  const xmlError = (status: number, code: string) => (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(status, { 'content-type': 'application/xml' });
    response.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code} from the test server</Message></Error>`);
  };

  beforeAll(async () => {
    server = createHttpServer((request, response) => {
      requests += 1;
      request.resume();
      request.on('end', () => respond(request, response));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    storage = storageAt(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { maxAttempts: 2 });
  });

  beforeEach(() => {
    requests = 0;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    [503, 'SlowDown'],
    [500, 'InternalError'],
    [429, 'TooManyRequests'],
    [400, 'RequestTimeout'],
  ])('%i %s is transient and retried by the client', async (status, code) => {
    respond = xmlError(status, code);
    const error = await rejectionOf(storage.openRead('s3://some-bucket/input.csv'));
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(error.message).toContain(code);
    expect(requests).toBe(2);
  });

  it.each([
    [403, 'AccessDenied'],
    [403, 'InvalidAccessKeyId'],
    [400, 'InvalidRequest'],
  ])('%i %s is a permanent StorageAccessError', async (status, code) => {
    respond = xmlError(status, code);
    const error = await rejectionOf(storage.write('s3://some-bucket/out.json', '{}'));
    expect(error).toBeInstanceOf(StorageAccessError);
    expect(isTransientStorageError(error)).toBe(false);
    expect(requests).toBe(1);
  });

  it('a missing bucket is not-found for reads and an access error for writes', async () => {
    respond = xmlError(404, 'NoSuchBucket');
    const read = await rejectionOf(storage.openRead('s3://some-bucket/input.csv'));
    expect(read).toBeInstanceOf(ObjectNotFoundError);
    expect(read.message).toContain('bucket does not exist');
    expect(await rejectionOf(storage.write('s3://some-bucket/out.json', '{}'))).toBeInstanceOf(StorageAccessError);
  });

  it('a 403 on HEAD is an access error, not a missing object', async () => {
    respond = (_request, response) => response.writeHead(403).end();
    expect(await rejectionOf(storage.head('s3://some-bucket/input.csv'))).toBeInstanceOf(StorageAccessError);
  });

  it('a part refused mid-way through a multipart upload fails the write with the S3 error', async () => {
    const seen: string[] = [];
    respond = (request, response) => {
      const url = new URL(request.url ?? '/', 'http://test');
      seen.push(`${request.method} ${[...url.searchParams.keys()].filter((k) => k !== 'x-id').join(',')}`);
      if (request.method === 'POST' && url.searchParams.has('uploads')) {
        response.writeHead(200, { 'content-type': 'application/xml' });
        response.end(
          '<InitiateMultipartUploadResult><Bucket>some-bucket</Bucket><Key>big.csv</Key><UploadId>u-1</UploadId></InitiateMultipartUploadResult>',
        );
      } else if (request.method === 'DELETE') {
        response.writeHead(204).end();
      } else {
        xmlError(403, 'AccessDenied')(request, response);
      }
    };
    const body = countingStream(64 * 1024 * 1024);
    const error = await rejectionOf(storage.write('s3://some-bucket/big.csv', body.stream));
    expect(error).toBeInstanceOf(StorageAccessError);
    expect(error.message).toContain('AccessDenied');
    expect(seen).toContain('DELETE uploadId');
    expect(body.stream.destroyed).toBe(true);
  });

  it('a connection dropped mid-download surfaces on the stream as a transient error', async () => {
    respond = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(1024 * 1024) });
      response.write(Buffer.alloc(64 * 1024, 'a'));
      setTimeout(() => response.socket?.destroy(), 50);
    };
    const opened = await storage.openRead('s3://some-bucket/input.csv');
    expect(opened.size).toBe(1024 * 1024);
    const error = await rejectionOf(readAll(opened.stream));
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(isTransientStorageError(error)).toBe(true);
  });
});
