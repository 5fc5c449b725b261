import { NestFactory } from '@nestjs/core';
import { AppConfig, ConfigError, loadConfig } from '@validahub/config';
import type { Plan } from '@validahub/jobs-domain';
import { WorkerRuntimeModule } from './nest/worker-runtime.module';
import { WorkerRuntime } from './runtime/worker-runtime';

export interface BootstrapWorkerOptions {
  /** The tier this app serves; WORKER_PLANS, when set, replaces it (e.g. one process for every queue). */
  plans: readonly Plan[];
}

/** Plans a process serves: WORKER_PLANS when set, else the app's own tier. */
export function resolvePlans(appPlans: readonly Plan[], config: AppConfig): readonly Plan[] {
  return config.worker.plans.length ? config.worker.plans : appPlans;
}

/** Entry point of every worker app: config, Nest context, shutdown hooks; exits 1 on a start-up failure. */
export async function bootstrapWorker(options: BootstrapWorkerOptions): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const plans = resolvePlans(options.plans, config);
  try {
    // Creating the context initialises it: the runtime has started (or thrown) when this returns.
    const app = await NestFactory.createApplicationContext(WorkerRuntimeModule.forRoot({ config, plans }), { logger: ['error', 'warn'] });
    app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
    app.get(WorkerRuntime).logger.info('worker ready');
  } catch (error) {
    process.stderr.write(`worker failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  }
}
