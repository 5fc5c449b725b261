/**
 * Event ids: a status event's id is its audit row id (`job_events.id`, increasing); a progress
 * event's is the last audit id seen plus `p` and the progress in hundredths. So `Last-Event-ID`
 * says which transitions the client has and which progress it last showed.
 */
export interface StreamPosition {
  auditId: number;
  /** Progress in hundredths of a percent, when the last event seen was a progress event. */
  progressCentis: number | null;
}

const EVENT_ID = /^(\d{1,18})(?:p(\d{1,5}))?$/;

export function statusEventId(auditId: number): string {
  return String(auditId);
}

export function progressEventId(auditId: number, progress: number): string {
  return `${auditId}p${Math.round(progress * 100)}`;
}

/** The position a `Last-Event-ID` names; null for a value we never sent. */
export function parseLastEventId(value: string): StreamPosition | null {
  const match = EVENT_ID.exec(value.trim());
  if (!match) return null;
  const auditId = Number(match[1]);
  if (!Number.isSafeInteger(auditId)) return null;
  return { auditId, progressCentis: match[2] === undefined ? null : Number(match[2]) };
}
