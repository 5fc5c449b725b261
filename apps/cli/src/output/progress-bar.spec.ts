import { PassThrough } from 'node:stream';
import { DelayedProgressBar } from './progress-bar';

function terminal(
  isTTY: boolean,
): PassThrough & { isTTY: boolean; columns: number; cursorTo: () => boolean; clearLine: () => boolean; moveCursor: () => boolean } {
  return Object.assign(new PassThrough(), { isTTY, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
}

describe('DelayedProgressBar', () => {
  afterEach(() => jest.useRealTimers());

  it('stays silent for a quick run, then shows rows and megabytes once the run takes a while', () => {
    jest.useFakeTimers({ now: 0 });
    const stream = terminal(true);
    let written = '';
    stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const bar = new DelayedProgressBar(stream, 10 * 1024 * 1024, true);
    bar.update(1024, 10);
    expect(written).toBe('');
    jest.setSystemTime(5_000);
    bar.update(5 * 1024 * 1024, 12_345);
    bar.stop();
    expect(written).toContain('12,345 rows');
    expect(written).toContain('5.0/10.0 MB');
  });

  it('never draws when stderr is not a terminal, or when turned off', () => {
    jest.useFakeTimers({ now: 0 });
    for (const [isTTY, wanted] of [
      [false, true],
      [true, false],
    ] as const) {
      const stream = terminal(isTTY);
      let written = '';
      stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
      const bar = new DelayedProgressBar(stream, 1000, wanted);
      jest.setSystemTime(Date.now() + 10_000);
      bar.update(500, 5);
      bar.stop();
      expect(written).toBe('');
    }
  });
});
