import { NestFactory } from '@nestjs/core';
import { AppConfig, ConfigError, loadConfig, readEnvironment } from '@validahub/config';
import type { Plan } from '@validahub/jobs-domain';
import { startTracing } from '@validahub/observability';
import { WorkerLifecycle } from './nest/worker-lifecycle';
import { WorkerRuntimeModule } from './nest/worker-runtime.module';

export interface BootstrapWorkerOptions {
  /** The tier this app serves; WORKER_PLANS, when set, replaces it (e.g. one process for every queue). */
  plan: Plan;
}

/** Plans a process serves: WORKER_PLANS when set, else the app's own tier. */
export function resolvePlans(appPlan: Plan, config: AppConfig): readonly Plan[] {
  return config.worker.plans.length ? config.worker.plans : [appPlan];
}

/** Entry point of every worker app: config, Nest context, shutdown hooks; exits 1 on a start-up failure. */
export async function bootstrapWorker(options: BootstrapWorkerOptions): Promise<void> {
  let config: AppConfig;
  const env = readEnvironment();
  try {
    config = loadConfig(env);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(1);
  }
  try {
    const plans = resolvePlans(options.plan, config);
    // Before the runtime is built: its logger adds trace ids only when tracing started.
    startTracing({ enabled: config.tracing.enabled, serviceName: config.tracing.serviceName || `validahub-worker-${plans.join('-')}`, env });
    const module = WorkerRuntimeModule.forRoot({ config, plans });
    // Creating the context initialises it: the workers are serving (or it threw) when this returns.
    const app = await NestFactory.createApplicationContext(module, { logger: ['error', 'warn'], abortOnError: false });
    app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
    app.get(WorkerLifecycle).logger.info('worker ready');
  } catch (error) {
    process.stderr.write(`worker failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  }
}
