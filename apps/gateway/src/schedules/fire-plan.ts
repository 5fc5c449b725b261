import type { MisfirePolicy } from './schedule-records';

/**
 * Which of a schedule's due times to fire now. Times within the grace are on time and each
 * fires; older ones were missed while no scheduler ran: `skip` drops them, `run_once` fires the
 * latest of them once.
 */
export function firesToRun(due: readonly Date[], now: Date, graceMs: number, misfire: MisfirePolicy): Date[] {
  const onTime = due.filter((at) => now.getTime() - at.getTime() <= graceMs);
  const missed = due.filter((at) => now.getTime() - at.getTime() > graceMs);
  if (misfire === 'run_once' && missed.length) return [missed[missed.length - 1], ...onTime];
  return onTime;
}
