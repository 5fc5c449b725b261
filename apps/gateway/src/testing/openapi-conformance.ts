import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { OpenAPIObject } from '@nestjs/swagger';

interface CheckedResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

type Operation = {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: object }>; headers?: Record<string, unknown> }>;
};

/** Headers whose presence on an answer the document must announce for that status. */
const CHECKED_HEADERS = ['ratelimit-policy', 'ratelimit', 'retry-after'];

const DOCUMENT_ID = 'openapi.json';
const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * Test-only: checks real responses against the served OpenAPI document. A response passes when
 * its operation documents its status, content type and rate-limit headers (RateLimit,
 * RateLimit-Policy, Retry-After, when the answer carries them) and its body validates against the
 * documented schema (JSON Schema 2020-12, as OpenAPI 3.1 says). Every check is recorded, so a
 * suite can prove it exercised every documented status.
 */
export class OpenApiConformance {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly operations = new Map<string, { path: string; method: string; operation: Operation }>();
  private readonly validators = new Map<string, ValidateFunction>();
  readonly covered = new Set<string>();

  constructor(readonly document: OpenAPIObject) {
    addFormats(this.ajv);
    this.ajv.addSchema({ ...document, $id: DOCUMENT_ID } as object);
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item as Record<string, Operation>)) {
        this.operations.set(operation.operationId, { path, method, operation });
      }
    }
  }

  /** Every documented `operationId status` pair. */
  documented(): string[] {
    return [...this.operations.entries()].flatMap(([id, { operation }]) => Object.keys(operation.responses).map((status) => `${id} ${status}`));
  }

  /** Documented pairs of these operations not yet seen, leaving out the given statuses. */
  unseen(operationIds: readonly string[], exceptStatuses: readonly string[] = []): string[] {
    return this.documented().filter((pair) => {
      const [id, status] = pair.split(' ');
      return operationIds.includes(id) && !exceptStatuses.includes(status) && !this.covered.has(pair);
    });
  }

  /** Test assertion: `response` has `status` (its body shown when not) and conforms as an answer of `operationId`. */
  expectAnswer<R extends CheckedResponse>(operationId: string, response: R, status: number): R {
    const seen = { operationId, status: response.statusCode, body: response.statusCode === status ? '' : response.body };
    expect(seen).toEqual({ operationId, status, body: '' });
    expect(this.problems(operationId, response)).toEqual([]);
    return response;
  }

  /** Problems with this response as an answer of `operationId` (empty when it conforms). */
  problems(operationId: string, response: CheckedResponse): string[] {
    const found = this.operations.get(operationId);
    if (!found) return [`no operation ${operationId} in the document`];
    const status = String(response.statusCode);
    const documented = found.operation.responses[status];
    if (!documented)
      return [`${operationId} answered ${status}, which the document does not list (${Object.keys(found.operation.responses).join(', ')})`];
    this.covered.add(`${operationId} ${status}`);
    const documentedHeaders = Object.keys(documented.headers ?? {}).map((name) => name.toLowerCase());
    const undocumented = CHECKED_HEADERS.filter((name) => response.headers[name] !== undefined && !documentedHeaders.includes(name));
    if (undocumented.length) return [`${operationId} ${status} sent ${undocumented.join(', ')}, which the document does not list for it`];
    if (!documented.content) return [];
    const mediaType = String(response.headers['content-type'] ?? '')
      .split(';')[0]
      .trim();
    const content = documented.content[mediaType];
    if (!content) return [`${operationId} ${status} answered ${mediaType}; documented: ${Object.keys(documented.content).join(', ')}`];
    if (!content.schema || !/json$/.test(mediaType)) return [];
    const ref = `${DOCUMENT_ID}#/${pointer('paths', found.path, found.method, 'responses', status, 'content', mediaType, 'schema')}`;
    const validate = this.validators.get(ref) ?? this.ajv.compile({ $ref: ref });
    this.validators.set(ref, validate);
    if (validate(JSON.parse(response.body))) return [];
    return (validate.errors ?? []).map((e) => `${operationId} ${status}: body${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  }
}
