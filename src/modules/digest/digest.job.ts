import { Injectable, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../../common/clock/clock';
import { AppConfigService } from '../../config/app-config.service';
import { JobRunner } from '../scheduling/job-runner';
import { weeklySlot } from '../scheduling/job-slots';
import { JobSchedule, ScheduledJob } from '../scheduling/scheduled-job';
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
export class DigestJob extends ScheduledJob<DigestRunSummary> {
  constructor(
    jobs: JobRunner,
    private readonly digest: DigestService,
    clock: Clock,
    private readonly config: AppConfigService,
    @Optional() registry?: SchedulerRegistry,
  ) {
    super(jobs, clock, registry);
  }

  protected schedule(): JobSchedule {
    return { name: DIGEST_JOB, variable: 'DIGEST_CRON', expression: this.config.env.DIGEST_CRON, example: '0 7 * * 1', enabled: this.config.env.SCHEDULER_ENABLED === 'true' };
  }

  /** This week's slot: a manual run (runNow) sends again, but nothing already queued this week is queued twice. */
  protected slotOf(now: Date): string {
    return weeklySlot(now);
  }

  protected work(): Promise<DigestRunSummary> {
    return this.digest.sendWeekly();
  }

  protected describe(summary: DigestRunSummary): string {
    return describeDigestRun(summary);
  }
}
