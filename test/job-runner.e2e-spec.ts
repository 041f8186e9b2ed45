import { SchedulerRegistry } from '@nestjs/schedule';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MailOutboxService } from '../src/modules/mail/mail-outbox.service';
import { JOB_LOCK_NAMESPACE, JobRunner } from '../src/modules/scheduling/job-runner';
import { dailySlot, manualSlot } from '../src/modules/scheduling/job-slots';
import { SmtpCatcher } from './support/smtp-catcher';
import { startTestApp, TestApp } from './support/test-app';

interface RunRow {
  job_name: string;
  slot: string;
  status: string;
  attempts: number;
  summary: string | null;
  error: string | null;
  finished_at: Date | null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('JobRunner across two app instances on one database', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    first = await startTestApp();
    second = await startTestApp({ db: first.db });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  async function runs(jobName: string): Promise<RunRow[]> {
    return (await first.app.get(DataSource).query(
      `SELECT job_name, slot, status, attempts, summary, error, finished_at FROM job_run WHERE job_name = $1 ORDER BY started_at`,
      [jobName],
    )) as RunRow[];
  }

  it('runs a slot once when both instances fire at the same moment, and skips it when a timer fires later', async () => {
    let ran = 0;
    const work = async (): Promise<string> => {
      ran += 1;
      await sleep(300);
      return 'tre hinder hittade';
    };
    const slot = dailySlot(new Date('2026-11-23T02:00:00Z'));
    const outcomes = await Promise.all([
      first.app.get(JobRunner).runExclusive('nattlig-analys', slot, work),
      second.app.get(JobRunner).runExclusive('nattlig-analys', slot, work),
    ]);
    expect(ran).toBe(1);
    expect(outcomes).toContainEqual({ status: 'succeeded', summary: 'tre hinder hittade' });
    expect(outcomes).toContainEqual({ status: 'skipped', reason: 'locked' });

    // The other instance's timer fires minutes later: the slot is done.
    expect(await second.app.get(JobRunner).runExclusive('nattlig-analys', slot, work)).toEqual({ status: 'skipped', reason: 'done' });
    expect(await first.app.get(JobRunner).runExclusive('nattlig-analys', slot, work)).toEqual({ status: 'skipped', reason: 'done' });
    expect(ran).toBe(1);
    const [row] = await runs('nattlig-analys');
    expect(row).toMatchObject({ slot: '2026-11-23', status: 'succeeded', attempts: 1, summary: 'tre hinder hittade', error: null });
    expect(row.finished_at).toBeInstanceOf(Date);

    // The next night is a new slot.
    expect((await second.app.get(JobRunner).runExclusive('nattlig-analys', '2026-11-24', work)).status).toBe('succeeded');
    expect(ran).toBe(2);
  });

  it('many calls from both instances at once still run the work once', async () => {
    let ran = 0;
    const work = async (): Promise<void> => {
      ran += 1;
      await sleep(50);
    };
    const runners = [first.app.get(JobRunner), second.app.get(JobRunner)];
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => runners[i % 2].runExclusive('veckobrev', '2026-W48', work)));
    expect(ran).toBe(1);
    expect(outcomes.filter((o) => o.status === 'succeeded')).toHaveLength(1);
    expect((await runs('veckobrev'))).toHaveLength(1);
  });

  it('skips quietly while another session holds the job lock, without recording the slot', async () => {
    const holder = new Client({ connectionString: first.db.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1, hashtext($2))', [JOB_LOCK_NAMESPACE, 'paminnelser']);
      let ran = false;
      const outcome = await first.app.get(JobRunner).runExclusive('paminnelser', '2026-11-23', async () => {
        ran = true;
      });
      expect(outcome).toEqual({ status: 'skipped', reason: 'locked' });
      expect(ran).toBe(false);
      expect(await runs('paminnelser')).toHaveLength(0);
      // Another job is not blocked by it.
      expect((await first.app.get(JobRunner).runExclusive('annat-jobb', '2026-11-23', async () => undefined)).status).toBe('succeeded');
    } finally {
      await holder.end();
    }
    expect((await first.app.get(JobRunner).runExclusive('paminnelser', '2026-11-23', async () => undefined)).status).toBe('succeeded');
  });

  it('records a failure with its message, releases the lock, and runs a failed slot again', async () => {
    const failed = await first.app.get(JobRunner).runExclusive('sammanstallning', '2026-11-23', async () => {
      throw new Error('Databasen svarade inte');
    });
    expect(failed).toEqual({ status: 'failed', error: 'Databasen svarade inte' });
    expect((await runs('sammanstallning'))[0]).toMatchObject({ status: 'failed', attempts: 1, error: 'Databasen svarade inte' });

    const retried = await second.app.get(JobRunner).runExclusive('sammanstallning', '2026-11-23', async () => 'klar andra gången');
    expect(retried).toEqual({ status: 'succeeded', summary: 'klar andra gången' });
    const [row] = await runs('sammanstallning');
    expect(row).toMatchObject({ status: 'succeeded', attempts: 2, summary: 'klar andra gången', error: null });
  });

  it('retakes a slot left "running" by a crashed instance', async () => {
    await first.app
      .get(DataSource)
      .query(`INSERT INTO job_run (job_name, slot, status, started_at) VALUES ('kraschat-jobb', '2026-11-23', 'running', now() - interval '1 hour')`);
    let ran = 0;
    const outcome = await second.app.get(JobRunner).runExclusive('kraschat-jobb', '2026-11-23', async () => {
      ran += 1;
    });
    expect(outcome.status).toBe('succeeded');
    expect(ran).toBe(1);
    expect((await runs('kraschat-jobb'))[0]).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('a manual run always runs, each in a slot of its own', async () => {
    let ran = 0;
    const now = new Date('2026-11-23T10:00:00Z');
    for (let i = 0; i < 3; i++) {
      expect((await first.app.get(JobRunner).runExclusive('handkort', manualSlot(now), async () => void (ran += 1))).status).toBe('succeeded');
    }
    expect(ran).toBe(3);
    expect(await first.app.get(JobRunner).recentRuns('handkort')).toHaveLength(3);
  });
});

describe('with SCHEDULER_ENABLED=true', () => {
  let smtp: SmtpCatcher;
  let t: TestApp;
  beforeAll(async () => {
    smtp = await SmtpCatcher.start();
    t = await startTestApp({ env: { SCHEDULER_ENABLED: 'true', SMTP_URL: smtp.url, OUTBOX_POLL_MS: '100' } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('has the @nestjs/schedule registry, and the outbox worker sends on its own timer', async () => {
    expect(t.app.get(SchedulerRegistry)).toBeDefined();
    await t.app.get(MailOutboxService).enqueue({ to: ['lead@test.mia.se'], template: 'test-notice', context: { label: 'Timer' } });
    const [mail] = await smtp.waitFor(1, 5_000);
    expect(mail.subject).toBe('Testutskick från Avvikelser MIA: Timer');
  });
});
