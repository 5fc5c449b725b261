/**
 * Test-only: which conformance spec checks which operation. Every operation of the served
 * document belongs to exactly one list (the main conformance spec asserts it), so a new route
 * fails until some spec owns it and exercises its statuses.
 */
export const CONFORMANCE_OWNERS = {
  'openapi-conformance.integration-spec.ts': [
    'createJob',
    'createJobsBatch',
    'listJobs',
    'getJob',
    'getJobResult',
    'getJobResultContent',
    'getJobEvents',
    'cancelJob',
    'uploadFile',
    'getLiveness',
    'getReadiness',
    'createTenant',
    'listTenants',
    'getTenant',
    'updateTenant',
    'updateTenantLimits',
    'createApiKey',
    'listApiKeys',
    'revokeApiKey',
  ],
  'openapi-conformance-push.integration-spec.ts': [
    'createWebhook',
    'listWebhooks',
    'getWebhook',
    'updateWebhook',
    'deleteWebhook',
    'rotateWebhookSecret',
    'testWebhook',
    'listWebhookDeliveries',
    'redeliverWebhook',
    'createSchedule',
    'listSchedules',
    'getSchedule',
    'updateSchedule',
    'deleteSchedule',
    'listScheduleRuns',
    'streamJob',
  ],
  'openapi-conformance-composition.integration-spec.ts': [
    'retryJob',
    'createTemplate',
    'listTemplates',
    'getTemplate',
    'deleteTemplate',
    'getTemplateVersion',
    'createWorkflow',
    'listWorkflows',
    'getWorkflow',
    'cancelWorkflow',
  ],
} as const satisfies Record<string, readonly string[]>;

export type ConformanceSpec = keyof typeof CONFORMANCE_OWNERS;

/** Operations of the document owned by no spec or by more than one, and owned ones the document lacks. */
export function ownershipProblems(documentedIds: Iterable<string>): string[] {
  const documented = new Set(documentedIds);
  const owners = new Map<string, string[]>();
  for (const [spec, ids] of Object.entries(CONFORMANCE_OWNERS)) for (const id of ids) owners.set(id, [...(owners.get(id) ?? []), spec]);
  return [
    ...[...documented]
      .filter((id) => (owners.get(id)?.length ?? 0) !== 1)
      .map((id) => `${id} is owned by ${owners.get(id)?.join(', ') || 'no spec'}`),
    ...[...owners.keys()].filter((id) => !documented.has(id)).map((id) => `${id} is owned but not in the document`),
  ];
}
