import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { PLAN_SETTINGS, PLANS } from '@validahub/jobs-domain';

/**
 * The deployment files are data no engine checks for us here (no cluster, no Docker engine), so
 * these tests render them with the real tools (`kubectl kustomize`, `promtool`, `docker-compose`,
 * installed from apt by .ci/run) and hold the output to the design: one worker Deployment per plan
 * with the tier's concurrency, scaled by KEDA on queue depth, database credentials on the gateway
 * only, locked-down pods, probes on the health routes, pinned image tags.
 */
const root = join(__dirname, '..', '..');
/** How the image starts a worker (see the file's `why`): every deployment file must agree. */
const WORKER_NODE_FLAGS: string[] = JSON.parse(readFileSync(join(root, 'tools', 'build', 'worker-node-flags.json'), 'utf8')).flags;
// Manifests are loosely typed YAML; the tests assert the shape they rely on.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Doc = {
  kind: string;
  apiVersion: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: any;
  data?: any;
};
/* eslint-enable @typescript-eslint/no-explicit-any */

const render = (overlay: string): Doc[] =>
  parseAllDocuments(execFileSync('kubectl', ['kustomize', join(root, 'k8s', 'overlays', overlay)], { encoding: 'utf8' })).map(
    (d) => d.toJSON() as Doc,
  );
const OVERLAYS = { dev: render('dev'), prod: render('prod') };
const find = (docs: Doc[], kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const podSpec = (doc: Doc): any => doc.spec.template.spec;

describe.each(Object.entries(OVERLAYS))('kubernetes manifests, %s overlay', (overlay, docs) => {
  const workloads = docs.filter((d) => d.kind === 'Deployment' || d.kind === 'Job');

  it('puts everything in one namespace and pins a release tag on every image', () => {
    const namespace = docs.find((d) => d.kind === 'Namespace')!.metadata.name;
    expect(docs.filter((d) => d.kind !== 'Namespace').every((d) => d.metadata.namespace === namespace)).toBe(true);
    const images = workloads.flatMap((w) => podSpec(w).containers.map((c: { image: string }) => c.image));
    expect(images).toHaveLength(6);
    for (const image of images) expect(image).toMatch(overlay === 'prod' ? /^ghcr\.io\/validahub\/validahub-jobs:\d+\.\d+\.\d+$/ : /:[\w.-]+-dev$/);
    expect(images.join(' ')).not.toMatch(/:latest\b/);
  });

  it('runs every pod non-root, read-only, without privilege escalation or capabilities, /tmp writable', () => {
    for (const workload of workloads) {
      const spec = podSpec(workload);
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
      expect(spec.automountServiceAccountToken).toBe(false);
      for (const container of spec.containers) {
        expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        expect(container.resources.requests).toHaveProperty('memory');
        expect(container.resources.limits).toHaveProperty('memory');
        if (workload.kind === 'Deployment') {
          // The sandbox and uploads write temporary files: /tmp is an emptyDir on a read-only root.
          const mount = container.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/tmp');
          expect(spec.volumes.find((v: { name: string }) => v.name === mount.name).emptyDir).toBeDefined();
        }
      }
    }
  });

  it.each(PLANS)('runs the %s tier from its built bundle with the tier concurrency, probes and no database secret', (plan) => {
    const deployment = find(docs, 'Deployment', `worker-${plan}`)!;
    const container = podSpec(deployment).containers[0];
    expect(container.args).toEqual([...WORKER_NODE_FLAGS, `dist/apps/worker-${plan}/main.js`]);
    expect(container.env).toContainEqual({ name: 'WORKER_CONCURRENCY', value: String(PLAN_SETTINGS[plan].defaultConcurrency) });
    expect(container.env).toContainEqual({ name: 'WORKER_HTTP_PORT', value: '9464' });
    expect(container.ports).toEqual([{ name: 'metrics', containerPort: 9464 }]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'metrics' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'metrics' });
    expect(JSON.stringify(container)).not.toContain('validahub-gateway-db');
    expect(JSON.stringify(container)).not.toContain('DATABASE_URL');
    expect(container.envFrom).toContainEqual({ secretRef: { name: 'validahub-payload-signing' } });
    expect(podSpec(deployment).terminationGracePeriodSeconds).toBeGreaterThan(30);
    expect(find(docs, 'PodDisruptionBudget', `worker-${plan}`)?.spec.selector).toEqual(deployment.spec.selector);
  });

  it.each(PLANS)('scales the %s tier with KEDA on ready + prioritized + running jobs, not CPU', (plan) => {
    const scaled = find(docs, 'ScaledObject', `worker-${plan}`)!;
    expect(scaled.apiVersion).toBe('keda.sh/v1alpha1');
    expect(scaled.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: `worker-${plan}` });
    expect(scaled.spec.maxReplicaCount).toBeGreaterThanOrEqual(scaled.spec.minReplicaCount);
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    const [trigger] = scaled.spec.triggers;
    expect(trigger.type).toBe('prometheus');
    expect(trigger.metadata.query).toContain(`validahub_queue_jobs{plan="${plan}",state=~"waiting|prioritized|active"}`);
    expect(Number(trigger.metadata.threshold)).toBe(2 * PLAN_SETTINGS[plan].defaultConcurrency);
    // KEDA owns the worker HPA: a second HPA on the same Deployment would fight it.
    expect(find(docs, 'HorizontalPodAutoscaler', `worker-${plan}`)).toBeUndefined();
  });

  it('gives the gateway and the migration Job the database secret, the gateway probes, a PDB and a CPU HPA', () => {
    const gateway = podSpec(find(docs, 'Deployment', 'gateway')!).containers[0];
    expect(gateway.args).toEqual(['dist/apps/gateway/main.js']);
    expect(gateway.envFrom).toContainEqual({ secretRef: { name: 'validahub-gateway-db' } });
    expect(gateway.env).toContainEqual({ name: 'MIGRATIONS_RUN', value: 'false' });
    expect(gateway.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(gateway.livenessProbe.httpGet.path).toBe('/health/live');
    expect(find(docs, 'PodDisruptionBudget', 'gateway')).toBeDefined();
    expect(find(docs, 'HorizontalPodAutoscaler', 'gateway')!.spec.metrics[0].resource.name).toBe('cpu');
    const migrate = find(docs, 'Job', 'validahub-migrate')!;
    expect(podSpec(migrate).containers[0].args).toEqual(['dist/apps/gateway/migrate.js']);
    expect(podSpec(migrate).containers[0].envFrom).toContainEqual({ secretRef: { name: 'validahub-gateway-db' } });
    expect(podSpec(migrate).restartPolicy).toBe('OnFailure');
  });

  it('lets only the gateway and the migration Job reach Postgres, and workers reach nothing on 5432', () => {
    const policies = docs.filter((d) => d.kind === 'NetworkPolicy');
    expect(find(docs, 'NetworkPolicy', 'default-deny-ingress')!.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
    const postgres = find(docs, 'NetworkPolicy', 'postgres-from-gateway-only')!.spec;
    expect(postgres.ingress[0].from.map((f: { podSelector: { matchLabels: object } }) => f.podSelector.matchLabels)).toEqual([
      { 'app.kubernetes.io/name': 'gateway' },
      { 'app.kubernetes.io/name': 'validahub-migrate' },
    ]);
    const egress = find(docs, 'NetworkPolicy', 'worker-egress')!.spec;
    expect(egress.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/component': 'worker' });
    const ports = egress.egress.flatMap((rule: { ports: { port: number }[] }) => rule.ports.map((p) => p.port));
    expect(ports).not.toContain(5432);
    expect(ports).toEqual(expect.arrayContaining([53, 6379, 443]));
    // Every worker Deployment carries the label the egress policy selects.
    for (const plan of PLANS) {
      expect(find(docs, 'Deployment', `worker-${plan}`)!.spec.template.metadata.labels).toMatchObject({ 'app.kubernetes.io/component': 'worker' });
    }
    expect(policies.length).toBeGreaterThanOrEqual(5);
  });

  it('ships the alert rules and the Grafana dashboard on the exported series', () => {
    const rules = find(docs, 'PrometheusRule', 'validahub-jobs')!;
    const alerts = rules.spec.groups.flatMap((g: { rules: { alert: string; expr: string }[] }) => g.rules);
    const exprs = alerts.map((a: { expr: string }) => a.expr).join('\n');
    for (const series of [
      'validahub_job_queue_wait_seconds_bucket',
      'validahub_job_run_seconds_count',
      'validahub_events_dead_lettered_total',
      'job_event_apply_lag_seconds_bucket',
      'job_reconciler_actions_total',
    ]) {
      expect(exprs).toContain(series);
    }
    for (const plan of PLANS) expect(exprs).toContain(`validahub_job_queue_wait_seconds_bucket{plan="${plan}"}`);
    const dashboard = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.labels?.grafana_dashboard === '1')!;
    const json = JSON.parse(dashboard.data['grafana-dashboard.json']) as { panels: { targets: { expr: string }[] }[] };
    expect(json.panels.length).toBeGreaterThanOrEqual(8);
    expect(json.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n')).toContain('validahub_queue_jobs');
  });
});

describe('alert rules', () => {
  it('pass `promtool check rules`', () => {
    const rules = OVERLAYS.prod.find((d) => d.kind === 'PrometheusRule')!;
    const dir = mkdtempSync(join(tmpdir(), 'validahub-rules-'));
    try {
      writeFileSync(join(dir, 'rules.yaml'), stringify(rules.spec));
      const out = execFileSync('promtool', ['check', 'rules', join(dir, 'rules.yaml')], { encoding: 'utf8' });
      expect(out).toMatch(/SUCCESS: \d+ rules found/);
      // The check is real: a broken expression fails it.
      const broken = { groups: [{ name: 'x', rules: [{ alert: 'Broken', expr: 'sum by (plan (validahub_queue_jobs)' }] }] };
      writeFileSync(join(dir, 'broken.yaml'), stringify(broken));
      expect(() => execFileSync('promtool', ['check', 'rules', join(dir, 'broken.yaml')], { stdio: 'pipe' })).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('production settings', () => {
  const docs = OVERLAYS.prod;
  const config = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'validahub-jobs-config')!.data as Record<string, string>;
  const secret = (name: string) =>
    (docs.find((d) => d.kind === 'Secret' && d.metadata.name === name) as unknown as { stringData: Record<string, string> }).stringData;

  it('runs with API keys required and no bucket allowed beyond the results bucket', () => {
    expect(config).toMatchObject({ NODE_ENV: 'production', AUTH_MODE: 'required' });
    expect(config.S3_ALLOWED_BUCKETS).toBeUndefined();
  });

  it('keeps the API key secret with the gateway and the payload signing secret shared with the workers', () => {
    expect(Object.keys(secret('validahub-gateway-db'))).toEqual(expect.arrayContaining(['DATABASE_URL', 'API_KEY_HMAC_SECRET', 'METRICS_TOKEN']));
    expect(Object.keys(secret('validahub-payload-signing'))).toEqual(['PAYLOAD_SIGNING_SECRET']);
    expect(secret('validahub-payload-signing').PAYLOAD_SIGNING_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(secret('validahub-gateway-db').API_KEY_HMAC_SECRET.length).toBeGreaterThanOrEqual(32);
  });
});

describe('docker compose file', () => {
  const compose = parse(readFileSync(join(root, 'docker', 'compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<
      string,
      { command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; build?: { target?: string } }
    >;
  };

  it('passes `docker-compose config`', () => {
    expect(() => execFileSync('docker-compose', ['-f', join(root, 'docker', 'compose.yml'), 'config', '-q'], { stdio: 'pipe' })).not.toThrow();
  });

  it('runs the built apps from the runtime image, migrations once before the gateway', () => {
    for (const plan of PLANS) expect(compose.services[`worker-${plan}`].command).toEqual([...WORKER_NODE_FLAGS, `dist/apps/worker-${plan}/main.js`]);
    expect(compose.services.gateway.command).toEqual(['dist/apps/gateway/main.js']);
    expect(compose.services.gateway.build?.target).toBe('runtime');
    expect(compose.services.migrations.command).toEqual(['dist/apps/gateway/migrate.js']);
    expect(compose.services.gateway.depends_on?.migrations).toEqual({ condition: 'service_completed_successfully' });
    expect(compose.services.gateway.environment?.MIGRATIONS_RUN).toBe('false');
    expect(compose.services.sample.depends_on).toHaveProperty('gateway');
  });

  it('gives workers no database credentials and a health and metrics port', () => {
    for (const plan of PLANS) {
      const env = compose.services[`worker-${plan}`].environment!;
      expect(env).not.toHaveProperty('DATABASE_URL');
      expect(env).not.toHaveProperty('API_KEY_HMAC_SECRET');
      expect(env).toHaveProperty('PAYLOAD_SIGNING_SECRET');
      expect(env.WORKER_HTTP_PORT).toBe('9464');
    }
    expect(compose.services.gateway.environment).toHaveProperty('DATABASE_URL');
  });

  it('runs Redis without eviction and with persistence', () => {
    const redis = compose.services.redis.command!.join(' ');
    expect(redis).toContain('--maxmemory-policy noeviction');
    expect(redis).toContain('--appendonly yes');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'docker', 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));

  it('ships a runtime stage with production dependencies only, non-root, NODE_ENV=production and a HEALTHCHECK', () => {
    expect(runtime).toContain('npm ci --omit=dev');
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
    expect(runtime).toMatch(/^HEALTHCHECK /m);
    expect(runtime).not.toContain('@swc-node/register');
    expect(runtime).toContain('COPY --from=build /src/dist/runtime/dist ./dist');
  });
});
