export { createGatewayApp, buildOpenApiDocument, type CreateGatewayAppOptions } from './create-gateway-app';
export { JobsApiModule } from './gateway.module';
export { GATEWAY_CONFIG, PRODUCER_REDIS, METRICS_REGISTRY, type GatewayOptions } from './gateway-options';
export { JobsService } from './jobs/jobs.service';
export { Reconciler, type ReconcileReport } from './reconciler/reconciler';
export { EventApplier } from './events/event-applier';
export { GatewayMetrics } from './metrics/gateway-metrics';
export { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE, ProblemException, problems, type ProblemBody, type FieldProblem } from './http/problem';
export { isDependencyDown, DependencyUnavailableError } from './http/dependency-errors';
