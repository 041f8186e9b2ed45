import { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../../common/clock/clock';
import { ConfiguredCron, scheduleConfiguredCron } from './configured-cron';
import { JobRunner, JobRunOutcome } from './job-runner';
import { manualSlot } from './job-slots';

/** The timer of a ScheduledJob: ConfiguredCron without what the base class fills in. */
export type JobSchedule = Omit<ConfiguredCron, 'registry' | 'onTick'>;

/**
 * A job on a timer from configuration (registered only where SCHEDULER_ENABLED=true), run through
 * JobRunner: a scheduled run takes its slot (the day's, the week's…) under the job's advisory lock, so with
 * several instances a slot runs once; runNow (the CLI) runs in a slot of its own. A run in progress finishes
 * its transaction before the database pool closes. Subclasses say when, what, and how a run is summed up.
 */
export abstract class ScheduledJob<Summary> implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private current: Promise<unknown> | null = null;

  protected constructor(
    protected readonly jobs: JobRunner,
    protected readonly clock: Clock,
    // Present only when SCHEDULER_ENABLED=true (AppModule imports ScheduleModule then).
    private readonly registry: SchedulerRegistry | undefined,
  ) {}

  /** The timer; its name is also the job's name in job_run and its lock. */
  protected abstract schedule(): JobSchedule;

  /** The slot a scheduled run at `now` takes (dailySlot, weeklySlot…). */
  protected abstract slotOf(now: Date): string;

  /** The work itself, under the job's lock. */
  protected abstract work(): Promise<Summary>;

  /** The one line job_run and the log keep of a run: counts, never personal data. */
  protected abstract describe(summary: Summary): string;

  onApplicationBootstrap(): void {
    scheduleConfiguredCron({ ...this.schedule(), registry: this.registry, onTick: () => void this.runScheduled() });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.current?.catch(() => undefined);
  }

  /** What the timer runs: this moment's slot, once across instances. */
  async runScheduled(): Promise<JobRunOutcome> {
    return (await this.runInSlot(this.slotOf(this.clock.now()))).outcome;
  }

  /** A run started by hand (CLI): runs even if the slot's run has been, unless another instance is running the job right now. */
  runNow(): Promise<{ outcome: JobRunOutcome; summary: Summary | null }> {
    return this.runInSlot(manualSlot(this.clock.now()));
  }

  private async runInSlot(slot: string): Promise<{ outcome: JobRunOutcome; summary: Summary | null }> {
    let summary: Summary | null = null;
    const run = this.jobs.runExclusive(this.schedule().name, slot, async () => {
      const done = await this.work();
      summary = done;
      return this.describe(done);
    });
    this.current = run;
    try {
      return { outcome: await run, summary };
    } finally {
      if (this.current === run) this.current = null;
    }
  }
}
