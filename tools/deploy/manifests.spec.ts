import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { PLAN_SETTINGS, PLANS } from '@validahub/jobs-domain';

/**
 * The deployment files are data the engine cannot check for us (no Docker engine or cluster
 * here), so these tests hold them to the design: one worker Deployment and HPA per plan, the
 * tier's concurrency, database credentials on the gateway only, probes on the health routes.
 */
const root = join(__dirname, '..', '..');
// Manifests are loosely typed YAML; the tests assert the shape they rely on.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = { kind: string; metadata: { name: string }; spec: Record<string, any> };

const k8sDocs: Doc[] = readdirSync(join(root, 'k8s', 'base'))
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) => parseAllDocuments(readFileSync(join(root, 'k8s', 'base', f), 'utf8')).map((d) => d.toJSON() as Doc));
const find = (kind: string, name: string) => k8sDocs.find((d) => d.kind === kind && d.metadata.name === name);

describe('kubernetes manifests', () => {
  it('lists every manifest file in the kustomization', () => {
    const kustomization = parse(readFileSync(join(root, 'k8s', 'base', 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    const files = readdirSync(join(root, 'k8s', 'base')).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it.each(PLANS)('runs the %s tier as its own Deployment and HPA with the tier concurrency', (plan) => {
    const deployment = find('Deployment', `worker-${plan}`);
    expect(deployment).toBeDefined();
    const container = deployment!.spec.template.spec.containers[0];
    expect(container.args).toEqual([`apps/worker-${plan}/src/main.ts`]);
    expect(container.env).toContainEqual({ name: 'WORKER_CONCURRENCY', value: String(PLAN_SETTINGS[plan].defaultConcurrency) });
    // Workers hold no database credentials (nor the API key secret), only the payload signing secret.
    expect(JSON.stringify(container)).not.toContain('validahub-gateway-db');
    expect(container.envFrom).toContainEqual({ secretRef: { name: 'validahub-payload-signing' } });
    expect(deployment!.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(30);
    const hpa = find('HorizontalPodAutoscaler', `worker-${plan}`);
    expect(hpa?.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: `worker-${plan}` });
    expect(hpa!.spec.maxReplicas).toBeGreaterThanOrEqual(hpa!.spec.minReplicas);
  });

  it('gives the gateway the database secret and health probes', () => {
    const gateway = find('Deployment', 'gateway')!.spec.template.spec.containers[0];
    expect(gateway.envFrom).toContainEqual({ secretRef: { name: 'validahub-gateway-db' } });
    expect(gateway.envFrom).toContainEqual({ secretRef: { name: 'validahub-payload-signing' } });
    expect(gateway.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(gateway.livenessProbe.httpGet.path).toBe('/health/live');
  });
});

describe('production settings', () => {
  const config = k8sDocs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'validahub-jobs-config') as unknown as {
    data: Record<string, string>;
  };
  const secret = (name: string) =>
    (k8sDocs.find((d) => d.kind === 'Secret' && d.metadata.name === name) as unknown as { stringData: Record<string, string> }).stringData;

  it('runs with API keys required and no bucket allowed beyond the results bucket', () => {
    expect(config.data).toMatchObject({ NODE_ENV: 'production', AUTH_MODE: 'required' });
    expect(config.data.S3_ALLOWED_BUCKETS).toBeUndefined();
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
    services: Record<string, { command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, unknown> }>;
  };

  it('starts the gateway, every tier and a one-shot sample job', () => {
    for (const plan of PLANS) expect(compose.services[`worker-${plan}`].command).toEqual([`apps/worker-${plan}/src/main.ts`]);
    expect(compose.services.gateway.command).toEqual(['apps/gateway/src/main.ts']);
    expect(compose.services.sample.depends_on).toHaveProperty('gateway');
  });

  it('runs Redis without eviction and with persistence', () => {
    const redis = compose.services.redis.command!.join(' ');
    expect(redis).toContain('--maxmemory-policy noeviction');
    expect(redis).toContain('--appendonly yes');
  });
});
