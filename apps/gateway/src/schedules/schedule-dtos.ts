import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Omittable } from '../http/omittable';
import { MISFIRE_POLICIES, MisfirePolicy, ScheduleRecord, ScheduleRun } from './schedule-records';

// Bodies and answers of /api/v1/schedules. A schedule names its job's `task`, or a `template`
// that ScheduleFirer resolves at each fire through the create path, like `POST /jobs` does.

const toInteger = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);

export class CreateScheduleDto {
  @ApiProperty({ example: 'nightly catalogue check', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ example: '0 3 * * *', description: 'Standard 5-field cron; 6 fields (seconds first) on the enterprise plan.' })
  @IsString()
  @Length(1, 200)
  cron!: string;

  @ApiProperty({ example: 'America/Sao_Paulo', description: 'IANA timezone the cron expression is read in.' })
  @IsString()
  @Length(1, 64)
  timezone!: string;

  @ApiPropertyOptional({ example: 'validate_csv_job', description: 'A registered task name (this or `template`).' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  task?: string;

  @ApiPropertyOptional({
    example: 'nightly-check@2',
    maxLength: 80,
    description: 'A template instead of `task`: `name` (its latest version at each fire) or `name@<version>`; `params` are merged over its params.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 80)
  template?: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { input_uri: 'uploads/feed.csv', marketplace: 'mercado_livre' } })
  @IsObject()
  params!: Record<string, unknown>;

  @ApiPropertyOptional({ minimum: 1, maximum: 10 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  priority?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    enum: MISFIRE_POLICIES,
    default: 'skip',
    description: 'Fires missed while no scheduler ran: none (`skip`) or one (`run_once`).',
  })
  @IsOptional()
  @IsIn(MISFIRE_POLICIES)
  misfire?: MisfirePolicy;
}

export class UpdateScheduleDto {
  @ApiPropertyOptional({ maxLength: 100 }) @Omittable() @IsString() @Length(1, 100) name?: string;
  @ApiPropertyOptional() @Omittable() @IsString() @Length(1, 200) cron?: string;
  @ApiPropertyOptional() @Omittable() @IsString() @Length(1, 64) timezone?: string;
  @ApiPropertyOptional({ description: 'Replaces `template` (the schedule then has none).' }) @Omittable() @IsString() @Length(1, 64) task?: string;
  @ApiPropertyOptional({ maxLength: 80, description: 'Replaces `task` (the schedule then has none).' })
  @Omittable()
  @IsString()
  @Length(1, 80)
  template?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @Omittable() @IsObject() params?: Record<string, unknown>;
  @ApiPropertyOptional({ minimum: 1, maximum: 10 }) @Omittable() @IsInt() @Min(1) @Max(10) priority?: number;
  @ApiPropertyOptional({ description: '`false` pauses; `true` resumes from the next fire after now.' }) @Omittable() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ enum: MISFIRE_POLICIES }) @Omittable() @IsIn(MISFIRE_POLICIES) misfire?: MisfirePolicy;
}

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1_000_000, default: 0 })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}

@ApiSchema({ name: 'Schedule' })
export class ScheduleView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() cron!: string;
  @ApiProperty() timezone!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Null when the schedule fires a template.' }) task!: string | null;
  @ApiProperty({ type: String, nullable: true, description: '`name` or `name@<version>`; null when the schedule names a task.' })
  template!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) params!: Record<string, unknown>;
  @ApiProperty({ type: Number, nullable: true }) priority!: number | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: MISFIRE_POLICIES }) misfire!: MisfirePolicy;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Null while paused.' }) next_run_at!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'The scheduled time of the latest fire.' }) last_run_at!:
    string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

@ApiSchema({ name: 'ScheduleList' })
export class ScheduleListView {
  @ApiProperty({ type: [ScheduleView] }) items!: ScheduleView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

@ApiSchema({ name: 'ScheduleRun' })
export class ScheduleRunView {
  @ApiProperty({ format: 'date-time', description: 'The fire time the job was created for.' }) scheduled_for!: string;
  @ApiProperty({ format: 'uuid' }) job_id!: string;
  @ApiProperty({ example: 'succeeded' }) job_status!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

@ApiSchema({ name: 'ScheduleRunList' })
export class ScheduleRunListView {
  @ApiProperty({ type: [ScheduleRunView] }) items!: ScheduleRunView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toScheduleView(s: ScheduleRecord): ScheduleView {
  return {
    id: s.id,
    name: s.name,
    cron: s.cron,
    timezone: s.timezone,
    task: s.task,
    template: s.template,
    params: s.params,
    priority: s.priority,
    enabled: s.enabled,
    misfire: s.misfire,
    next_run_at: iso(s.nextRunAt),
    last_run_at: iso(s.lastRunAt),
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}

export function toRunView(run: ScheduleRun): ScheduleRunView {
  return { scheduled_for: run.scheduledFor.toISOString(), job_id: run.jobId, job_status: run.jobStatus, created_at: run.createdAt.toISOString() };
}
