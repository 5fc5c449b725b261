import type { JobsClient } from '@validahub/jobs-client';
import { byId, el } from './dom';

/** The caller's latest jobs; a succeeded one can be opened to see its issues. */
export async function showRecentJobs(client: JobsClient, open: (id: string) => void): Promise<void> {
  const body = byId<HTMLTableElement>('jobs').tBodies[0];
  const page = await client.listJobs({ limit: 10 });
  body.replaceChildren(
    ...page.items.map((job) => {
      const row = el('tr');
      const action = el('td');
      if (job.status === 'succeeded' && /csv/.test(job.task_name)) {
        const button = el('button', `Open result ${job.id.slice(0, 8)}`, { type: 'button', class: 'link', title: `job ${job.id}` });
        button.addEventListener('click', () => open(job.id));
        action.append(button);
      } else {
        action.textContent = job.id.slice(0, 8);
      }
      row.append(el('td', new Date(job.created_at).toLocaleString()), el('td', job.task_name), el('td', job.status), action);
      return row;
    }),
  );
  if (page.items.length === 0) {
    const row = el('tr');
    row.append(el('td', 'No jobs yet.', { colspan: '4' }));
    body.append(row);
  }
}
