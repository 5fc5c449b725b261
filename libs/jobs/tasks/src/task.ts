import { reservedTaskDefinition, TaskDefinition, taskDefinition, TaskDefinitionSpec } from '@validahub/jobs-domain';
import type { OutboundClientOptions } from '@validahub/outbound-http';
import type { ObjectStorage } from '@validahub/storage';
import { TaskHandler } from './task-handler';

/** What a worker gives every task's handler factory. */
export interface TaskDeps {
  storage: ObjectStorage;
  /** Where results go (config.storage.resultsUri). */
  resultsUri: string;
  /** Cap on detailed issues kept in a CSV report (counts stay exact). */
  maxIssues?: number;
  /** MAX_UPLOAD_BYTES: the default and ceiling of what a feed sync may store (default 1 GiB). */
  maxUploadBytes?: number;
  /** How tasks reach tenant-chosen URLs (feed syncs); default: public https targets only. */
  outbound?: OutboundClientOptions;
  /** How long a feed source may send nothing (contract: 60 s); tests shorten it. */
  syncIdleTimeoutMs?: number;
  /** Widest CSV header accepted (config.taskLimits.maxColumns; the engine's default when absent). */
  maxColumns?: number;
}

/** One task: its definition (the gateway checks requests with it) and how a worker builds its handler. */
export interface Task {
  readonly definition: TaskDefinition;
  /** Null for reserved tasks, which no worker runs. */
  readonly createHandler: ((deps: TaskDeps) => TaskHandler) | null;
}

export interface TaskSpec<P> extends TaskDefinitionSpec<P> {
  /** Builds the task's handler; its `ctx.params` has the type the `params` schema gives. */
  handler(deps: TaskDeps): TaskHandler<P>;
}

export function defineTask<P>(spec: TaskSpec<P>): Task {
  const { handler, ...definition } = spec;
  // The runtime parses params with this same definition before calling the handler.
  return { definition: taskDefinition(definition), createHandler: (deps) => handler(deps) as TaskHandler };
}

/** A task name the contract reserves for a later release: accepted nowhere, answered with "not available". */
export function reservedTask(spec: { name: string; description: string }): Task {
  return { definition: reservedTaskDefinition(spec), createHandler: null };
}
