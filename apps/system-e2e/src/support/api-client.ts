/** A thin HTTP client for the gateway's public API, as a client of the contract would use it. */

export interface JobView {
  id: string;
  task_name: string;
  status: string;
  plan: string;
  attempts: number;
  max_attempts: number;
  error: { code: string; message: string; retryable: boolean } | null;
  summary: Record<string, unknown> | null;
  cancel_requested: boolean;
  expires_at: string | null;
  [key: string]: unknown;
}

export interface AuditEntry {
  at: string;
  from_status: string | null;
  to_status: string;
  progress: number;
  message: string | null;
  attempt: number;
  actor: string;
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
  /** Milliseconds from request to full response. */
  tookMs: number;
}

export class ApiClient {
  constructor(readonly baseUrl: string) {}

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

  async createJob(task: string, params: Record<string, unknown>, plan: string): Promise<JobView> {
    const response = await this.request<JobView>('POST', '/api/v1/jobs', { task, params, plan });
    if (response.status !== 202) throw new Error(`create ${task} answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async job(id: string): Promise<JobView> {
    const response = await this.request<JobView>('GET', `/api/v1/jobs/${id}`);
    if (response.status !== 200) throw new Error(`GET job ${id} answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async events(id: string): Promise<AuditEntry[]> {
    const response = await this.request<{ items: AuditEntry[] }>('GET', `/api/v1/jobs/${id}/events`);
    if (response.status !== 200) throw new Error(`GET events of ${id} answered ${response.status}`);
    return response.body.items;
  }

  async cancel(id: string): Promise<ApiResponse<JobView>> {
    return this.request<JobView>('DELETE', `/api/v1/jobs/${id}`);
  }

  /** Every job of the (anonymous) tenant, newest first. */
  async allJobs(): Promise<JobView[]> {
    const jobs: JobView[] = [];
    for (let offset = 0; ; offset += 100) {
      const response = await this.request<{ items: JobView[]; total: number }>('GET', `/api/v1/jobs?limit=100&offset=${offset}`);
      if (response.status !== 200) throw new Error(`list answered ${response.status}`);
      jobs.push(...response.body.items);
      if (jobs.length >= response.body.total || !response.body.items.length) return jobs;
    }
  }
}
