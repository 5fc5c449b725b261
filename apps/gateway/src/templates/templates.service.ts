import { Injectable } from '@nestjs/common';
import { TaskRegistry } from '@validahub/jobs-domain';
import { problems } from '../http/problem';
import { parseTemplateRef } from './template-name';
import { TemplateStore, TemplateVersion } from './template-store';
import { CreateTemplateDto } from './template.dto';

/** What a job, a schedule or a workflow step gets from a template reference. */
export interface ResolvedTemplate {
  template: TemplateVersion;
  /** The template's params with the overrides merged on top (one level: an override replaces a key). */
  params: Record<string, unknown>;
}

/** Creates template versions and resolves `name` / `name@n` references (400 on the given field when there is none). */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly store: TemplateStore,
    private readonly registry: TaskRegistry,
  ) {}

  /**
   * A template may leave out required params (each job gives them), but what it gives must be
   * valid for the task: unknown keys and wrong types are a 400 now rather than on every job.
   */
  async create(tenantId: string, dto: CreateTemplateDto): Promise<TemplateVersion> {
    const found = this.registry.lookup(dto.task);
    if (!found.ok) {
      const message = `${found.reason === 'unknown' ? 'unknown task' : 'task not available in this release'}; available: ${found.known.join(', ')}`;
      throw problems.validation([{ field: 'task', message }]);
    }
    const parsed = found.task.parseParams(dto.params);
    const errors = parsed.ok ? [] : parsed.errors.filter((error) => !(error.message === 'is required' && !(fieldKey(error.field) in dto.params)));
    if (errors.length) throw problems.validation(errors, `Invalid params for ${found.task.name}.`);
    return this.store.add(tenantId, {
      name: dto.name,
      taskName: found.task.name,
      params: dto.params,
      priority: dto.priority ?? null,
      description: dto.description ?? null,
    });
  }

  async get(tenantId: string, name: string, version?: number): Promise<TemplateVersion> {
    const template = await this.store.find(tenantId, name, version);
    if (!template) throw problems.notFound(version === undefined ? `Template ${name} not found.` : `Template ${name} has no version ${version}.`);
    return template;
  }

  /** Resolves a reference for a create; a 400 on `field` when it is malformed or names nothing. */
  async resolve(tenantId: string, ref: string, overrides: Record<string, unknown>, field = 'template'): Promise<ResolvedTemplate> {
    const parsed = parseTemplateRef(ref);
    if (!parsed) throw problems.validation([{ field, message: 'must be "name" or "name@<version>"' }]);
    const template = await this.store.find(tenantId, parsed.name, parsed.version);
    if (!template) {
      const what = parsed.version === undefined ? `no template "${parsed.name}"` : `template "${parsed.name}" has no version ${parsed.version}`;
      throw problems.validation([{ field, message: what }], `Unknown template: ${what}.`);
    }
    return { template, params: { ...template.params, ...overrides } };
  }
}

/** `params.input_uri` -> `input_uri` (the top-level key an error is about). */
function fieldKey(field: string): string {
  return field.replace(/^params\./, '').split('.')[0];
}
