import { PassThrough } from 'node:stream';
import { waitForDrain } from './wait-for-drain';

describe('waitForDrain', () => {
  it('resolves when the stream drains', async () => {
    const stream = new PassThrough({ highWaterMark: 4 });
    expect(stream.write('0123456789')).toBe(false);
    const waiting = waitForDrain(stream, undefined);
    stream.resume();
    await expect(waiting).resolves.toBeUndefined();
  });

  it('rejects at once for a stream destroyed before the wait began (no hang)', async () => {
    const stream = new PassThrough();
    stream.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    await expect(waitForDrain(stream, undefined)).rejects.toThrow(/closed before all rows/);
  });

  it('rejects with the error a stream was destroyed with', async () => {
    const stream = new PassThrough();
    stream.on('error', () => undefined);
    stream.destroy(new Error('upload reset by peer'));
    await new Promise((resolve) => setImmediate(resolve));
    await expect(waitForDrain(stream, undefined)).rejects.toThrow('upload reset by peer');
  });

  it('rejects when the stream closes while waiting', async () => {
    const stream = new PassThrough({ highWaterMark: 4 });
    stream.write('0123456789');
    const waiting = waitForDrain(stream, undefined);
    stream.destroy();
    await expect(waiting).rejects.toThrow(/closed before all rows/);
  });
});
