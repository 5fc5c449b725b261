/** Redis keys outside BullMQ's own, all under the deployment's prefix. */
export const jobEventsStreamKey = (prefix: string) => `${prefix}:job-events`;
/** Events Postgres refused to apply, kept with their error for a person to look at (see the gateway README). */
export const jobEventsDeadLetterKey = (prefix: string) => `${prefix}:job-events:dead-letter`;
export const cancelChannel = (prefix: string) => `${prefix}:job-cancel`;
/** Per plan: new jobs are on its queue (see arrivals-channel). */
export const arrivalsChannel = (prefix: string, plan: string) => `${prefix}:job-arrivals:${plan}`;
export const JOB_EVENTS_GROUP = 'gateway';
