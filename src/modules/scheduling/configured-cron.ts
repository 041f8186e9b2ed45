import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob, CronTime } from 'cron';

export const SCHEDULE_TIME_ZONE = 'Europe/Stockholm';

/** True for an expression the cron library accepts (5 or 6 fields). */
export function isValidCronExpression(expression: string): boolean {
  try {
    new CronTime(expression, SCHEDULE_TIME_ZONE);
    return true;
  } catch {
    return false;
  }
}

export interface ConfiguredCron {
  /** Name in the registry and in job_run. */
  name: string;
  /** The env variable (or, for a fixed time, the constant) the expression came from, for the error message. */
  variable: string;
  expression: string;
  example: string;
  /** SCHEDULER_ENABLED: timers only where asked; the registry exists only then. */
  enabled: boolean;
  registry: SchedulerRegistry | undefined;
  onTick: () => void;
}

/**
 * A timer whose time comes from configuration (a decorator cannot read it). The expression is
 * checked in every instance, so a typo stops the start-up rather than silently never running.
 */
export function scheduleConfiguredCron(cron: ConfiguredCron): void {
  if (!isValidCronExpression(cron.expression)) {
    throw new Error(`${cron.variable}: "${cron.expression}" är inte ett giltigt cron-uttryck, t.ex. "${cron.example}".`);
  }
  if (!cron.registry || !cron.enabled) return;
  cron.registry.addCronJob(cron.name, CronJob.from({ cronTime: cron.expression, timeZone: SCHEDULE_TIME_ZONE, onTick: cron.onTick, start: true }));
}
