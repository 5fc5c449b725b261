import { ApiProblemError, createJobsClient, type Job, type JobsClient } from '@validahub/jobs-client';
import { showDownloads } from './downloads';
import { byId, fillSelect } from './dom';
import { IssuesTable } from './issues-table';
import type { Issue } from './issues-view';
import { showRecentJobs } from './jobs-list';

/** Marketplaces and their categories, written into the bundle by build.mjs from the rule engine. */
declare const __MARKETPLACES__: { marketplace: string; rulesets: { name: string; categories: string[] }[] }[];

const KEY_STORAGE = 'validahub.apiKey';
const issuesTable = new IssuesTable();
let client: JobsClient = newClient();

function newClient(): JobsClient {
  return createJobsClient({ baseUrl: location.origin, apiKey: sessionStorage.getItem(KEY_STORAGE) ?? undefined });
}

function showError(error: unknown): void {
  const message =
    error instanceof ApiProblemError ? `${error.problem.title}: ${error.problem.detail}` : error instanceof Error ? error.message : String(error);
  const fields = error instanceof ApiProblemError ? (error.problem.errors ?? []).map((e) => ` ${e.field}: ${e.message}.`).join('') : '';
  byId('error').textContent = `${message}${fields}`;
}

function setupKey(): void {
  const input = byId<HTMLInputElement>('api-key');
  input.value = sessionStorage.getItem(KEY_STORAGE) ?? '';
  byId('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim()) sessionStorage.setItem(KEY_STORAGE, input.value.trim());
    else sessionStorage.removeItem(KEY_STORAGE);
    client = newClient();
    byId('key-status').textContent = input.value.trim() ? 'Key saved for this tab.' : 'No key: requests go without one.';
    void refreshJobs();
  });
}

function setupMarketplaces(): void {
  const marketplace = byId<HTMLSelectElement>('marketplace');
  const category = byId<HTMLSelectElement>('category');
  fillSelect(
    marketplace,
    __MARKETPLACES__.map((m) => m.marketplace),
    null,
  );
  const categoriesOf = () => __MARKETPLACES__.find((m) => m.marketplace === marketplace.value)?.rulesets.flatMap((r) => r.categories) ?? [];
  const refresh = () => fillSelect(category, categoriesOf(), 'No category (base rules)');
  marketplace.addEventListener('change', refresh);
  refresh();
}

function showProgress(job: Job): void {
  byId<HTMLProgressElement>('progress').value = Number(job.progress ?? 0);
  byId('job-status').textContent = `Job ${job.status}, ${Math.round(Number(job.progress ?? 0))}%${job.message ? `: ${job.message}` : ''}`;
}

/** Shows a succeeded job: its summary, downloads and issues. */
async function openResult(id: string, stem = 'feed'): Promise<void> {
  const report = (await (await client.downloadResult(id, 'report')).json()) as {
    summary_text?: string;
    summary: Record<string, number>;
    issues: Issue[];
  };
  const summary = report.summary;
  byId('summary').textContent =
    report.summary_text ?? `${summary.rows_total} rows, ${summary.rows_invalid} with errors, ${summary.errors} errors, ${summary.warnings} warnings.`;
  issuesTable.show(report.issues);
  await showDownloads(client, id, stem);
  byId('result').hidden = false;
}

async function submit(event: Event): Promise<void> {
  event.preventDefault();
  const file = byId<HTMLInputElement>('file').files?.[0];
  if (!file) return;
  const button = byId<HTMLButtonElement>('submit');
  button.disabled = true;
  byId('error').textContent = '';
  byId('result').hidden = true;
  byId('progress-area').hidden = false;
  try {
    byId('job-status').textContent = 'Uploading…';
    const uploaded = await client.upload(file, file.name);
    const category = byId<HTMLSelectElement>('category').value;
    const { job } = await client.createJob({
      task: 'validate_csv_job',
      params: {
        input_uri: uploaded.uri,
        marketplace: byId<HTMLSelectElement>('marketplace').value as 'generic',
        ...(category ? { category } : {}),
        auto_fix: byId<HTMLInputElement>('auto-fix').checked,
      },
    });
    showProgress(job as Job);
    const done = await client.waitForJob(job.id, { onUpdate: showProgress });
    if (done.status !== 'succeeded') throw new Error(`The job ended ${done.status}${done.error ? `: ${done.error.message}` : ''}`);
    await openResult(done.id, file.name.replace(/\.[^.]+$/, ''));
    void refreshJobs();
  } catch (error) {
    showError(error);
  } finally {
    button.disabled = false;
  }
}

async function refreshJobs(): Promise<void> {
  try {
    await showRecentJobs(client, (id) => void openResult(id).catch(showError));
  } catch (error) {
    showError(error);
  }
}

setupKey();
setupMarketplaces();
byId('submit-form').addEventListener('submit', (event) => void submit(event));
byId('refresh-jobs').addEventListener('click', () => void refreshJobs());
void refreshJobs();
