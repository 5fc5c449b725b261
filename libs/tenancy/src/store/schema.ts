import { CreateTenancy1767300000100 } from './migrations/1767300000100-create-tenancy';

/** The tenancy tables, run after the jobs tables in the gateway's DataSource (jobs.tenant_id gets its foreign key here). */
export const TENANCY_MIGRATIONS = [CreateTenancy1767300000100];
