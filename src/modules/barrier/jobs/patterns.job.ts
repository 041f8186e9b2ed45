import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../../../common/clock/clock';
import { AppConfigService } from '../../../config/app-config.service';
import { JobRunner, JobRunOutcome } from '../../scheduling/job-runner';
import { manualSlot } from '../../scheduling/job-slots';
import { LanguageModelStatus, PatternsPending, PatternsRunMode, PatternsRunSummary, PatternsService } from '../patterns.service';
import { JobRunStatus } from '../../scheduling/job-run.entity';
import { scheduleConfiguredCron } from '../../scheduling/configured-cron';
import { patternsSlot } from './patterns-slot';

export const PATTERNS_JOB = 'patterns';

/**
 * The pattern analysis on PATTERNS_CRON (nightly by default), registered with @nestjs/schedule's
 * registry because the expression is configuration. Every run goes through JobRunner, so with several
 * app instances each scheduled tick runs once; `npm run cli -- patterns run` runs in a slot of its own.
 */
/** The pattern analysis as /hinder shows it. */
export interface PatternsStatus extends PatternsPending {
  running: boolean;
  /** The latest run; a failure's error stays in job_run (`npm run cli -- jobs list`), since it may name internals. */
  last: { status: JobRunStatus | 'avbruten'; startedAt: Date; finishedAt: Date | null; summary: string | null } | null;
  languageModel: LanguageModelStatus;
}

@Injectable()
export class PatternsJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Hinder');
  /** The run startNow began, while it runs. */
  private started: Promise<void> | null = null;

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

  /**
   * A run the analyst starts from /hinder: in the background, since at scale a full run takes seconds.
   * 'running' when this instance is already running one (another instance's run makes this one skip).
   */
  startNow(): 'started' | 'running' {
    if (this.started !== null) return 'running';
    this.started = this.runNow('auto')
      .then(() => undefined)
      // JobRunner stores a failing run; this catches only what fails around it (the lock connection).
      .catch((error: unknown) => this.logger.error(`Mönsteranalysen gick inte att starta: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.started = null;
      });
    return 'started';
  }

  /** Waits for a run startNow began (tests, shutdown). */
  async settled(): Promise<void> {
    await this.started;
  }

  /** A run the analyst started finishes before the database connection closes. */
  beforeApplicationShutdown(): Promise<void> {
    return this.settled();
  }

  /** The latest run and what the next one has to do, for /hinder. */
  async status(): Promise<PatternsStatus> {
    const [last] = await this.jobs.recentRuns(PATTERNS_JOB, 1);
    const pending = await this.patterns.pending();
    const languageModel = await this.patterns.languageModelStatus();
    // A "running" row that no instance finished within the hour was left by a crash.
    const stale = last?.status === 'running' && this.started === null && this.clock.now().getTime() - last.startedAt.getTime() > 3_600_000;
    return {
      running: this.started !== null || (last?.status === 'running' && !stale),
      last: last
        ? { status: stale ? 'avbruten' : last.status, startedAt: last.startedAt, finishedAt: last.finishedAt, summary: last.summary }
        : null,
      ...pending,
      languageModel,
    };
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
