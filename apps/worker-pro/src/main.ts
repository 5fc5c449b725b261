import 'reflect-metadata';
import { bootstrapWorker } from '@validahub/worker-runtime';

// Serves the pro queue through its @nestjs/bullmq processor (WORKER_PLANS, when set, replaces it: see the worker-runtime README).
void bootstrapWorker({ plan: 'pro' });
