import { LoggerService } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { LOGIN_ATTEMPT_RETENTION_JOB, LoginAttemptRetentionJob } from '../src/modules/auth/login-attempt-retention.job';
import { JobRunner } from '../src/modules/scheduling/job-runner';
import { builtEntry } from './support/built-app';
import { createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

const DAY_MS = 86_400_000;
const PAIR_LOCKED = 'För många misslyckade inloggningar med den här e-postadressen från den här datorn eller det här nätverket.';

/** The night of 23 November 2026, 03:30 Swedish time (UTC+1). */
const NIGHT = new Date('2026-11-23T02:30:00Z');

const ago = (ms: number): Date => new Date(NIGHT.getTime() - ms);

async function insertAttempt(t: TestApp, email: string, ip: string, createdAt: Date, succeeded = false): Promise<void> {
  await t.app.get(DataSource).query('INSERT INTO login_attempt (email, ip, succeeded, created_at) VALUES ($1, $2, $3, $4)', [email, ip, succeeded, createdAt]);
}

async function remaining(t: TestApp): Promise<string[]> {
  const rows = (await t.app.get(DataSource).query('SELECT email FROM login_attempt ORDER BY email')) as Array<{ email: string }>;
  return rows.map((row) => row.email);
}

describe('the nightly retention of sign-in attempts', () => {
  const clock = new FixedClock(NIGHT);
  const log: string[] = [];
  const recorder: LoggerService = {
    log: (message: unknown) => void log.push(String(message)),
    error: (message: unknown) => void log.push(String(message)),
    warn: (message: unknown) => void log.push(String(message)),
    debug: (message: unknown) => void log.push(String(message)),
    verbose: (message: unknown) => void log.push(String(message)),
  };
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ clock, logger: recorder });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    clock.set(NIGHT);
    await t.app.get(DataSource).query('DELETE FROM login_attempt');
    await t.app.get(DataSource).query('DELETE FROM job_run');
  });

  it('deletes attempts older than 30 days by the app clock, keeps the rest, and logs only the count', async () => {
    await insertAttempt(t, 'ett-ar@test.mia.se', '10.0.0.1', ago(365 * DAY_MS));
    await insertAttempt(t, 'trettioen-dagar@test.mia.se', '10.0.0.2', ago(31 * DAY_MS), true);
    await insertAttempt(t, 'just-over@test.mia.se', '10.0.0.3', ago(30 * DAY_MS + 1_000));
    await insertAttempt(t, 'just-under@test.mia.se', '10.0.0.4', ago(30 * DAY_MS - 1_000));
    await insertAttempt(t, 'i-gar@test.mia.se', '10.0.0.5', ago(DAY_MS), true);
    await insertAttempt(t, 'nyss@test.mia.se', '10.0.0.6', ago(60_000));

    expect(await t.app.get(LoginAttemptRetentionJob).runScheduled()).toEqual({ status: 'succeeded', summary: '3 inloggningsförsök äldre än 30 dagar borttagna' });
    expect(await remaining(t)).toEqual(['i-gar@test.mia.se', 'just-under@test.mia.se', 'nyss@test.mia.se']);

    // Through JobRunner, in tonight's (Swedish) slot.
    const runs = await t.app.get(JobRunner).recentRuns(LOGIN_ATTEMPT_RETENTION_JOB);
    expect(runs.map((run) => [run.slot, run.status])).toEqual([['2026-11-23', 'succeeded']]);
    const written = log.join('\n');
    expect(written).toContain('login-attempt-retention (2026-11-23) klart: 3 inloggningsförsök äldre än 30 dagar borttagna');
    // The point of the job: no address it deleted (or kept) ends up in the log instead.
    expect(written).not.toMatch(/@test\.mia\.se|10\.0\.0\./);

    // A timer firing again the same night does nothing; a manual run does, and finds nothing more.
    expect(await t.app.get(LoginAttemptRetentionJob).runScheduled()).toEqual({ status: 'skipped', reason: 'done' });
    expect((await t.app.get(LoginAttemptRetentionJob).runNow()).outcome).toEqual({ status: 'succeeded', summary: '0 inloggningsförsök äldre än 30 dagar borttagna' });
  });

  it('leaves the lock-out working on the attempts it keeps', async () => {
    const staff = await createUser(t.app, 'staff');
    const host = '127.0.0.77';
    const client = new HttpClient(t.baseUrl, { from: host });
    // Last month's failures for the same pair go; tonight's five wrong passwords stay and still lock.
    for (let i = 0; i < 5; i += 1) await insertAttempt(t, staff.email, host, ago(40 * DAY_MS));
    for (let i = 0; i < 5; i += 1) expect((await client.login(staff.email, `fel-losenord-${i}`)).status).toBe(401);

    expect(await t.app.get(LoginAttemptRetentionJob).runScheduled()).toEqual({ status: 'succeeded', summary: '5 inloggningsförsök äldre än 30 dagar borttagna' });
    const locked = await client.login(staff.email, TEST_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.text).toContain(PAIR_LOCKED);

    // And it lifts as before, 15 minutes later.
    clock.set(new Date(NIGHT.getTime() + 15 * 60_000));
    expect((await client.login(staff.email, TEST_PASSWORD)).status).toBe(303);
  });
});

describe('the retention job on two app instances', () => {
  it('runs once when both instances fire at the same moment, keeping LOGIN_ATTEMPT_RETENTION_DAYS from the environment', async () => {
    const clock = new FixedClock(NIGHT);
    const first = await startTestApp({ clock, env: { LOGIN_ATTEMPT_RETENTION_DAYS: '7' } });
    const second = await startTestApp({ clock, db: first.db, env: { LOGIN_ATTEMPT_RETENTION_DAYS: '7' } });
    try {
      await insertAttempt(first, 'forra-manaden@test.mia.se', '10.0.0.1', ago(8 * DAY_MS));
      await insertAttempt(first, 'forra-veckan@test.mia.se', '10.0.0.2', ago(6 * DAY_MS));
      const outcomes = await Promise.all([first.app.get(LoginAttemptRetentionJob).runScheduled(), second.app.get(LoginAttemptRetentionJob).runScheduled()]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['skipped', 'succeeded']);
      expect(outcomes).toContainEqual({ status: 'succeeded', summary: '1 inloggningsförsök äldre än 7 dagar borttagna' });
      expect(await remaining(first)).toEqual(['forra-veckan@test.mia.se']);
      const runs = (await first.app.get(DataSource).query(`SELECT slot, status, attempts FROM job_run WHERE job_name = $1`, [LOGIN_ATTEMPT_RETENTION_JOB])) as unknown[];
      expect(runs).toEqual([{ slot: '2026-11-23', status: 'succeeded', attempts: 1 }]);
    } finally {
      await second.close();
      await first.close();
    }
  });
});

describe('the retention job’s timer and command', () => {
  it('is registered nightly at 03.30 Swedish time when the scheduler is on', async () => {
    const t = await startTestApp({ env: { SCHEDULER_ENABLED: 'true' } });
    try {
      const next = t.app.get(SchedulerRegistry).getCronJob(LOGIN_ATTEMPT_RETENTION_JOB).nextDate().toJSDate();
      expect(new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit' }).format(next)).toBe('03:30');
    } finally {
      await t.close();
    }
  });

  it('runs by hand from the command line on DATABASE_URL', async () => {
    const t = await startTestApp();
    try {
      const now = Date.now();
      await insertAttempt(t, 'gammal@test.mia.se', '10.0.0.1', new Date(now - 31 * DAY_MS));
      await insertAttempt(t, 'ny@test.mia.se', '10.0.0.2', new Date(now - 29 * DAY_MS));
      const run = promisify(execFile);
      const result = await run(process.execPath, [builtEntry('cli/cli.js'), 'login-attempt-retention', 'run'], {
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: t.db.url, NO_COLOR: '1' },
      });
      expect(result.stdout).toBe('Gallring: 1 inloggningsförsök äldre än 30 dagar borttagna.\n');
      expect(await remaining(t)).toEqual(['ny@test.mia.se']);
    } finally {
      await t.close();
    }
  });
});
