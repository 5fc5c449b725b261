import Table from 'cli-table3';
import { ConfigError } from '@validahub/config';
import { ApiKeyView, CreatedKeyView, TenancyAdminError, TenantView } from '@validahub/tenancy';
import { AdminSetupError } from './admin-context';

/** Where the CLI writes: the process's streams, or buffers in tests. */
export interface CliStreams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const EXIT_CODES = {
  ok: 0,
  /** The request was refused: invalid value, no such tenant or key, name taken. */
  refused: 1,
  /** Bad usage, bad configuration, database or Redis unreachable. */
  usage: 2,
} as const;

/** Prints results for people (tables) or, with --json, as exactly one JSON object on stdout. */
export class AdminOutput {
  constructor(
    private readonly streams: CliStreams,
    private readonly json: boolean,
  ) {}

  tenant(tenant: TenantView): void {
    if (this.json) return this.object(tenant);
    const overrides = Object.entries(tenant.limit_overrides).map(([key, value]) => `${key}=${String(value)}`);
    this.table(
      ['id', 'name', 'plan', 'status', 'allowed buckets', 'limit overrides'],
      [[tenant.id, tenant.name, tenant.plan, tenant.status, tenant.allowed_buckets.join(','), overrides.join(',') || '-']],
    );
  }

  tenants(tenants: TenantView[]): void {
    if (this.json) return this.object({ items: tenants });
    this.table(
      ['id', 'name', 'plan', 'status', 'created'],
      tenants.map((t) => [t.id, t.name, t.plan, t.status, t.created_at]),
    );
  }

  createdKey(key: CreatedKeyView): void {
    if (this.json) return this.object(key);
    this.line(`API key (shown only now, store it safely):\n\n  ${key.key}\n`);
    this.table(['id', 'prefix', 'scopes', 'expires'], [[key.id, key.prefix, key.scopes.join(','), key.expires_at ?? 'never']]);
  }

  key(key: ApiKeyView): void {
    this.keys([key], true);
  }

  keys(keys: ApiKeyView[], single = false): void {
    if (this.json) return this.object(single ? keys[0] : { items: keys });
    this.table(
      ['id', 'prefix', 'scopes', 'expires', 'revoked', 'last used'],
      keys.map((k) => [k.id, k.prefix, k.scopes.join(','), k.expires_at ?? 'never', k.revoked_at ?? '', k.last_used_at ?? '']),
    );
  }

  /** Reports a failure (one JSON object with --json, a line on stderr otherwise) and returns the exit code. */
  failure(error: unknown): number {
    const refused = error instanceof TenancyAdminError;
    const known = refused || error instanceof ConfigError || error instanceof AdminSetupError;
    const message = error instanceof Error ? error.message : String(error);
    const kind = refused ? error.kind : error instanceof ConfigError ? 'configuration' : known ? 'setup' : 'failed';
    if (this.json) this.object({ error: { kind, message, ...(refused && error.field ? { field: error.field } : {}) } });
    else this.streams.stderr.write(`error: ${message}\n`);
    return refused ? EXIT_CODES.refused : EXIT_CODES.usage;
  }

  private object(value: unknown): void {
    this.streams.stdout.write(`${JSON.stringify(value)}\n`);
  }

  private line(text: string): void {
    this.streams.stdout.write(`${text}\n`);
  }

  private table(head: string[], rows: string[][]): void {
    const table = new Table({ head, style: { head: [], border: [] } });
    table.push(...rows);
    this.line(table.toString());
  }
}
