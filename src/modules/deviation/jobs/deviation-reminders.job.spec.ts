import { DataSource } from 'typeorm';
import { Clock } from '../../../common/clock/clock';
import { AppConfigService } from '../../../config/app-config.service';
import { loadEnvConfig } from '../../../config/env.config';
import { MailOutboxService } from '../../mail/mail-outbox.service';
import { JobRunner } from '../../scheduling/job-runner';
import { describeRemindersRun, DeviationRemindersJob, isValidCronExpression } from './deviation-reminders.job';

function jobWith(env: Record<string, string>): DeviationRemindersJob {
  const config = new AppConfigService(loadEnvConfig({ NODE_ENV: 'test', SCHEDULER_ENABLED: 'false', ...env }), 'postgres://localhost/x', false);
  // Bootstrap only reads the configuration; nothing else is touched.
  return new DeviationRemindersJob({} as DataSource, {} as JobRunner, {} as MailOutboxService, new Clock(), config);
}

describe('the reminders job', () => {
  it('accepts five- and six-field cron expressions and nothing else', () => {
    expect(isValidCronExpression('0 7 * * *')).toBe(true);
    expect(isValidCronExpression('30 6 * * 1-5')).toBe(true);
    expect(isValidCronExpression('0 0 7 * * *')).toBe(true);
    expect(isValidCronExpression('99 7 * * *')).toBe(false);
    expect(isValidCronExpression('varje morgon')).toBe(false);
  });

  it('stops the start-up on a REMINDER_CRON the scheduler cannot read, naming the variable', () => {
    expect(() => jobWith({ REMINDER_CRON: '99 7 * * *' }).onApplicationBootstrap()).toThrow('REMINDER_CRON: "99 7 * * *" är inte ett giltigt cron-uttryck');
    expect(() => jobWith({}).onApplicationBootstrap()).not.toThrow();
  });

  it('takes N, M and the repeat interval from the environment', () => {
    expect(jobWith({ ACCEPT_WITHIN_WORKING_DAYS: '3', RESOLVE_WITHIN_DAYS: '20', REMINDER_REPEAT_DAYS: '5' }).policy).toEqual({
      acceptWithinWorkingDays: 3,
      resolveWithinDays: 20,
      repeatAfterDays: 5,
    });
    expect(jobWith({}).policy).toEqual({ acceptWithinWorkingDays: 2, resolveWithinDays: 30, repeatAfterDays: 7 });
    expect(() => loadEnvConfig({ REMINDER_REPEAT_DAYS: '0' })).toThrow('REMINDER_REPEAT_DAYS måste vara minst 1');
    expect(() => loadEnvConfig({ REMINDER_CRON: 'klockan sju' })).toThrow('REMINDER_CRON måste vara ett cron-uttryck');
  });

  it('summarises a run in Swedish', () => {
    const base = { day: '2026-11-25', sendsToday: true, notAccepted: 2, notResolved: 1, mails: 3, withoutLead: 0, unreached: 0 };
    expect(describeRemindersRun(base)).toBe('2 inte mottagna, 1 inte åtgärdade, 3 e-post');
    expect(describeRemindersRun({ ...base, withoutLead: 2 })).toBe('2 inte mottagna, 1 inte åtgärdade, 3 e-post, 2 i delprojekt utan aktiv delprojektledare (till verksamhetsutvecklarna)');
    expect(describeRemindersRun({ ...base, unreached: 1 })).toBe('2 inte mottagna, 1 inte åtgärdade, 3 e-post, 1 kunde inte skickas (ingen aktiv delprojektledare eller verksamhetsutvecklare)');
    expect(describeRemindersRun({ ...base, day: '2026-11-28', sendsToday: false })).toBe('2026-11-28 är inte en arbetsdag: inga påminnelser');
  });
});
