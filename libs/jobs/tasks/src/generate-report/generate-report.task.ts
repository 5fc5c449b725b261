import { reservedTask } from '../task';

export const generateReportTask = reservedTask({ name: 'generate_report_job', description: 'Generate an analytics report.' });
