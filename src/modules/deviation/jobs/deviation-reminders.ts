import { calendarDaysBetween, IsoDate, isWorkingDay, stockholmDate, workingDaysBetween } from '../../../common/calendar/working-days';
import { swedishList } from '../../../common/text/swedish-list';
import { DeadlinePolicy, deadlinesFor, DeadlineSubject } from '../deviation-deadlines';
import { DEVIATION_STATUSES, DeviationStatus } from '../deviation-workflow';

/**
 * Which overdue reports to remind whom about, today. Pure: the job feeds it rows and a clock.
 *
 * The rules (README "Schemalagda jobb"):
 * - not_accepted: still "ny" after ACCEPT_WITHIN_WORKING_DAYS working days → the owning delprojekt's leads.
 *   not_resolved: not åtgärdad, eskalerad or avslutad after RESOLVE_WITHIN_DAYS days → those leads and every analyst.
 *   A delprojekt without an active lead: both kinds go to every analyst, who stands in for the lead there
 *   (deviation-access.ts), and the mail says why.
 *   Overdue is decided by deadlinesFor (deviation-deadlines.ts), the same rule the lists flag reports with.
 * - Reminders go out on Swedish working days only: a mail on a Saturday or on juldagen would wait unread,
 *   and the next working day's run picks the report up.
 * - A report is reminded at most once per kind per day, and again only REMINDER_REPEAT_DAYS (default 7)
 *   days after the last reminder of that kind while it is still overdue.
 * - Imported reports are reminded like any other: their deadlines count from the import (deadlinesFor),
 *   so an import of old open reports reminds no one on import day, and the first reminder comes only
 *   when the delprojekt has had the same time as for a report filed that day.
 */

export const REMINDER_KINDS = ['not_accepted', 'not_resolved'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

export interface ReminderPolicy extends DeadlinePolicy {
  /** Calendar days before a report that is still overdue is reminded again (≥ 1). */
  repeatAfterDays: number;
}

export interface ReminderCandidate extends DeadlineSubject {
  id: string;
  /** Swedish date of the latest reminder of each kind, if any. */
  lastReminded: Partial<Record<ReminderKind, IsoDate>>;
}

export interface DueReminder {
  deviationId: string;
  kind: ReminderKind;
  /** The last day that was on time. */
  deadline: IsoDate;
  /** Past the deadline: working days for not_accepted, calendar days for not_resolved. */
  daysOverdue: number;
}

export interface ReminderPlan {
  /** The Swedish date the plan is for. */
  day: IsoDate;
  /** False on weekends and röda dagar: nothing is sent. */
  sendsToday: boolean;
  due: DueReminder[];
}

function repeatIsDue(lastReminded: IsoDate | undefined, today: IsoDate, repeatAfterDays: number): boolean {
  return lastReminded === undefined || calendarDaysBetween(lastReminded, today) >= repeatAfterDays;
}

/** The reminders one report is due today (none, one or both kinds). */
export function dueRemindersFor(candidate: ReminderCandidate, now: Date, policy: ReminderPolicy): DueReminder[] {
  const today = stockholmDate(now);
  const deadlines = deadlinesFor(candidate, now, policy);
  const due: DueReminder[] = [];
  if (deadlines.notAcceptedInTime && repeatIsDue(candidate.lastReminded.not_accepted, today, policy.repeatAfterDays)) {
    due.push({ deviationId: candidate.id, kind: 'not_accepted', deadline: deadlines.acceptBy, daysOverdue: workingDaysBetween(deadlines.acceptBy, today) });
  }
  if (deadlines.notResolvedInTime && repeatIsDue(candidate.lastReminded.not_resolved, today, policy.repeatAfterDays)) {
    due.push({ deviationId: candidate.id, kind: 'not_resolved', deadline: deadlines.resolveBy, daysOverdue: calendarDaysBetween(deadlines.resolveBy, today) });
  }
  return due;
}

export function planReminders(candidates: Iterable<ReminderCandidate>, now: Date, policy: ReminderPolicy): ReminderPlan {
  const day = stockholmDate(now);
  if (!isWorkingDay(day)) return { day, sendsToday: false, due: [] };
  const due: DueReminder[] = [];
  for (const candidate of candidates) due.push(...dueRemindersFor(candidate, now, policy));
  return { day, sendsToday: true, due };
}

/** The statuses deadlinesFor can ever flag as overdue, so the job's query filters on the same rule. */
export function statusesThatCanBeOverdue(policy: DeadlinePolicy): DeviationStatus[] {
  const longAgo = new Date('2000-01-03T09:00:00Z');
  const muchLater = new Date('2010-01-04T09:00:00Z');
  return DEVIATION_STATUSES.filter((status) => {
    const deadlines = deadlinesFor({ status, reportedAt: longAgo, importedAt: null }, muchLater, policy);
    return deadlines.notAcceptedInTime || deadlines.notResolvedInTime;
  });
}

/**
 * The latest deadline start (deadlineStartSql: the filing, or the import) that can possibly be overdue
 * today, so the job need not read every open report: N working days are at least N calendar days, and
 * one day of slack covers time zones and summer time. The exact decision is still deadlinesFor's.
 */
export function overdueCandidateCutoff(now: Date, policy: DeadlinePolicy): Date {
  const days = Math.min(policy.acceptWithinWorkingDays, policy.resolveWithinDays);
  return new Date(now.getTime() - (days - 1) * 86_400_000);
}

// ── Who gets which mail ───────────────────────────────────────────────────────────────────────

/** What a reminder may show of a report: its title passed the personal-data guard; nothing else of its text is used. */
export interface ReminderReport {
  id: string;
  reference: string;
  title: string;
  municipalityName: string;
  subprojectId: string;
  subprojectName: string;
  /** Swedish date an imported report came into this system (the mail says so: its deadlines count from then); null if filed here. */
  importedOn: IsoDate | null;
}

export interface ReminderDirectory {
  /** Active leads' addresses per delprojekt id. */
  leadsBySubproject: ReadonlyMap<string, readonly string[]>;
  /** Every active analyst's address. */
  analysts: readonly string[];
}

export interface ReminderLine {
  id: string;
  reference: string;
  title: string;
  municipalityName: string;
  subprojectName: string;
  deadline: IsoDate;
  daysOverdue: number;
  importedOn: IsoDate | null;
  /** The owning delprojekt has no active lead: the analysts get the reminder instead, and the mail says so. */
  withoutLead: boolean;
  /** Appended to BASE_URL in the mail. */
  path: string;
}

/** One mail: everything overdue that this person should act on, so nobody gets one mail per report. */
export interface ReminderMail {
  email: string;
  notAccepted: ReminderLine[];
  notResolved: ReminderLine[];
}

export interface ReachedReminder extends DueReminder {
  recipientCount: number;
}

export interface ReminderDistribution {
  mails: ReminderMail[];
  /** Due reminders that no one could be sent (no active lead and no active analyst): not recorded, so tried again tomorrow. */
  unreached: DueReminder[];
  /** Due reminders that reached at least one person: recorded as sent today. */
  reached: ReachedReminder[];
}

function byMostOverdue(a: ReminderLine, b: ReminderLine): number {
  return b.daysOverdue - a.daysOverdue || a.reference.localeCompare(b.reference);
}

export function distributeReminders(due: readonly DueReminder[], reports: ReadonlyMap<string, ReminderReport>, directory: ReminderDirectory): ReminderDistribution {
  const mails = new Map<string, ReminderMail>();
  const reached: ReachedReminder[] = [];
  const unreached: DueReminder[] = [];
  for (const reminder of due) {
    const report = reports.get(reminder.deviationId);
    if (!report) throw new Error(`Rapporten ${reminder.deviationId} saknas i påminnelsen`);
    const leads = directory.leadsBySubproject.get(report.subprojectId) ?? [];
    // No lead to remind: the analysts stand in for one, for both kinds, rather than the report waiting for no one.
    const withoutLead = leads.length === 0;
    const toAnalysts = withoutLead || reminder.kind === 'not_resolved';
    const recipients = new Set([...leads, ...(toAnalysts ? directory.analysts : [])].map((address) => address.trim().toLowerCase()));
    if (recipients.size === 0) {
      unreached.push(reminder);
      continue;
    }
    reached.push({ ...reminder, recipientCount: recipients.size });
    const line: ReminderLine = {
      id: report.id,
      reference: report.reference,
      title: report.title,
      municipalityName: report.municipalityName,
      subprojectName: report.subprojectName,
      deadline: reminder.deadline,
      daysOverdue: reminder.daysOverdue,
      importedOn: report.importedOn,
      withoutLead,
      path: `/avvikelser/${report.id}`,
    };
    for (const email of recipients) {
      const mail = mails.get(email) ?? { email, notAccepted: [], notResolved: [] };
      (reminder.kind === 'not_accepted' ? mail.notAccepted : mail.notResolved).push(line);
      mails.set(email, mail);
    }
  }
  const sorted = [...mails.values()].sort((a, b) => a.email.localeCompare(b.email));
  for (const mail of sorted) {
    mail.notAccepted.sort(byMostOverdue);
    mail.notResolved.sort(byMostOverdue);
  }
  return { mails: sorted, reached, unreached };
}

// ── What the mail says ────────────────────────────────────────────────────────────────────────

/** A mail lists at most this many reports per section and says how many more there are. */
export const REMINDER_MAX_LINES = 50;

export interface ReminderMailContext {
  notAccepted: ReminderLine[];
  notAcceptedMore: number;
  notAcceptedCount: number;
  notResolved: ReminderLine[];
  notResolvedMore: number;
  notResolvedCount: number;
  /** Where "… och N till" of the unaccepted leads: a lead's queue, or the analysts' list of delprojekt without a lead. */
  notAcceptedMorePath: string;
  /** The delprojekt without an active lead this mail reminds about, so it can say why the analyst gets them. */
  withoutLeadSubprojects: string[];
  /** Those names as Swedish prose ("MIA HBS och MIA Järfälla"). */
  withoutLeadNames: string;
  acceptWithinWorkingDays: number;
  resolveWithinDays: number;
  repeatAfterDays: number;
}

/** The analysts' list of reports in delprojekt without an active lead (the list page's filter lead=none). */
export const WITHOUT_LEAD_LIST_PATH = '/avvikelser?lead=none';

export function reminderMailContext(mail: ReminderMail, policy: ReminderPolicy): ReminderMailContext {
  const withoutLeadSubprojects = [...new Set([...mail.notAccepted, ...mail.notResolved].filter((l) => l.withoutLead).map((l) => l.subprojectName))].sort((a, b) =>
    a.localeCompare(b, 'sv'),
  );
  // Only reports without a lead are unaccepted reminders to an analyst; a lead's go to their own queue.
  const analystsOnly = mail.notAccepted.length > 0 && mail.notAccepted.every((l) => l.withoutLead);
  return {
    notAccepted: mail.notAccepted.slice(0, REMINDER_MAX_LINES),
    notAcceptedMore: Math.max(0, mail.notAccepted.length - REMINDER_MAX_LINES),
    notAcceptedCount: mail.notAccepted.length,
    notResolved: mail.notResolved.slice(0, REMINDER_MAX_LINES),
    notResolvedMore: Math.max(0, mail.notResolved.length - REMINDER_MAX_LINES),
    notResolvedCount: mail.notResolved.length,
    notAcceptedMorePath: analystsOnly ? `${WITHOUT_LEAD_LIST_PATH}&status=ny` : '/delprojekt/ko',
    withoutLeadSubprojects,
    withoutLeadNames: swedishList(withoutLeadSubprojects),
    acceptWithinWorkingDays: policy.acceptWithinWorkingDays,
    resolveWithinDays: policy.resolveWithinDays,
    repeatAfterDays: policy.repeatAfterDays,
  };
}
