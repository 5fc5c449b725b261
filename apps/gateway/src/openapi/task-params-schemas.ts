import type { OpenAPIObject } from '@nestjs/swagger';
import type { TaskDefinition, TaskRegistry } from '@validahub/jobs-domain';

type SchemaMap = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>;

/** `validate_csv_job` -> `ValidateCsvJob`: the stem of the task's schema names. */
export function schemaStem(taskName: string): string {
  return taskName
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** Tasks a client can submit here: available, with params (reserved names have none). */
function submittable(registry: TaskRegistry): { name: string; description: string; params: NonNullable<TaskDefinition['params']> }[] {
  return registry.runnable().flatMap((task) => (task.params ? [{ name: task.name, description: task.description, params: task.params }] : []));
}

/**
 * The create body as a `oneOf` discriminated by `task`: one variant per task, whose `params`
 * is that task's own JSON Schema (from its definition, so the document cannot drift from what
 * the gateway accepts). `base` is the generic body the DTO describes (priority, plan, ...).
 */
export function taskRequestSchemas(registry: TaskRegistry, base: Record<string, unknown>): SchemaMap {
  const schemas: SchemaMap = {};
  const baseProperties = { ...((base.properties as Record<string, unknown>) ?? {}) };
  delete baseProperties.task;
  delete baseProperties.params;
  delete baseProperties.template;
  const mapping: Record<string, string> = {};
  for (const task of submittable(registry)) {
    const stem = schemaStem(task.name);
    // A JSON copy: the schema's readonly enums become plain arrays, as the document's types want.
    schemas[`${stem}Params`] = { ...JSON.parse(JSON.stringify(task.params.toJsonSchema())), description: `params of ${task.name}.` };
    schemas[`Create${stem}Request`] = {
      type: 'object',
      description: task.description,
      required: ['task', 'params'],
      additionalProperties: false,
      properties: {
        task: { type: 'string', enum: [task.name], description: 'The task to run.' },
        params: { $ref: `#/components/schemas/${stem}Params` },
        ...baseProperties,
      },
    };
    mapping[task.name] = `#/components/schemas/Create${stem}Request`;
  }
  schemas.CreateJobFromTemplateRequest = {
    type: 'object',
    description: 'A job made from a template: its params with `params` merged on top, checked as a whole like any create.',
    required: ['template'],
    additionalProperties: false,
    properties: {
      template: { type: 'string', description: '`name` (the latest version) or `name@<version>`.', example: 'ml-electronics-fix@2' },
      params: { type: 'object', additionalProperties: true, description: 'Overrides of the template’s params.' },
      ...baseProperties,
    },
  };
  // No discriminator: the template variant has no `task`; `additionalProperties: false` keeps the variants apart.
  schemas.CreateJobRequest = {
    description: 'A job to create: `task` picks the variant, and with it what `params` accepts; or a `template`.',
    oneOf: [...Object.values(mapping), '#/components/schemas/CreateJobFromTemplateRequest'].map(($ref) => ({ $ref })),
  };
  return schemas;
}
