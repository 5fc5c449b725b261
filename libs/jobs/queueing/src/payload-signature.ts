import { createHmac, timingSafeEqual } from 'node:crypto';
import { configure } from 'safe-stable-stringify';
import type { JobPayload } from '@validahub/jobs-domain';

/** Keys sorted at every depth: a payload read back from Redis or jsonb signs the same as the one written. */
const canonicalJson = configure({ deterministic: true, circularValue: TypeError, bigint: false });

type Signed = Pick<JobPayload, 'jobId' | 'tenantId' | 'task' | 'params' | 'runningLimit'>;

function mac(secret: string, payload: Signed): Buffer {
  // One field per line: no field can be shifted into another (canonical JSON has no raw line
  // breaks). The running limit, when there is one, follows the params, so payloads signed
  // before it existed still check.
  const fields = [payload.jobId, payload.tenantId ?? '', payload.task, canonicalJson(payload.params ?? null) ?? 'null'];
  if (payload.runningLimit !== undefined) fields.push(`running_limit=${payload.runningLimit}`);
  const message = fields.join('\n');
  return createHmac('sha256', secret).update(message).digest();
}

/** The gateway's HMAC-SHA256 (hex) over job id, tenant, task, params and running limit, with PAYLOAD_SIGNING_SECRET. */
export function signPayload(secret: string, payload: Signed): string {
  return mac(secret, payload).toString('hex');
}

/**
 * How a worker judges a payload's signature: `valid`, `missing` (a payload that grants only
 * what the worker can re-check itself) or `invalid` (written by someone without the secret,
 * or the gateway and the worker disagree on PAYLOAD_SIGNING_SECRET).
 */
export function checkPayloadSignature(secret: string, payload: Signed & Pick<JobPayload, 'signature'>): 'valid' | 'missing' | 'invalid' {
  if (payload.signature === undefined) return 'missing';
  const given = Buffer.from(payload.signature, 'hex');
  const expected = mac(secret, payload);
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'valid' : 'invalid';
}
