import { Injectable, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { AppConfigService } from '../../config/app-config.service';
import { JobRunner } from '../scheduling/job-runner';
import { dailySlot } from '../scheduling/job-slots';
import { JobSchedule, ScheduledJob } from '../scheduling/scheduled-job';
import { LoginAttempt } from './login-attempt.entity';

export const LOGIN_ATTEMPT_RETENTION_JOB = 'login-attempt-retention';

/** Every night at 03.30 Swedish time: after the pattern analysis, long before anyone signs in. Not configurable, since nothing depends on the hour. */
export const LOGIN_ATTEMPT_RETENTION_CRON = '30 3 * * *';

const DAY_MS = 86_400_000;

/** "12 inloggningsförsök äldre än 30 dagar borttagna": a count only, never an address, for the log and job_run. */
export function describeRetentionRun(deleted: number, days: number): string {
  return `${deleted} inloggningsförsök äldre än ${days} ${days === 1 ? 'dag' : 'dagar'} borttagna`;
}

/**
 * Deletes sign-in attempts older than LOGIN_ATTEMPT_RETENTION_DAYS: they hold staff e-mail and IP
 * addresses, and the lock-out reads only the last 15 minutes (LOGIN_WINDOW_MS), so keeping them for ever
 * would be personal data kept longer than needed. Registered like the other jobs (timer only where
 * SCHEDULER_ENABLED=true) and run through JobRunner in the day's slot, so with several instances a night
 * is cleaned once; `npm run cli -- login-attempt-retention run` runs in a slot of its own.
 */
@Injectable()
export class LoginAttemptRetentionJob extends ScheduledJob<number> {
  constructor(
    jobs: JobRunner,
    @InjectRepository(LoginAttempt) private readonly attempts: Repository<LoginAttempt>,
    clock: Clock,
    private readonly config: AppConfigService,
    @Optional() registry?: SchedulerRegistry,
  ) {
    super(jobs, clock, registry);
  }

  protected schedule(): JobSchedule {
    return {
      name: LOGIN_ATTEMPT_RETENTION_JOB,
      variable: 'LOGIN_ATTEMPT_RETENTION_CRON',
      expression: LOGIN_ATTEMPT_RETENTION_CRON,
      example: LOGIN_ATTEMPT_RETENTION_CRON,
      enabled: this.config.env.SCHEDULER_ENABLED === 'true',
    };
  }

  protected slotOf(now: Date): string {
    return dailySlot(now);
  }

  /** How many attempts were deleted. */
  protected work(): Promise<number> {
    return this.deleteOlderThan(new Date(this.clock.now().getTime() - this.retentionDays * DAY_MS));
  }

  protected describe(deleted: number): string {
    return describeRetentionRun(deleted, this.retentionDays);
  }

  private get retentionDays(): number {
    return this.config.env.LOGIN_ATTEMPT_RETENTION_DAYS;
  }

  /**
   * One statement: run nightly, it removes about a day of attempts. The first run may remove years of
   * them, still fine in one go: the rows are far outside the window, so no sign-in waits on their locks.
   * No index on created_at alone; a scan of a table kept to a month, once a night, costs less than an
   * index every sign-in would have to write.
   */
  private async deleteOlderThan(cutoff: Date): Promise<number> {
    const result = await this.attempts.delete({ createdAt: LessThan(cutoff) });
    return result.affected ?? 0;
  }
}
