export const STREAM_SETTINGS = Symbol('STREAM_SETTINGS');
