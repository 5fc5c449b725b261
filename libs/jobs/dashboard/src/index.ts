export { mountQueueDashboard, type QueueDashboardOptions } from './queue-dashboard';
