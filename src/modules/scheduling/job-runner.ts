import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, QueryRunner, Repository } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { AppConfigService } from '../../config/app-config.service';
import { JobRun } from './job-run.entity';

/** First half of every job's advisory-lock key (the second is hashtext(jobName)); distinct from the migration lock. */
export const JOB_LOCK_NAMESPACE = 7_120_302;

const MAX_TEXT_LENGTH = 1_000;

export type JobRunOutcome =
  | { status: 'succeeded'; summary: string | null }
  | { status: 'failed'; error: string }
  /** locked: another instance (or call) is running this job now; done: this slot already ran. */
  | { status: 'skipped'; reason: 'locked' | 'done' };

/** Runs SQL on the lock connection, or on the pool where there is none (embedded database). */
type Sql = (query: string, parameters: unknown[]) => Promise<unknown>;

/**
 * Runs a scheduled job at most once per slot, however many app instances fire the same timer.
 *
 *   @Cron('0 3 * * *', { timeZone: 'Europe/Stockholm' })
 *   nightly(): Promise<JobRunOutcome> {
 *     return this.jobs.runExclusive('barrier-detection', dailySlot(this.clock.now()), async () => {
 *       const found = await this.barriers.detect();
 *       return `${found} hinder`; // optional short summary, stored with the run
 *     });
 *   }
 *
 * - Slots: dailySlot(now) for daily/nightly jobs, weeklySlot(now) for weekly ones, manualSlot(now) for
 *   a run started by hand (CLI), which always runs. Helpers in job-slots.ts.
 * - While the work runs, a Postgres advisory lock on the job name is held on a dedicated connection,
 *   so another instance skips the job quietly ("locked"); a slot that succeeded is never run again
 *   ("done"), even by an instance whose timer fires minutes later. A failed slot (work threw) runs again
 *   on the next call for it. A slot left "running" by a crashed instance is retaken.
 * - Never throws for a failing job: the error is logged and stored in job_run, and returned.
 * - Make the work itself idempotent where you can (e.g. mails with a dedupeKey): a crash mid-run reruns it.
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger('Jobb');
  /** Jobs running in this process: the embedded database has no second connection for a lock. */
  private readonly active = new Set<string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(JobRun) private readonly runs: Repository<JobRun>,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
  ) {}

  async runExclusive(jobName: string, slot: string, work: () => Promise<string | void>): Promise<JobRunOutcome> {
    if (this.active.has(jobName)) return { status: 'skipped', reason: 'locked' };
    this.active.add(jobName);
    try {
      // Embedded PGlite serves one connection and one process: holding a lock connection would starve the work.
      if (this.config.embeddedDatabase) return await this.runSlot(jobName, slot, work, (q, p) => this.dataSource.query(q, p));
      return await this.withAdvisoryLock(jobName, (sql) => this.runSlot(jobName, slot, work, sql));
    } finally {
      this.active.delete(jobName);
    }
  }

  /** The latest runs, newest first, e.g. for an admin page or the CLI. */
  recentRuns(jobName?: string, limit = 50): Promise<JobRun[]> {
    // Ties (a clock that stands still in tests) go to the row made last.
    return this.runs.find({ where: jobName ? { jobName } : {}, order: { startedAt: 'DESC', createdAt: 'DESC' }, take: limit });
  }

  private async withAdvisoryLock(jobName: string, work: (sql: Sql) => Promise<JobRunOutcome>): Promise<JobRunOutcome> {
    const connection: QueryRunner = this.dataSource.createQueryRunner();
    await connection.connect();
    try {
      const [{ locked }] = (await connection.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [JOB_LOCK_NAMESPACE, jobName])) as Array<{
        locked: boolean;
      }>;
      if (!locked) {
        this.logger.debug(`${jobName}: körs redan av en annan instans, hoppar över`);
        return { status: 'skipped', reason: 'locked' };
      }
      try {
        return await work((query, parameters) => connection.query(query, parameters));
      } finally {
        await connection.query('SELECT pg_advisory_unlock($1, hashtext($2))', [JOB_LOCK_NAMESPACE, jobName]);
      }
    } finally {
      await connection.release();
    }
  }

  private async runSlot(jobName: string, slot: string, work: () => Promise<string | void>, sql: Sql): Promise<JobRunOutcome> {
    // Under the lock no one else runs this job, so a "running" row is one a crashed instance left behind.
    const claimed = (await sql(
      `INSERT INTO job_run (job_name, slot, status, attempts, started_at, updated_at)
       VALUES ($1, $2, 'running', 1, $3, $3)
       ON CONFLICT (job_name, slot) DO UPDATE
         SET status = 'running', attempts = job_run.attempts + 1, started_at = EXCLUDED.started_at,
             finished_at = NULL, summary = NULL, error = NULL, updated_at = EXCLUDED.updated_at
         WHERE job_run.status IN ('failed', 'running')
       RETURNING id`,
      [jobName, slot, this.clock.now()],
    )) as Array<{ id: string }>;
    if (claimed.length === 0) return { status: 'skipped', reason: 'done' };
    const id = claimed[0].id;

    try {
      const summary = (await work()) ?? null;
      const stored = summary === null ? null : summary.slice(0, MAX_TEXT_LENGTH);
      await sql(`UPDATE job_run SET status = 'succeeded', finished_at = $2, summary = $3, updated_at = $2 WHERE id = $1`, [id, this.clock.now(), stored]);
      this.logger.log(`${jobName} (${slot}) klart${stored ? `: ${stored}` : ''}`);
      return { status: 'succeeded', summary: stored };
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, MAX_TEXT_LENGTH);
      await sql(`UPDATE job_run SET status = 'failed', finished_at = $2, error = $3, updated_at = $2 WHERE id = $1`, [id, this.clock.now(), message]);
      this.logger.error(`${jobName} (${slot}) misslyckades: ${message}`, error instanceof Error ? error.stack : undefined);
      return { status: 'failed', error: message };
    }
  }
}
