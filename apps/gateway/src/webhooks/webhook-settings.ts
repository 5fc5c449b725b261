import type { OutboundClientOptions } from '@validahub/outbound-http';
import { DEFAULT_RETRY_DELAYS_MS } from './retry-schedule';
import { ATTEMPT_TIMEOUT_MS } from './webhook-sender';

/** The delivery worker's knobs; production uses the defaults, tests shorten the waits. */
export interface WebhookSettings {
  /** Run the delivery worker in this process (default true). */
  sender: boolean;
  /** Pause between looks for due deliveries when the last look found none. */
  pollIntervalMs: number;
  /** Due deliveries claimed at once (and sent concurrently). */
  batchSize: number;
  /** Gaps after each failed attempt; its length is the number of retries. */
  retryDelaysMs: readonly number[];
  /** Per attempt: connect, send, answer. */
  attemptTimeoutMs: number;
  /**
   * A claimed delivery is pushed this far into the future while it is being sent, so a gateway
   * killed mid-send leaves it to be sent again (by any replica) once this has passed.
   */
  claimLeaseMs: number;
  /** Resolver, extra CAs and trusted addresses for the HTTP client (tests); the private-address allowance comes only from the config. */
  client: Omit<OutboundClientOptions, 'allowPrivate'>;
}

export function resolveWebhookSettings(overrides: Partial<WebhookSettings> = {}): WebhookSettings {
  return {
    sender: true,
    pollIntervalMs: 250,
    batchSize: 50,
    retryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
    attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
    claimLeaseMs: 60_000,
    client: {},
    ...overrides,
  };
}
