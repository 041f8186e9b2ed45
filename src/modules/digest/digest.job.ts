import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../../common/clock/clock';
import { AppConfigService } from '../../config/app-config.service';
import { scheduleConfiguredCron } from '../scheduling/configured-cron';
import { JobRunner, JobRunOutcome } from '../scheduling/job-runner';
import { manualSlot, weeklySlot } from '../scheduling/job-slots';
import { describeDigestRun, DigestRunSummary } from './digest-content';
import { DigestService } from './digest.service';

export const DIGEST_JOB = 'digest';

/**
 * The weekly digest on DIGEST_CRON (Monday 07:00 Swedish time by default), registered at start-up only
 * where SCHEDULER_ENABLED=true, as the reminders are. A scheduled run takes the week's slot under the
 * job's advisory lock, so with several instances a week is digested once; `npm run cli -- digest run`
 * runs in a slot of its own, and the per-recipient, per-week dedupe key still sends nothing twice.
 */
@Injectable()
export class DigestJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private current: Promise<unknown> | null = null;

  constructor(
    private readonly jobs: JobRunner,
    private readonly digest: DigestService,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
    // Present only when SCHEDULER_ENABLED=true (AppModule imports ScheduleModule then).
    @Optional() private readonly registry?: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    scheduleConfiguredCron({
      name: DIGEST_JOB,
      variable: 'DIGEST_CRON',
      expression: this.config.env.DIGEST_CRON,
      example: '0 7 * * 1',
      enabled: this.config.env.SCHEDULER_ENABLED === 'true',
      registry: this.registry,
      onTick: () => void this.runScheduled(),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.current?.catch(() => undefined);
  }

  /** What the timer runs: this week's slot, once across instances. */
  runScheduled(): Promise<JobRunOutcome> {
    return this.track(this.jobs.runExclusive(DIGEST_JOB, weeklySlot(this.clock.now()), async () => describeDigestRun(await this.digest.sendWeekly())));
  }

  /** A run started by hand (CLI): runs even if the week's slot ran; nothing already queued this week is queued again. */
  async runNow(): Promise<{ outcome: JobRunOutcome; summary: DigestRunSummary | null }> {
    let summary: DigestRunSummary | null = null;
    const outcome = await this.track(
      this.jobs.runExclusive(DIGEST_JOB, manualSlot(this.clock.now()), async () => {
        summary = await this.digest.sendWeekly();
        return describeDigestRun(summary);
      }),
    );
    return { outcome, summary };
  }

  private track<T>(run: Promise<T>): Promise<T> {
    this.current = run;
    return run.finally(() => {
      if (this.current === run) this.current = null;
    });
  }
}
