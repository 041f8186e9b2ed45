import { createHash } from 'node:crypto';
import { Injectable, Logger, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { stockholmDate } from '../../../common/calendar/working-days';
import { Clock } from '../../../common/clock/clock';
import { AppConfigService } from '../../../config/app-config.service';
import { MailOutboxService } from '../../mail/mail-outbox.service';
import { JobRunner } from '../../scheduling/job-runner';
import { dailySlot } from '../../scheduling/job-slots';
import { JobSchedule, ScheduledJob } from '../../scheduling/scheduled-job';
import { deadlineStartSql } from '../deviation-deadlines';
import { DeviationStatus } from '../deviation-workflow';
import {
  distributeReminders,
  DueReminder,
  overdueCandidateCutoff,
  planReminders,
  ReachedReminder,
  ReminderCandidate,
  ReminderDirectory,
  ReminderDistribution,
  ReminderKind,
  reminderMailContext,
  ReminderPolicy,
  ReminderReport,
  statusesThatCanBeOverdue,
} from './deviation-reminders';
import { activeLeadSql } from '../../user/active-lead.sql';

export const REMINDERS_JOB = 'reminders';
export const REMINDER_TEMPLATE = 'deviation-reminder';
const TIME_ZONE = 'Europe/Stockholm';

export interface RemindersRunSummary {
  day: string;
  sendsToday: boolean;
  /** Reports reminded about, per kind. */
  notAccepted: number;
  notResolved: number;
  /** Mails queued (one per recipient). */
  mails: number;
  /** Of the reminders, those in a delprojekt without an active lead: sent to the analysts instead. */
  withoutLead: number;
  /** Due reminders no one could be sent (no active lead and no active analyst): tried again on the next run. */
  unreached: number;
}

interface CandidateRow {
  id: string;
  reference: string;
  title: string;
  status: DeviationStatus;
  reported_at: Date;
  imported_at: Date | null;
  municipality_name: string;
  subproject_id: string;
  subproject_name: string;
  last_not_accepted: string | null;
  last_not_resolved: string | null;
}

export { isValidCronExpression } from '../../scheduling/configured-cron';

/** "2 avvikelser", "1 avvikelse": for the log and the CLI. */
export function describeRemindersRun(summary: RemindersRunSummary): string {
  if (!summary.sendsToday) return `${summary.day} är inte en arbetsdag: inga påminnelser`;
  const withoutLead = summary.withoutLead > 0 ? `, ${summary.withoutLead} i delprojekt utan aktiv delprojektledare (till verksamhetsutvecklarna)` : '';
  const unreached = summary.unreached > 0 ? `, ${summary.unreached} kunde inte skickas (ingen aktiv delprojektledare eller verksamhetsutvecklare)` : '';
  return `${summary.notAccepted} inte mottagna, ${summary.notResolved} inte åtgärdade, ${summary.mails} e-post${withoutLead}${unreached}`;
}

/**
 * Reminders about overdue reports (rules in deviation-reminders.ts), on REMINDER_CRON (07:00 every day by
 * default, Swedish time; it sends nothing on weekends and röda dagar). Registered with @nestjs/schedule's
 * registry rather than a fixed @Cron because the time is configuration. Every run goes through
 * JobRunner under the job's advisory lock, in the day's slot, so with several app instances a day is
 * reminded once; `npm run cli -- reminders run` runs in a slot of its own and still reminds nothing twice,
 * because what was reminded is recorded in deviation_reminder in the same transaction as the mails.
 */
@Injectable()
export class DeviationRemindersJob extends ScheduledJob<RemindersRunSummary> {
  private readonly logger = new Logger('Påminnelser');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    jobs: JobRunner,
    private readonly mail: MailOutboxService,
    clock: Clock,
    private readonly config: AppConfigService,
    @Optional() registry?: SchedulerRegistry,
  ) {
    super(jobs, clock, registry);
  }

  get policy(): ReminderPolicy {
    const env = this.config.env;
    return { acceptWithinWorkingDays: env.ACCEPT_WITHIN_WORKING_DAYS, resolveWithinDays: env.RESOLVE_WITHIN_DAYS, repeatAfterDays: env.REMINDER_REPEAT_DAYS };
  }

  protected schedule(): JobSchedule {
    return {
      name: REMINDERS_JOB,
      variable: 'REMINDER_CRON',
      expression: this.config.env.REMINDER_CRON,
      example: '0 7 * * *',
      enabled: this.config.env.SCHEDULER_ENABLED === 'true',
    };
  }

  /** Today's slot: a manual run (runNow) runs again but reminds nothing twice. */
  protected slotOf(now: Date): string {
    return dailySlot(now);
  }

  protected work(): Promise<RemindersRunSummary> {
    return this.remindOverdue();
  }

  protected describe(summary: RemindersRunSummary): string {
    return describeRemindersRun(summary);
  }

  /** The work itself; call it through runScheduled or runNow so it runs under the job's lock. */
  async remindOverdue(): Promise<RemindersRunSummary> {
    const now = this.clock.now();
    const policy = this.policy;
    const candidates = await this.loadCandidates(now, policy);
    const plan = planReminders(candidates.values(), now, policy);
    const summary: RemindersRunSummary = { day: plan.day, sendsToday: plan.sendsToday, notAccepted: 0, notResolved: 0, mails: 0, withoutLead: 0, unreached: 0 };
    if (plan.due.length === 0) return summary;

    const reports = new Map<string, ReminderReport>([...candidates.values()].map((c) => [c.id, c.report]));
    const directory = await this.loadDirectory(new Set([...reports.values()].map((r) => r.subprojectId)));
    const planned = distributeReminders(plan.due, reports, directory);
    summary.unreached = planned.unreached.length;
    if (planned.unreached.length > 0) {
      this.logger.warn(
        `${planned.unreached.length} påminnelser kunde inte skickas: ingen aktiv delprojektledare i avvikelsens delprojekt och ingen aktiv verksamhetsutvecklare. De prövas igen vid nästa körning.`,
      );
    }

    await this.dataSource.transaction(async (manager) => {
      // Claim first: a reminder another run recorded today is left out, so nothing is mailed twice.
      const claimed = await this.record(manager, planned.reached, plan.day);
      const sent = claimed.length === planned.reached.length ? planned : distributeReminders(claimed, reports, directory);
      await this.enqueue(manager, sent, plan.day, policy);
      summary.notAccepted = claimed.filter((r) => r.kind === 'not_accepted').length;
      summary.notResolved = claimed.filter((r) => r.kind === 'not_resolved').length;
      summary.mails = sent.mails.length;
      const withoutLead = new Set(sent.mails.flatMap((m) => [...m.notAccepted, ...m.notResolved].filter((l) => l.withoutLead).map((l) => l.id)));
      summary.withoutLead = claimed.filter((r) => withoutLead.has(r.deviationId)).length;
    });
    return summary;
  }

  private async loadCandidates(now: Date, policy: ReminderPolicy): Promise<Map<string, ReminderCandidate & { report: ReminderReport }>> {
    // Imported reports too: their deadlines start at the import, so the cutoff is on the same start.
    const rows = (await this.dataSource.query(
      `SELECT d.id, d.reference, d.title, d.status, d.reported_at, d.imported_at,
              m.name AS municipality_name, d.subproject_id, s.name AS subproject_name,
              (SELECT max(r.reminded_on)::text FROM deviation_reminder r WHERE r.deviation_id = d.id AND r.kind = 'not_accepted') AS last_not_accepted,
              (SELECT max(r.reminded_on)::text FROM deviation_reminder r WHERE r.deviation_id = d.id AND r.kind = 'not_resolved') AS last_not_resolved
         FROM deviation d
         JOIN municipality m ON m.id = d.municipality_id
         JOIN subproject s ON s.id = d.subproject_id
        WHERE d.status = ANY($1::text[]) AND ${deadlineStartSql('d')} < $2`,
      [statusesThatCanBeOverdue(policy), overdueCandidateCutoff(now, policy)],
    )) as CandidateRow[];
    return new Map(
      rows.map((row) => {
        const lastReminded: Partial<Record<ReminderKind, string>> = {};
        if (row.last_not_accepted) lastReminded.not_accepted = row.last_not_accepted;
        if (row.last_not_resolved) lastReminded.not_resolved = row.last_not_resolved;
        const candidate = {
          id: row.id,
          status: row.status,
          reportedAt: row.reported_at,
          importedAt: row.imported_at,
          lastReminded,
          report: {
            id: row.id,
            reference: row.reference,
            title: row.title,
            municipalityName: row.municipality_name,
            subprojectId: row.subproject_id,
            subprojectName: row.subproject_name,
            importedOn: row.imported_at ? stockholmDate(row.imported_at) : null,
          },
        };
        return [row.id, candidate];
      }),
    );
  }

  private async loadDirectory(subprojectIds: Set<string>): Promise<ReminderDirectory> {
    const leads = (await this.dataSource.query(
      `SELECT subproject_id, email FROM app_user WHERE ${activeLeadSql()} AND subproject_id = ANY($1::uuid[]) ORDER BY email`,
      [[...subprojectIds]],
    )) as Array<{ subproject_id: string; email: string }>;
    const analysts = (await this.dataSource.query(`SELECT email FROM app_user WHERE role = 'analyst' AND active ORDER BY email`)) as Array<{ email: string }>;
    const leadsBySubproject = new Map<string, string[]>();
    for (const lead of leads) leadsBySubproject.set(lead.subproject_id, [...(leadsBySubproject.get(lead.subproject_id) ?? []), lead.email]);
    return { leadsBySubproject, analysts: analysts.map((a) => a.email) };
  }

  /** Records today's reminders; returns those this run claimed (not already recorded by another run today). */
  private async record(manager: EntityManager, reached: ReachedReminder[], day: string): Promise<DueReminder[]> {
    if (reached.length === 0) return [];
    const inserted = (await manager.query(
      `INSERT INTO deviation_reminder (deviation_id, kind, reminded_on, days_overdue, recipient_count, created_at, updated_at)
       SELECT r.deviation_id, r.kind, $5::date, r.days_overdue, r.recipient_count, $6, $6
         FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[]) AS r(deviation_id, kind, days_overdue, recipient_count)
       ON CONFLICT (deviation_id, kind, reminded_on) DO NOTHING
       RETURNING deviation_id, kind`,
      [reached.map((r) => r.deviationId), reached.map((r) => r.kind), reached.map((r) => r.daysOverdue), reached.map((r) => r.recipientCount), day, this.clock.now()],
    )) as Array<{ deviation_id: string; kind: ReminderKind }>;
    const claimed = new Set(inserted.map((row) => `${row.deviation_id}:${row.kind}`));
    return reached.filter((r) => claimed.has(`${r.deviationId}:${r.kind}`));
  }

  private async enqueue(manager: EntityManager, distribution: ReminderDistribution, day: string, policy: ReminderPolicy): Promise<void> {
    for (const mail of distribution.mails) {
      // Same day and same reports: the same mail, queued once even if a crashed run is repeated.
      const content = [...mail.notAccepted.map((l) => `a:${l.id}`), ...mail.notResolved.map((l) => `r:${l.id}`)].sort().join(',');
      const digest = createHash('sha256').update(content).digest('hex').slice(0, 16);
      await this.mail.enqueue({ to: [mail.email], template: REMINDER_TEMPLATE, context: reminderMailContext(mail, policy), dedupeKey: `${REMINDER_TEMPLATE}:${day}:${digest}` }, manager);
    }
  }
}
