import { ApiProblemError, type JobsClient, type ResultPart } from '@validahub/jobs-client';
import { byId, el } from './dom';

const PARTS: { part: ResultPart; label: string; suffix: string }[] = [
  { part: 'corrected', label: 'Corrected CSV', suffix: '.corrected.csv' },
  { part: 'report', label: 'Report (JSON)', suffix: '.report.json' },
  { part: 'issues_csv', label: 'Issues (CSV)', suffix: '.issues.csv' },
  { part: 'report_html', label: 'Report (web page)', suffix: '.report.html' },
];

/**
 * One button per artefact the job has. Downloads go through fetch (the API key is a header a
 * plain link cannot carry) and are saved from an object URL.
 */
export async function showDownloads(client: JobsClient, jobId: string, stem: string): Promise<void> {
  const list = byId('downloads');
  list.replaceChildren();
  for (const { part, label, suffix } of PARTS) {
    let response: Response;
    try {
      response = await client.downloadResult(jobId, part);
    } catch (error) {
      // This job did not produce that part (no auto-fix), or this gateway does not serve it.
      if (error instanceof ApiProblemError && error.status < 500) continue;
      throw error;
    }
    const blob = await response.blob();
    const button = el('button', `Download ${label.toLowerCase()}`, { type: 'button', class: 'link', 'data-part': part });
    button.addEventListener('click', () => save(blob, `${stem}${suffix}`));
    const item = el('li');
    item.append(button);
    list.append(item);
  }
}

function save(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = el('a', null, { href: url, download: fileName });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
