// Proves the module-boundary rule keeps database access out of worker processes: ESLint, with
// the repository's own config and Nx project graph, is fed imports it must refuse and one it
// must accept.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Linter } from 'eslint';

const root = join(__dirname, '..', '..');
const nxEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

interface GraphProject {
  name: string;
  data: { root: string; tags?: string[] };
}

interface ProjectGraph {
  nodes: Record<string, GraphProject>;
  dependencies: Record<string, { target: string }[]>;
}

/** Computes (and caches, for the lint rule) the project graph, as `nx graph --file` writes it. */
function projectGraph(): ProjectGraph {
  mkdirSync(join(root, 'tmp'), { recursive: true });
  const out = join('tmp', 'lint-boundary-graph.json');
  const result = spawnSync(process.execPath, ['node_modules/nx/dist/bin/nx.js', 'graph', `--file=${out}`], {
    cwd: root,
    env: nxEnv,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`nx graph failed: ${result.stderr}`);
  return (JSON.parse(readFileSync(join(root, out), 'utf8')) as { graph: ProjectGraph }).graph;
}

/** Every project `name` depends on, directly or not. */
function reachableFrom(graph: ProjectGraph, name: string): Set<string> {
  const seen = new Set<string>();
  const next = [name];
  while (next.length) {
    for (const { target } of graph.dependencies[next.pop() as string] ?? []) {
      if (seen.has(target)) continue;
      seen.add(target);
      next.push(target);
    }
  }
  return seen;
}

/** The module-boundary messages ESLint gives each source, linted as if it were the file at its path. */
function boundaryErrors(files: { filePath: string; source: string }[]): Linter.LintMessage[][] {
  const cases = files.map((file) => ({ ...file, filePath: join(root, file.filePath) }));
  const result = spawnSync(process.execPath, ['tools/lint/lint-sources.mjs'], {
    cwd: root,
    env: nxEnv,
    input: JSON.stringify(cases),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`lint-sources failed: ${result.stderr}`);
  const linted = JSON.parse(result.stdout) as { messages: Linter.LintMessage[] }[];
  return linted.map(({ messages }) => messages.filter((message) => message.ruleId === '@nx/enforce-module-boundaries'));
}

const importPersistence = "import { JobRepository } from '@validahub/jobs-persistence';\n\nexport const repository = JobRepository;\n";

describe('workers hold no database credentials (module boundaries)', () => {
  let graph: ProjectGraph;

  beforeAll(() => {
    graph = projectGraph();
  }, 120_000);

  const tagged = (tag: string) => Object.values(graph.nodes).filter((p) => p.data.tags?.includes(tag));
  const workerProjects = () => tagged('runs-in:worker');

  it('tags the worker apps, the worker runtime and the tasks as running in a worker', () => {
    expect(
      workerProjects()
        .map((p) => p.name)
        .sort(),
    ).toEqual(expect.arrayContaining(['jobs-tasks', 'worker-business', 'worker-enterprise', 'worker-free', 'worker-pro', 'worker-runtime']));
  });

  it('has no worker project depending on a library that needs database credentials, even indirectly', () => {
    // The graph must come from the sources (nx.json turns that on), or "no path" would prove nothing.
    expect(reachableFrom(graph, 'gateway').has('jobs-persistence')).toBe(true);
    const needsDatabase = tagged('needs:database-credentials').map((p) => p.name);
    expect(needsDatabase).toEqual(expect.arrayContaining(['jobs-persistence']));
    const reached = workerProjects().map((p) => ({
      project: p.name,
      reaches: needsDatabase.filter((name) => reachableFrom(graph, p.name).has(name)),
    }));
    expect(reached).toEqual(workerProjects().map((p) => ({ project: p.name, reaches: [] })));
  });

  it('refuses jobs-persistence in a worker app, saying why', () => {
    const [errors] = boundaryErrors([{ filePath: 'apps/worker-free/src/uses-database.ts', source: importPersistence }]);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toContain('A project tagged with "runs-in:worker" can not depend on libs tagged with "needs:database-credentials"');
    expect(errors[0].message).toContain('jobs-persistence');
  });

  it('refuses it in every project that runs in a worker', () => {
    const workers = workerProjects();
    const linted = boundaryErrors(workers.map((p) => ({ filePath: `${p.data.root}/src/uses-database.ts`, source: importPersistence })));
    const firstLines = workers.map((project, i) => ({ project: project.name, errors: linted[i].map((e) => e.message.split('\n')[0]) }));
    const expected = workers.map((project) => ({
      project: project.name,
      errors: ['A project tagged with "runs-in:worker" can not depend on libs tagged with "needs:database-credentials"'],
    }));
    expect(firstLines).toEqual(expected);
  }, 60_000);

  it('lets the gateway import it (in the same run that refuses a worker, so the rule is known to be active)', () => {
    const [worker, gateway] = boundaryErrors([
      { filePath: 'apps/worker-pro/src/uses-database.ts', source: importPersistence },
      { filePath: 'apps/gateway/src/uses-database.ts', source: importPersistence },
    ]);
    expect(worker).toHaveLength(1);
    expect(gateway).toEqual([]);
  });
});
