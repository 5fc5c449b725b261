import type * as Undici from 'undici';

let loaded: typeof Undici | undefined;

/**
 * undici, required on first use rather than imported: the gateway builds its webhook client at
 * start-up and the workers load the task code that holds one, but most of them never send a
 * request, and loading undici's ~1 MB of JavaScript cost every such process its heap
 * (docs/operations.md, idle memory).
 */
export function undici(): typeof Undici {
  loaded ??= require('undici') as typeof Undici;
  return loaded;
}
