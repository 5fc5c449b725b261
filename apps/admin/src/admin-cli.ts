import { Command, CommanderError } from 'commander';
import { type Env, loadConfig } from '@validahub/config';
import { LIMIT_OVERRIDE_KEYS, TenancyAdminError, toCreatedKeyView, toKeyView, toTenantView, type TenantAdmin } from '@validahub/tenancy';
import { AdminContext, openAdminContext } from './admin-context';
import { AdminOutput, CliStreams, EXIT_CODES } from './admin-output';

const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

type Run = (admin: TenantAdmin, out: AdminOutput) => Promise<void>;

/**
 * `running_at_once=4` sets an override, `running_at_once=plan` removes it. Values are passed on
 * as numbers when they look like one: TenantAdmin judges them, as it does the HTTP route's.
 */
function limitAssignments(assignments: readonly string[]): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const assignment of assignments) {
    const [key, value, ...rest] = assignment.split('=');
    if (value === undefined || rest.length) throw TenancyAdminError.invalid('limits', `"${assignment}" is not limit=value`);
    changes[key.trim()] = value === 'plan' ? null : /^\d+$/.test(value) ? Number(value) : value;
  }
  return changes;
}

/**
 * `npm run admin -- <tenants|keys> <command> ...`: parses argv, runs one command against the
 * gateway's database, prints the result (a table, or exactly one JSON object with --json).
 * Resolves to the exit code: 0 done, 1 refused (invalid, not found, name taken), 2 usage or setup.
 */
export async function runAdminCli(argv: readonly string[], streams: CliStreams, env: Env): Promise<number> {
  let exitCode: number = EXIT_CODES.ok;
  let context: AdminContext | undefined;
  const program = new Command()
    .name('npm run admin --')
    .description('Manage ValidaHub tenants and API keys (the gateway database and Redis from the usual environment).')
    .exitOverride()
    .configureOutput({ writeOut: (text) => void streams.stdout.write(text), writeErr: (text) => void streams.stderr.write(text) })
    .showHelpAfterError('(run with --help for usage)');

  /** Adds --json to a leaf command and runs it with an open context. */
  const leaf = (command: Command, run: (args: unknown[], out: AdminOutput) => Run) =>
    command.option('--json', 'print exactly one JSON object on stdout').action(async (...args: unknown[]) => {
      const options = args.at(-2) as { json?: boolean };
      const out = new AdminOutput(streams, Boolean(options.json));
      try {
        const config = loadConfig(env);
        context = await openAdminContext(config, (warning) => void streams.stderr.write(`${warning}\n`));
        await run(args, out)(context.admin, out);
      } catch (error) {
        exitCode = out.failure(error);
      }
    });

  const tenants = program.command('tenants').description('tenants: create, list, show, set-plan, suspend, resume, set-buckets, set-limits');
  leaf(
    tenants
      .command('create')
      .description('create a tenant')
      .requiredOption('--name <name>', 'unique name: 1-64 of a-z 0-9 _ -')
      .option('--plan <plan>', 'free, pro, business or enterprise', 'free')
      .option('--allowed-buckets <a,b>', 'buckets its jobs may read s3:// inputs from (each in S3_ALLOWED_BUCKETS)', list),
    ([options]) =>
      async (admin, out) => {
        const { name, plan, allowedBuckets } = options as { name: string; plan: string; allowedBuckets?: string[] };
        out.tenant(toTenantView(await admin.createTenant({ name, plan, allowedBuckets })));
      },
  );
  leaf(tenants.command('list').description('list every tenant'), () => async (admin, out) => {
    out.tenants((await admin.listTenants()).map(toTenantView));
  });
  leaf(tenants.command('show').description('one tenant').argument('<tenant>', 'id or name'), ([ref]) => async (admin, out) => {
    out.tenant(toTenantView(await admin.showTenant(ref as string)));
  });
  leaf(
    tenants.command('set-plan').description("change a tenant's plan (next request)").argument('<tenant>', 'id or name').argument('<plan>'),
    ([ref, plan]) =>
      async (admin, out) =>
        out.tenant(toTenantView(await admin.updateTenant(ref as string, { plan }))),
  );
  leaf(
    tenants.command('suspend').description('refuse every key of the tenant (403 tenant-suspended)').argument('<tenant>', 'id or name'),
    ([ref]) =>
      async (admin, out) =>
        out.tenant(toTenantView(await admin.updateTenant(ref as string, { status: 'suspended' }))),
  );
  leaf(
    tenants.command('resume').description('serve a suspended tenant again').argument('<tenant>', 'id or name'),
    ([ref]) =>
      async (admin, out) =>
        out.tenant(toTenantView(await admin.updateTenant(ref as string, { status: 'active' }))),
  );
  leaf(
    tenants
      .command('set-buckets')
      .description('buckets its jobs may read ("" for none)')
      .argument('<tenant>', 'id or name')
      .argument('<buckets>', 'a,b'),
    ([ref, buckets]) =>
      async (admin, out) =>
        out.tenant(toTenantView(await admin.updateTenant(ref as string, { allowedBuckets: list(buckets as string) }))),
  );

  leaf(
    tenants
      .command('set-limits')
      .description(`override limits of its plan (next request): ${LIMIT_OVERRIDE_KEYS.join(', ')}`)
      .argument('<tenant>', 'id or name')
      .argument('<limit=value...>', 'e.g. running_at_once=4 upload_bytes=plan ("plan": back to the plan\'s value)'),
    ([ref, assignments]) =>
      async (admin, out) =>
        out.tenant(toTenantView(await admin.setLimitOverrides(ref as string, limitAssignments(assignments as string[])))),
  );

  const keys = program.command('keys').description('API keys: create, list, revoke');
  leaf(
    keys
      .command('create')
      .description('create a key; it is shown once')
      .requiredOption('--tenant <tenant>', 'id or name')
      .option('--scopes <a,b>', 'default: every scope but admin', list)
      .option('--expires-in <duration>', 'e.g. 90d, 12h, 2w (default: never)')
      .option('--admin', 'an admin key: manages tenants, sees no jobs'),
    ([options]) =>
      async (admin, out) => {
        const { tenant, scopes, expiresIn, admin: isAdmin } = options as { tenant: string; scopes?: string[]; expiresIn?: string; admin?: boolean };
        const { record, key } = await admin.createKey(tenant, { scopes, expiresIn, admin: isAdmin });
        out.createdKey(toCreatedKeyView(record, key));
      },
  );
  leaf(
    keys.command('list').description("a tenant's keys (never the keys themselves)").requiredOption('--tenant <tenant>', 'id or name'),
    ([options]) =>
      async (admin, out) =>
        out.keys((await admin.listKeys((options as { tenant: string }).tenant)).map(toKeyView)),
  );
  leaf(
    keys.command('revoke').description('revoke a key (every gateway refuses it within 5 s)').argument('<key>', 'key id or its vh_ prefix'),
    ([ref]) =>
      async (admin, out) =>
        out.key(toKeyView(await admin.revokeKey(ref as string))),
  );

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    // Commander has printed its message (or the help); --help exits with 0.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    throw error;
  } finally {
    await context?.close();
  }
}
