import { loadConfig } from '@validahub/config';
import { crashIfTestHookDue } from './crash-after-insert';

describe('crash-after-insert test hook', () => {
  const exit = jest.fn((code: number): never => {
    throw new Error(`exit ${code}`);
  });
  afterEach(() => exit.mockClear());

  it('never fires in a normal configuration', () => {
    const config = loadConfig({});
    for (let i = 0; i < 5; i += 1) crashIfTestHookDue(config, exit);
    expect(exit).not.toHaveBeenCalled();
  });

  it('exits with 137 at the n-th insert', () => {
    const config = loadConfig({ TEST_CRASH_AFTER_INSERT: '3', ENABLE_TEST_TASKS: 'true' });
    crashIfTestHookDue(config, exit);
    crashIfTestHookDue(config, exit);
    expect(exit).not.toHaveBeenCalled();
    expect(() => crashIfTestHookDue(config, exit)).toThrow('exit 137');
  });
});
