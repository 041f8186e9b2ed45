import { addCalendarDays, addWorkingDays, IsoDate, stockholmDate } from '../../common/calendar/working-days';
import { DeviationStatus } from './deviation-workflow';

/** How long a delprojekt has: N working days to accept, M calendar days to resolve (env, defaults 2 and 30). */
export interface DeadlinePolicy {
  acceptWithinWorkingDays: number;
  resolveWithinDays: number;
}

/** What the deadlines of a report depend on. `importedAt` is required so no caller can forget an import. */
export interface DeadlineSubject {
  status: DeviationStatus;
  reportedAt: Date;
  /** When an imported report came into this system; null for reports filed here. */
  importedAt: Date | null;
}

export interface Deadlines {
  /** The Swedish date both deadlines count from: the filing, or for an imported report the import. */
  countsFrom: IsoDate;
  /** Last Swedish date on which accepting is on time. */
  acceptBy: IsoDate;
  /** Last Swedish date on which resolving is on time. */
  resolveBy: IsoDate;
  notAcceptedInTime: boolean;
  notResolvedInTime: boolean;
}

/** Not yet åtgärdad lokalt, eskalerad or avslutad. */
const UNRESOLVED: readonly DeviationStatus[] = ['ny', 'mottagen', 'under_utredning'];

/**
 * When a report came into this system, which is when its deadlines start. An imported report's
 * reportedAt is the earlier system's date (possibly years ago): counting from it would make every open
 * import overdue on import day, about work no one here could have done.
 */
export function deadlineStart(report: Pick<DeadlineSubject, 'reportedAt' | 'importedAt'>): Date {
  return report.importedAt ?? report.reportedAt;
}

/**
 * deadlineStart in SQL, for the counts that compare many rows at once (overview, start page, the
 * reminder job's candidates) instead of running deadlinesFor per row. `alias` is the deviation table's.
 */
export function deadlineStartSql(alias = 'd'): string {
  return `COALESCE(${alias}.imported_at, ${alias}.reported_at)`;
}

/**
 * The one rule for "försenad", used by the queue, the report page, the API, the overview, the start
 * page, the reminders and the digest. A report filed Friday with N = 2 must be accepted by Tuesday; on
 * Wednesday it is overdue. Both deadlines count from the Swedish date of deadlineStart.
 */
export function deadlinesFor(report: DeadlineSubject, now: Date, policy: DeadlinePolicy): Deadlines {
  const countsFrom = stockholmDate(deadlineStart(report));
  const today = stockholmDate(now);
  const acceptBy = addWorkingDays(countsFrom, policy.acceptWithinWorkingDays);
  const resolveBy = addCalendarDays(countsFrom, policy.resolveWithinDays);
  return {
    countsFrom,
    acceptBy,
    resolveBy,
    notAcceptedInTime: report.status === 'ny' && today > acceptBy,
    notResolvedInTime: UNRESOLVED.includes(report.status) && today > resolveBy,
  };
}
