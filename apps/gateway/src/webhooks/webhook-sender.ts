import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { OutboundClient, OutboundError, readBodyPrefix } from '@validahub/outbound-http';
import { isRetryableStatus } from './retry-schedule';

/** What a receiver's answer may be read of: enough for a log line, never enough to slow us down. */
export const RESPONSE_BYTES_KEPT = 4_096;
/** The whole attempt: connect, send, headers and the (capped) body. */
export const ATTEMPT_TIMEOUT_MS = 10_000;

/** A new endpoint secret in the Standard Webhooks form: `whsec_` + base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export interface OutgoingMessage {
  url: string;
  /** `webhook-id`: the same on every attempt and redelivery of one message. */
  messageId: string;
  /** The JSON body, exactly as signed. */
  body: string;
  /** Signs with each (current first; the previous one during a rotation's grace period). */
  secrets: readonly string[];
}

export type AttemptOutcome =
  | { kind: 'delivered'; statusCode: number }
  | { kind: 'retry'; statusCode: number | null; error: string }
  | { kind: 'failed'; statusCode: number | null; error: string }
  | { kind: 'gone'; statusCode: 410; error: string };

/** The three Standard Webhooks headers; `webhook-signature` lists one `v1,<base64>` per secret. */
export function signedHeaders(message: OutgoingMessage, at: Date): Record<string, string> {
  const signatures = message.secrets.map((secret) => new Webhook(secret).sign(message.messageId, at, message.body));
  return {
    'content-type': 'application/json',
    'user-agent': 'ValidaHub-Webhooks/1',
    'webhook-id': message.messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1_000)),
    'webhook-signature': signatures.join(' '),
  };
}

/**
 * One attempt: POST the signed body through the SSRF-guarded client (no redirects: a 3xx is an
 * answer like any other), read at most 4 KiB of the answer, classify it. Never throws.
 */
export async function attemptDelivery(client: OutboundClient, message: OutgoingMessage, timeoutMs = ATTEMPT_TIMEOUT_MS): Promise<AttemptOutcome> {
  try {
    const response = await client.request(message.url, {
      method: 'POST',
      headers: signedHeaders(message, new Date()),
      body: message.body,
      timeoutMs,
      maxRedirects: 0,
    });
    const preview = (await readBodyPrefix(response.body, RESPONSE_BYTES_KEPT)).toString('utf8');
    const statusCode = response.status;
    if (statusCode >= 200 && statusCode < 300) return { kind: 'delivered', statusCode };
    const error = `HTTP ${statusCode}${preview ? `: ${preview.slice(0, 200)}` : ''}`;
    if (statusCode === 410) return { kind: 'gone', statusCode, error };
    return isRetryableStatus(statusCode) ? { kind: 'retry', statusCode, error } : { kind: 'failed', statusCode, error };
  } catch (error) {
    if (error instanceof OutboundError) {
      return error.retryable
        ? { kind: 'retry', statusCode: null, error: `${error.code}: ${error.message}` }
        : { kind: 'failed', statusCode: null, error: `${error.code}: ${error.message}` };
    }
    return { kind: 'retry', statusCode: null, error: error instanceof Error ? error.message : String(error) };
  }
}
