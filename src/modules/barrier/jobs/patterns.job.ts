import { Injectable, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../../../common/clock/clock';
import { AppConfigService } from '../../../config/app-config.service';
import { JobRunner, JobRunOutcome } from '../../scheduling/job-runner';
import { manualSlot } from '../../scheduling/job-slots';
import { PatternsRunMode, PatternsRunSummary, PatternsService } from '../patterns.service';
import { scheduleConfiguredCron } from '../../scheduling/configured-cron';
import { patternsSlot } from './patterns-slot';

export const PATTERNS_JOB = 'patterns';

/**
 * The pattern analysis on PATTERNS_CRON (nightly by default), registered with @nestjs/schedule's
 * registry because the expression is configuration. Every run goes through JobRunner, so with several
 * app instances each scheduled tick runs once; `npm run cli -- patterns run` runs in a slot of its own.
 */
@Injectable()
export class PatternsJob implements OnApplicationBootstrap {
  constructor(
    private readonly jobs: JobRunner,
    private readonly patterns: PatternsService,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
    // Present only when SCHEDULER_ENABLED=true (AppModule imports ScheduleModule then).
    @Optional() private readonly registry?: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    scheduleConfiguredCron({
      name: PATTERNS_JOB,
      variable: 'PATTERNS_CRON',
      expression: this.config.env.PATTERNS_CRON,
      example: '0 3 * * *',
      enabled: this.config.env.SCHEDULER_ENABLED === 'true',
      registry: this.registry,
      onTick: () => void this.runScheduled(),
    });
  }

  /** What the timer runs: the slot of this tick, once across instances. */
  runScheduled(): Promise<JobRunOutcome> {
    return this.runInSlot(patternsSlot(this.config.env.PATTERNS_CRON, this.clock.now()), 'auto');
  }

  /** A run started by hand (CLI): always runs, unless another instance is running the job right now. */
  async runNow(mode: PatternsRunMode = 'auto'): Promise<{ outcome: JobRunOutcome; summary: PatternsRunSummary | null }> {
    let summary: PatternsRunSummary | null = null;
    const outcome = await this.jobs.runExclusive(PATTERNS_JOB, manualSlot(this.clock.now()), async () => {
      summary = await this.patterns.run(mode);
      return PatternsService.describe(summary);
    });
    return { outcome, summary };
  }

  private runInSlot(slot: string, mode: PatternsRunMode): Promise<JobRunOutcome> {
    // JobRunner logs and stores a failure; nothing else to do here.
    return this.jobs.runExclusive(PATTERNS_JOB, slot, async () => PatternsService.describe(await this.patterns.run(mode)));
  }
}
