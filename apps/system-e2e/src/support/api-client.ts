import { createJobsClient, type CreateJobRequest, type Job, type JobEvent, type JobsClient } from '@validahub/jobs-client';

/** The e2e tests' view of the gateway: the typed jobs client, plus raw requests for what a test probes by hand. */
export type JobView = Job;
export type AuditEntry = JobEvent;

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
  /** Milliseconds from request to full response. */
  tookMs: number;
}

export class ApiClient {
  readonly client: JobsClient;

  constructor(readonly baseUrl: string) {
    this.client = createJobsClient({ baseUrl });
  }

  /** Any request, answered whatever its status (tests assert on refusals and timings). */
  async request<T = unknown>(method: string, path: string, body?: unknown, timeoutMs = 15_000): Promise<ApiResponse<T>> {
    const started = Date.now();
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : null) as T, tookMs: Date.now() - started };
  }

  /** Creates a job of any task, test-only ones included (the document types only the production tasks). */
  async createJob(task: string, params: Record<string, unknown>, plan: string): Promise<JobView> {
    const answer = await this.client.createJob({ task, params, plan } as CreateJobRequest, { signal: AbortSignal.timeout(15_000) });
    if (answer.status !== 202) throw new Error(`create ${task} answered ${answer.status}: ${JSON.stringify(answer.job)}`);
    return answer.job as JobView;
  }

  job(id: string): Promise<JobView> {
    return this.client.getJob(id, { signal: AbortSignal.timeout(15_000) });
  }

  events(id: string): Promise<AuditEntry[]> {
    return this.client.getJobEvents(id, { signal: AbortSignal.timeout(15_000) });
  }

  /** What GET .../result/content serves (the stored result or one of its parts), as text. */
  async resultContent(id: string, part?: string): Promise<{ status: number; contentType: string | null; text: string }> {
    const response = await fetch(`${this.baseUrl}/api/v1/jobs/${id}/result/content${part ? `?part=${part}` : ''}`, {
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
  }

  async cancel(id: string): Promise<ApiResponse<JobView>> {
    return this.request<JobView>('DELETE', `/api/v1/jobs/${id}`);
  }

  /** Every job of the (anonymous) tenant, newest first. */
  async allJobs(): Promise<JobView[]> {
    const jobs: JobView[] = [];
    // By cursor: `total` stops counting at 10,000, and a cursor page costs the same at any depth.
    let cursor: string | undefined;
    do {
      const page = await this.client.listJobs({ limit: 100, cursor });
      jobs.push(...page.items);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return jobs;
  }
}
