// Test support for the worker event stream: not for production imports.
export { poisonedEventBatch } from './poisoned-events';
