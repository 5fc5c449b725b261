/** Redis keys outside BullMQ's own, all under the deployment's prefix. */
export const jobEventsStreamKey = (prefix: string) => `${prefix}:job-events`;
export const cancelChannel = (prefix: string) => `${prefix}:job-cancel`;
export const JOB_EVENTS_GROUP = 'gateway';
