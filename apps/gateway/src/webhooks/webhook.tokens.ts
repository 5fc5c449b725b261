export const WEBHOOK_SETTINGS = Symbol('WEBHOOK_SETTINGS');
/** The SSRF-guarded HTTP client deliveries go through. */
export const WEBHOOK_CLIENT = Symbol('WEBHOOK_CLIENT');
