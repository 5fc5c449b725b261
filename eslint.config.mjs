import nx from '@nx/eslint-plugin';

// Layering: apps compose features; features wire data-access and domain; domain is pure.
// Scopes: a bounded context may use itself and shared; the few cross-context uses are listed.
// Runtime: what runs in a worker process never reaches a library that needs database credentials
// (workers hold none: they report through job events and the gateway writes Postgres). The rule
// follows dependencies transitively, and its message names both tags, which say why.
const nestAndIo = ['@nestjs/*', 'typeorm', 'pg', 'ioredis', 'bullmq', '@aws-sdk/*', 'fastify', '@fastify/*'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/node_modules', '**/dist', 'tmp', '.nx', 'coverage', 'libs/jobs/client/src/generated'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // First, so a worker importing persistence is told this rather than a scope or layer rule.
            { sourceTag: 'runs-in:worker', notDependOnLibsWithTags: ['needs:database-credentials'] },

            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:util'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:util'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:domain', 'type:util'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: nestAndIo },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            // System tests drive real processes; they may use any library's public API.
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:util'] },

            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:csv', onlyDependOnLibsWithTags: ['scope:csv'] },
            { sourceTag: 'scope:storage', onlyDependOnLibsWithTags: ['scope:storage', 'scope:shared'] },
            { sourceTag: 'scope:idempotency', onlyDependOnLibsWithTags: ['scope:idempotency', 'scope:shared'] },
            { sourceTag: 'scope:outbound-http', onlyDependOnLibsWithTags: ['scope:outbound-http', 'scope:shared'] },
            {
              sourceTag: 'scope:jobs',
              onlyDependOnLibsWithTags: ['scope:jobs', 'scope:csv', 'scope:storage', 'scope:idempotency', 'scope:outbound-http', 'scope:shared'],
            },
            { sourceTag: 'scope:tenancy', onlyDependOnLibsWithTags: ['scope:tenancy', 'scope:jobs', 'scope:storage', 'scope:shared'] },
            {
              sourceTag: 'scope:gateway',
              onlyDependOnLibsWithTags: ['scope:jobs', 'scope:storage', 'scope:idempotency', 'scope:tenancy', 'scope:outbound-http', 'scope:shared'],
            },
            { sourceTag: 'scope:admin', onlyDependOnLibsWithTags: ['scope:tenancy', 'scope:jobs', 'scope:storage', 'scope:shared'] },
            { sourceTag: 'scope:workers', onlyDependOnLibsWithTags: ['scope:jobs', 'scope:shared'] },
            // The typed HTTP client stands alone: it is what outsiders (CLI, web page, tests) call the API with.
            { sourceTag: 'scope:client', onlyDependOnLibsWithTags: ['scope:client'] },
            { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:csv', 'scope:client', 'scope:shared'] },
            // The page itself bundles only the client (build.mjs); its browser tests use the shared test helpers.
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:client', 'scope:shared'] },
            {
              sourceTag: 'scope:e2e',
              onlyDependOnLibsWithTags: [
                'scope:jobs',
                'scope:storage',
                'scope:idempotency',
                'scope:tenancy',
                'scope:csv',
                'scope:client',
                'scope:outbound-http',
                'scope:shared',
              ],
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.e2e-spec.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
