import { CronTime } from 'cron';

const TIME_ZONE = 'Europe/Stockholm';
/** A timer may fire a little early or late; the tick still belongs to the scheduled time. */
const TOLERANCE_MS = 60_000;
const minuteFormatter = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** True for an expression the cron library accepts (5 or 6 fields). */
export { isValidCronExpression as isValidCron } from '../../scheduling/configured-cron';

/**
 * The slot of a scheduled patterns run: the scheduled time (Swedish time, to the minute) that this tick
 * belongs to, e.g. "2026-11-23 03:00". Every instance whose timer fires for the same tick, even a
 * minute late, gets the same slot, so JobRunner runs it once.
 */
export function patternsSlot(expression: string, now: Date): string {
  const cron = new CronTime(expression, TIME_ZONE);
  const limit = now.getTime() + TOLERANCE_MS;
  // The latest scheduled time not after now (+ tolerance): step forward from a day back.
  let latest: Date | null = null;
  let next = cron.getNextDateFrom(new Date(now.getTime() - 86_400_000), TIME_ZONE).toJSDate();
  while (next.getTime() <= limit) {
    latest = next;
    next = cron.getNextDateFrom(next, TIME_ZONE).toJSDate();
  }
  return minuteFormatter.format(latest ?? now);
}
