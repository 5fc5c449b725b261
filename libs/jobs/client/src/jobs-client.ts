import createClient, { type Client } from 'openapi-fetch';
import type {
  CreatedJob,
  CreateJobRequest,
  CreateWorkflowRequest,
  Job,
  JobEvent,
  JobList,
  JobResult,
  ListJobsQuery,
  paths,
  ResultPart,
  UploadedFile,
  Workflow,
} from './api-types';
import { problemFrom } from './problem-error';
import { waitForJob, type WaitForJobOptions } from './wait-for-job';

export interface JobsClientOptions {
  /** The gateway, e.g. `http://127.0.0.1:3001` (in a browser: `location.origin`). */
  baseUrl: string;
  /** An API key, sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** A fetch of your own (tests, proxies); default the global one. */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  /** Sent as X-Correlation-Id (the gateway generates one otherwise). */
  correlationId?: string;
  signal?: AbortSignal;
}

export interface CreateJobOptions extends RequestOptions {
  /** Sent as the Idempotency-Key header: a repeat of the same request replays the first answer. */
  idempotencyKey?: string;
}

export interface CreateJobAnswer {
  job: CreatedJob;
  /** 202, also on a replay. */
  status: number;
  /** True when the gateway replayed an earlier request with the same idempotency key. */
  replayed: boolean;
  location: string | null;
}

type Fetch = (input: Request) => Promise<Response>;

/**
 * A typed client of the jobs API: `api` is the raw openapi-fetch client (every operation of the
 * document, typed from it), and the helpers answer data or throw ApiProblemError.
 */
export class JobsClient {
  readonly api: Client<paths>;
  readonly baseUrl: string;
  private readonly fetchFn: Fetch;

  constructor(private readonly options: JobsClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const given = options.fetch;
    // Late-bound: a test or a page may replace the global fetch after the client was made.
    this.fetchFn = given ? (request) => given(request) : (request) => globalThis.fetch(request);
    this.api = createClient<paths>({ baseUrl: this.baseUrl, fetch: this.fetchFn, headers: this.authHeaders() });
  }

  /** Uploads a CSV (multipart part `file`); pass the answer's `uri` as `params.input_uri`. */
  async upload(file: Blob, fileName: string, options: RequestOptions = {}): Promise<UploadedFile> {
    const { data, error, response } = await this.api.POST('/api/v1/files', {
      // The document types the part as a string (format: binary); the serializer sends the Blob itself.
      body: { file: fileName },
      bodySerializer: () => {
        const form = new FormData();
        form.append('file', file.type ? file : new Blob([file], { type: 'text/csv' }), fileName);
        return form;
      },
      ...this.requestInit(options),
    });
    if (error !== undefined || !data) throw await problemFrom(response, error);
    return data;
  }

  async createJob(body: CreateJobRequest, options: CreateJobOptions = {}): Promise<CreateJobAnswer> {
    const headers: Record<string, string> = options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : {};
    const { data, error, response } = await this.api.POST('/api/v1/jobs', { body, ...this.requestInit(options, headers) });
    if (error !== undefined || !data) throw await problemFrom(response, error);
    return {
      job: data,
      status: response.status,
      replayed: response.headers.get('idempotent-replayed') === 'true',
      location: response.headers.get('location'),
    };
  }

  async getJob(id: string, options: RequestOptions = {}): Promise<Job> {
    const { data, error, response } = await this.api.GET('/api/v1/jobs/{id}', { params: { path: { id } }, ...this.requestInit(options) });
    if (error !== undefined || !data) throw await problemFrom(response, error);
    return data;
  }

  async listJobs(query: ListJobsQuery = {}, options: RequestOptions = {}): Promise<JobList> {
    const { data, error, response } = await this.api.GET('/api/v1/jobs', { params: { query }, ...this.requestInit(options) });
    if (error !== undefined || !data) throw await problemFrom(response, error);
    return data;
  }

  async getJobEvents(id: string, options: RequestOptions = {}): Promise<JobEvent[]> {
    const { data, error, response } = await this.api.GET('/api/v1/jobs/{id}/events', { params: { path: { id } }, ...this.requestInit(options) });
    if (error !== undefined || !data) throw await problemFrom(response, error);
    return data.items;
  }

  async getJobResult(id: string, options: RequestOptions = {}): Promise<JobResult> {
    const { data, error, response } = await this.api.GET('/api/v1/jobs/{id}/result', { params: { path: { id } }, ...this.requestInit(options) });
    if (error !== undefined || !data) throw await problemFrom(response, error);
    return data;
  }

  /** Cancels a job; `status` is 200 (cancelled at once) or 202 (a running job was asked to stop). */
  async cancelJob(id: string, options: RequestOptions = {}): Promise<{ job: Job; status: number }> {
    const { data, error, response } = await this.api.DELETE('/api/v1/jobs/{id}', { params: { path: { id } }, ...this.requestInit(options) });
    if (error !== undefined || !data) throw await problemFrom(response, error);
    return { job: data, status: response.status };
  }

  /** Runs a failed, cancelled or expired job again as a new job (`POST /api/v1/jobs/{id}/retry`). */
  async retryJob(id: string, options: RequestOptions = {}): Promise<CreatedJob> {
    // Not in every gateway's document yet: a gateway without the route answers its 404 problem.
    const response = await this.raw('POST', `/api/v1/jobs/${encodeURIComponent(id)}/retry`, options);
    if (!response.ok) throw await problemFrom(response);
    return (await response.json()) as CreatedJob;
  }

  /**
   * The stored result of a succeeded job as a Response whose body streams (`part` picks an
   * artefact of a CSV job). Throws ApiProblemError for 4xx/5xx (e.g. 404: no such part).
   */
  async downloadResult(id: string, part?: ResultPart, options: RequestOptions = {}): Promise<Response> {
    const query = part ? `?part=${encodeURIComponent(part)}` : '';
    const response = await this.raw('GET', `/api/v1/jobs/${encodeURIComponent(id)}/result/content${query}`, options);
    if (!response.ok) throw await problemFrom(response);
    return response;
  }

  /** Creates a workflow (`POST /api/v1/workflows`): 202 with its steps, the first ones started. */
  async createWorkflow(body: CreateWorkflowRequest, options: RequestOptions = {}): Promise<Workflow> {
    const { data, error, response } = await this.api.POST('/api/v1/workflows', { body, ...this.requestInit(options) });
    if (error !== undefined || !data) throw await problemFrom(response, error);
    return data;
  }

  async getWorkflow(id: string, options: RequestOptions = {}): Promise<Workflow> {
    const { data, error, response } = await this.api.GET('/api/v1/workflows/{id}', { params: { path: { id } }, ...this.requestInit(options) });
    if (error !== undefined || !data) throw await problemFrom(response, error);
    return data;
  }

  /** Cancels a running workflow: its running steps are cancelled, the pending ones skipped. */
  async cancelWorkflow(id: string, options: RequestOptions = {}): Promise<Workflow> {
    const { data, error, response } = await this.api.DELETE('/api/v1/workflows/{id}', { params: { path: { id } }, ...this.requestInit(options) });
    if (error !== undefined || !data) throw await problemFrom(response, error);
    return data;
  }

  /** Follows a job to a terminal status: server-sent events when the gateway offers them, else polling with backoff. */
  waitForJob(id: string, options: WaitForJobOptions = {}): Promise<Job> {
    return waitForJob(this, id, options);
  }

  /** A request outside the typed routes (e.g. the event stream), with the client's key and headers. */
  raw(method: string, path: string, options: RequestOptions & { headers?: Record<string, string> } = {}): Promise<Response> {
    const init = this.requestInit(options, options.headers);
    return this.fetchFn(new Request(`${this.baseUrl}${path}`, { method, headers: { ...this.authHeaders(), ...init.headers }, signal: init.signal }));
  }

  private authHeaders(): Record<string, string> {
    return this.options.apiKey ? { Authorization: `Bearer ${this.options.apiKey}` } : {};
  }

  private requestInit(options: RequestOptions, extra: Record<string, string> = {}): { headers: Record<string, string>; signal?: AbortSignal } {
    const headers: Record<string, string> = { ...extra };
    if (options.correlationId) headers['X-Correlation-Id'] = options.correlationId;
    return { headers, signal: options.signal };
  }
}

export function createJobsClient(options: JobsClientOptions): JobsClient {
  return new JobsClient(options);
}
