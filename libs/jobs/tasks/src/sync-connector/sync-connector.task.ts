import { reservedTask } from '../task';

export const syncConnectorTask = reservedTask({ name: 'sync_connector_job', description: 'Sync data from an external connector.' });
