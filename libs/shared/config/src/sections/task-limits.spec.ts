import { ConfigError, loadConfig, taskMemoryMb } from '../index';

describe('task limits config', () => {
  it('defaults to a 256 MiB heap per attempt and the engine default of 2,000 columns', () => {
    expect(loadConfig({}).taskLimits).toEqual({ memoryMb: 256, memoryMbByPlan: {}, memoryMbByTask: {}, maxColumns: 2_000 });
  });

  it('reads per-plan and per-task heap caps; the task wins over the plan, the plan over the default', () => {
    const { taskLimits } = loadConfig({
      TASK_MEMORY_MB: '300',
      TASK_MEMORY_MB_FREE: '128',
      TASK_MEMORY_MB_ENTERPRISE: '1024',
      TASK_MEMORY_MB_CORRECT_CSV_JOB: '512',
      MAX_COLUMNS: '500',
    });
    expect(taskLimits).toEqual({
      memoryMb: 300,
      memoryMbByPlan: { free: 128, enterprise: 1024 },
      memoryMbByTask: { correct_csv_job: 512 },
      maxColumns: 500,
    });
    expect(taskMemoryMb(taskLimits, 'free', 'correct_csv_job')).toBe(512);
    expect(taskMemoryMb(taskLimits, 'free', 'validate_csv_job')).toBe(128);
    expect(taskMemoryMb(taskLimits, 'pro', 'validate_csv_job')).toBe(300);
  });

  it('names every bad variable: too small, not a number, a suffix that is neither plan nor task, MAX_COLUMNS 0', () => {
    let error: unknown;
    try {
      loadConfig({ TASK_MEMORY_MB: '16', TASK_MEMORY_MB_PRO: 'lots', 'TASK_MEMORY_MB_sleep-job': '128', MAX_COLUMNS: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        'TASK_MEMORY_MB must be >= 64, got 16',
        'TASK_MEMORY_MB_PRO must be a whole number, got "lots"',
        expect.stringMatching(/^TASK_MEMORY_MB_sleep-job names neither a plan .* nor a task/),
        'MAX_COLUMNS must be >= 1, got 0',
      ]),
    );
  });

  it('ignores empty per-plan or per-task variables', () => {
    expect(loadConfig({ TASK_MEMORY_MB_FREE: ' ', TASK_MEMORY_MB_NOOP_JOB: '' }).taskLimits.memoryMbByPlan).toEqual({});
  });
});
