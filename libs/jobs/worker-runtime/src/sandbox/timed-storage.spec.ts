import { timedStorage } from './timed-storage';
import type { TimedCall } from './sandbox-protocol';

class FakeStorage {
  readonly resultsUri = 'results/';
  writes: string[] = [];
  async openRead(uri: string) {
    await new Promise((resolve) => setTimeout(resolve, 15));
    return { uri };
  }
  async write(uri: string, body: string) {
    this.writes.push(`${uri}=${body}`);
    return { uri, size: body.length };
  }
  async head(uri: string) {
    throw new Error(`no such object ${uri}`);
  }
  resolve(uri: string) {
    return `tenants/t/${uri}`;
  }
}

describe('timedStorage', () => {
  it('reports each storage call with its span name, uri and wall-clock times, and returns what the call returned', async () => {
    const calls: TimedCall[] = [];
    const storage = timedStorage(new FakeStorage(), (call) => calls.push(call));
    const before = Date.now();
    await expect(storage.openRead('in/feed.csv')).resolves.toEqual({ uri: 'in/feed.csv' });
    await expect(storage.write('out/report.json', '{}')).resolves.toEqual({ uri: 'out/report.json', size: 2 });
    expect(calls.map((c) => [c.name, c.attributes])).toEqual([
      ['storage.read', { 'storage.operation': 'openRead', 'storage.uri': 'in/feed.csv' }],
      ['storage.write', { 'storage.operation': 'write', 'storage.uri': 'out/report.json' }],
    ]);
    const [read] = calls;
    expect(read.startMs).toBeGreaterThanOrEqual(before - 1);
    expect(read.endMs - read.startMs).toBeGreaterThanOrEqual(10);
    expect(read.endMs).toBeLessThanOrEqual(Date.now() + 1);
    expect(calls.every((c) => c.error === undefined)).toBe(true);
  });

  it('reports a failed call with its error and still rejects with it', async () => {
    const calls: TimedCall[] = [];
    const storage = timedStorage(new FakeStorage(), (call) => calls.push(call));
    await expect(storage.head('missing.csv')).rejects.toThrow('no such object missing.csv');
    expect(calls).toEqual([expect.objectContaining({ name: 'storage.head', error: 'Error: no such object missing.csv' })]);
  });

  it('leaves everything that is not a storage call alone (properties, path helpers) and keeps the target as `this`', () => {
    const calls: TimedCall[] = [];
    const target = new FakeStorage();
    const storage = timedStorage(target, (call) => calls.push(call));
    expect(storage.resultsUri).toBe('results/');
    expect(storage.resolve('a.csv')).toBe('tenants/t/a.csv');
    void storage.write('x', 'y');
    expect(target.writes).toEqual(['x=y']);
    expect(calls.filter((c) => c.name !== 'storage.write')).toEqual([]);
  });
});
