export interface IdempotentRouteOptions {
  /** Body field that may carry the key besides the header (e.g. `idempotency_key`). Default: none. */
  bodyField?: string;
  /** Refuse requests without a key (400). Default false: no key, no idempotency. */
  required?: boolean;
}

/** The route options with defaults filled in, as the interceptor reads them from the route's metadata. */
export interface ResolvedRouteOptions {
  bodyField: string | null;
  required: boolean;
}
